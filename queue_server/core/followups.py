"""差评 work orders: assign, 回访, resolve, re-rate; and where each of their clocks stands.

The actor of each step is the acting staff id (the hall manager the server has checked), and
it must be a configured staff member: every step is in the log under who took it.
"""

from __future__ import annotations

from typing import Any

from contract.followups import ClockState, FollowupClock, clock_states

from . import commands as c
from .errors import refusal
from .handlers import Context, Decision
from .model import ContactChannel, FollowupOutcome, RatingLevel
from .ratings import valid_score
from .state import Followup
from .views import followup_dict

__all__ = [
    "ClockState",
    "FollowupClock",
    "assign_followup",
    "clocks",
    "contact_followup",
    "rerate_followup",
    "resolve_followup",
]


def _acting(ctx: Context) -> None:
    if ctx.actor not in ctx.d.staff:
        raise refusal("unknown_staff", staff=ctx.actor)


def _followup(ctx: Context, followup: str) -> Followup:
    _acting(ctx)
    f = ctx.state.followups.get(followup)
    if f is None:
        raise refusal("unknown_followup", followup=followup)
    return f


def _open(ctx: Context, followup: str) -> Followup:
    f = _followup(ctx, followup)
    if f.resolved_at is not None:
        raise refusal("already_resolved", followup=f.id)
    return f


def _note(note: object, what: str, what_en: str) -> str:
    if not isinstance(note, str) or not note.strip():
        raise refusal("empty_note", what=what, what_en=what_en)
    return note.strip()


def _reply(ctx: Context, followup: str) -> Any:
    return lambda: {"followup": followup_dict(ctx.state.followups[followup])}


def assign_followup(ctx: Context, cmd: c.AssignFollowup) -> Decision:
    """Give the work order to a staff member; the same owner again changes nothing."""
    f = _open(ctx, cmd.followup)
    if cmd.owner not in ctx.d.staff:
        raise refusal("unknown_staff", staff=cmd.owner)
    events = []
    if f.owner != cmd.owner:
        events.append(ctx.event("followup_assigned", followup=f.id, owner=cmd.owner))
    return Decision(events, _reply(ctx, f.id))


def contact_followup(ctx: Context, cmd: c.ContactFollowup) -> Decision:
    """A 回访 record: the first stops the contact clock, a later one the feedback clock."""
    f = _open(ctx, cmd.followup)
    if cmd.channel not in tuple(ContactChannel):
        raise refusal("bad_channel", channel=str(cmd.channel))
    note = _note(cmd.note, "回访记录", "contact note")
    event = ctx.event("followup_contacted", followup=f.id, channel=cmd.channel, note=note)
    return Decision([event], _reply(ctx, f.id))


def resolve_followup(ctx: Context, cmd: c.ResolveFollowup) -> Decision:
    """The outcome (fixed, explained, appealed) with a note; once only."""
    f = _open(ctx, cmd.followup)
    if cmd.outcome not in tuple(FollowupOutcome):
        raise refusal("bad_outcome", outcome=str(cmd.outcome))
    note = _note(cmd.note, "办结说明", "outcome note")
    event = ctx.event("followup_resolved", followup=f.id, outcome=cmd.outcome, note=note)
    return Decision([event], _reply(ctx, f.id))


def rerate_followup(ctx: Context, cmd: c.RerateFollowup) -> Decision:
    """The citizen's rating after the fix, beside the original; once, and only when resolved."""
    f = _followup(ctx, cmd.followup)
    if not valid_score(cmd.score):
        raise refusal("bad_score", score=str(cmd.score))
    if f.resolved_at is None:
        raise refusal("not_resolved", followup=f.id)
    if f.rerating is not None:
        raise refusal("already_rated", number=f.id)
    level = RatingLevel(cmd.score)
    event = ctx.event(
        "followup_rerated",
        followup=f.id,
        score=level.value,
        level=level.name,
        bad=level.is_bad,
    )
    return Decision([event], _reply(ctx, f.id))


def clocks(f: Followup, now: float) -> tuple[FollowupClock, ...]:
    """The 2110 clocks of a work order at ``now`` (``contract.followups``: the first 回访 stops
    the contact clock, a second the feedback clock, the outcome all three)."""
    contacts = [entry["at"] for entry in f.contacts]
    return clock_states(
        (f.contact_due, f.feedback_due, f.resolve_due), contacts, f.resolved_at, now
    )
