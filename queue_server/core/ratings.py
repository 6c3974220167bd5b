"""好差评 commands: inviting a rating and recording one at each of its three moments.

未办先评 (``before``) rates the hall itself and is attached to no ticket; 边办边评 (``during``)
rates the ticket being served; 办后再评 (``after``) the ticket finished last. A hall uses the
moments it configures; one rating per ticket per moment (一次一评); never forced. Every 差评
(不满意, 非常不满意) opens a work order (``followup_opened``) with its owner and its three
clocks on working time (the 2110 rule by default).
"""

from __future__ import annotations

from typing import Any

from . import commands as c
from .days import add_working_time, local_time, working_days_due
from .errors import DomainError, refusal
from .handlers import Context, Decision, window_of
from .model import HallAspect, RatingLevel, RatingMoment
from .state import Event, Ticket

__all__ = ["invite_rating", "open_followup", "rate", "rate_hall", "valid_score"]


def invite_rating(ctx: Context, cmd: c.InviteRating) -> Decision:
    """Invite a rating of the ticket the window finished last; refused while serving."""
    w, status = window_of(ctx, cmd.window)
    if status.current is not None:
        number = ctx.state.tickets[status.current].number
        raise refusal("window_busy", window=w.number, number=number)
    if status.last_served is None:
        raise refusal("no_served_ticket", window=w.number)
    t = ctx.state.tickets[status.last_served]
    if t.rating is not None:
        raise refusal("already_rated", window=w.number, number=t.number)
    events = []
    if status.invited != t.id:
        events.append(ctx.event("rating_invited", ticket=t.id, number=t.number, window=w.number))
    return Decision(events, ctx.ticket_reply(t.id))


def valid_score(score: object) -> bool:
    return isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 5


def _shown(value: object) -> Any:
    return value if isinstance(value, (int, float, str)) else repr(value)


def rate(ctx: Context, cmd: c.Rate) -> Decision:
    """一次一评 per moment: a rating attached to ticket, service, window and clerk.

    办后再评 is accepted within ``invite_window_s`` after finish, or until the window's next
    call when invited; 边办边评 while the ticket is being served. A rejection is recorded
    (``rating_rejected``) and reported in ``Result.error``.
    """
    w, status = window_of(ctx, cmd.window)
    moment = cmd.moment
    during = moment == RatingMoment.DURING
    current = status.current if during else status.last_served
    t = ctx.state.tickets.get(current) if current else None
    rejection: DomainError | None = None
    if not valid_score(cmd.score):
        rejection = refusal("bad_score", window=w.number, score=str(cmd.score))
    elif moment not in (RatingMoment.DURING, RatingMoment.AFTER):
        rejection = refusal("bad_moment", moment=str(moment))
    elif moment not in ctx.d.hall.ratings.moments:
        rejection = refusal("moment_not_used", moment=moment)
    elif t is None:
        rejection = refusal("no_current_ticket" if during else "no_served_ticket", window=w.number)
    elif (t.rating_during if during else t.rating) is not None:
        rejection = refusal("already_rated", window=w.number, number=t.number)
    elif (
        not during
        and status.invited != t.id
        and ctx.now - (status.last_finished_at or 0.0) > ctx.d.hall.ratings.invite_window_s
    ):
        rejection = refusal("rating_expired", window=w.number, number=t.number)
    if rejection is not None:
        event = ctx.event(
            "rating_rejected",
            reason=rejection.code,
            ticket=t.id if t else None,
            window=w.number,
            score=_shown(cmd.score),
            source=cmd.source,
            moment=_shown(moment),
        )
        return Decision([event], lambda: {"rating": None, "rejected": rejection.code}, rejection)
    assert t is not None
    level = RatingLevel(cmd.score)
    record = {
        "ticket": t.id,
        "number": t.number,
        "service": t.service,
        "window": w.number,
        "staff": t.staff,
        "score": level.value,
        "level": level.name,
        "bad": level.is_bad,
    }
    events = [ctx.event("rating_recorded", **record, source=cmd.source, moment=moment)]
    followup = None
    if level.is_bad:
        followup = open_followup(ctx, level, moment, ticket=t, window=w.number)
        events.append(followup)
    reply = {"rating": {**record, "moment": moment, **_followup_reply(followup)}}
    return Decision(events, lambda: reply)


def rate_hall(ctx: Context, cmd: c.RateHall) -> Decision:
    """未办先评: the hall itself (environment, volunteers, guidance), attached to no ticket.

    A bad value is refused (raised, nothing recorded): anyone's phone may send this.
    """
    if not valid_score(cmd.score):
        raise refusal("bad_score", score=str(_shown(cmd.score)))
    if cmd.aspect not in tuple(HallAspect):
        raise refusal("bad_aspect", aspect=str(_shown(cmd.aspect)))
    if RatingMoment.BEFORE not in ctx.d.hall.ratings.moments:
        raise refusal("moment_not_used", moment=RatingMoment.BEFORE.value)
    level = RatingLevel(cmd.score)
    record = {
        "score": level.value,
        "level": level.name,
        "bad": level.is_bad,
        "aspect": cmd.aspect,
    }
    events = [ctx.event("hall_rated", **record, source=cmd.source)]
    followup = None
    if level.is_bad:
        followup = open_followup(ctx, level, RatingMoment.BEFORE, aspect=cmd.aspect)
        events.append(followup)
    reply = {"rating": {**record, "moment": "before", **_followup_reply(followup)}}
    return Decision(events, lambda: reply)


def _followup_reply(followup: Event | None) -> dict[str, Any]:
    if followup is None:
        return {"followup": None, "followup_deadline": None}
    return {"followup": followup["followup"], "followup_deadline": followup["deadline"]}


def open_followup(
    ctx: Context,
    level: RatingLevel,
    moment: str,
    ticket: Ticket | None = None,
    window: int | None = None,
    aspect: str | None = None,
) -> Event:
    """The ``followup_opened`` event of a 差评: its id, owner and clocks.

    The owner is who served the ticket (谁办理谁负责); a hall rating starts unassigned. The
    clocks run on the hall's working time: contact within ``contact_hours`` working hours
    (counted from the rating), feedback within ``feedback_days`` and resolution within
    ``resolve_days`` working days (the rating's own day not counted; each ends at the close
    of its last working day).
    """
    policy, calendar, tz = ctx.d.hall.ratings, ctx.d.hall.calendar, ctx.d.hall.policy.timezone
    resolve_due = working_days_due(ctx.now, policy.resolve_days, calendar, tz)
    return ctx.event(
        "followup_opened",
        followup=f"{ctx.day}-F{ctx.state.followups_opened + 1:03d}",
        ticket=ticket.id if ticket else None,
        number=ticket.number if ticket else None,
        service=ticket.service if ticket else None,
        window=window,
        staff=ticket.staff if ticket else None,
        score=level.value,
        moment=moment,
        aspect=aspect,
        owner=ticket.staff if ticket else None,
        deadline=_date_of(resolve_due, tz),
        contact_due=add_working_time(ctx.now, policy.contact_hours * 3600, calendar, tz),
        feedback_due=working_days_due(ctx.now, policy.feedback_days, calendar, tz),
        resolve_due=resolve_due,
    )


def _date_of(moment: float, timezone: str) -> str:
    return local_time(moment, timezone).date().isoformat()
