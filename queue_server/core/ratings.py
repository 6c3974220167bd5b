"""好差评 commands: inviting a rating and recording one (一次一评, 差评 follow-up)."""

from __future__ import annotations

from . import commands as c
from .days import add_working_days, local_time
from .errors import DomainError, refusal
from .handlers import Context, Decision, window_of
from .model import RatingLevel

__all__ = ["invite_rating", "rate"]


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


def _valid_score(score: object) -> bool:
    return isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 5


def rate(ctx: Context, cmd: c.Rate) -> Decision:
    """一次一评: one rating per served ticket, attached to ticket, service, window and clerk.

    Accepted within ``invite_window_s`` after finish, or until the window's next call when
    invited. A rejection is recorded (``rating_rejected``) and reported in ``Result.error``.
    """
    w, status = window_of(ctx, cmd.window)
    t = ctx.state.tickets.get(status.last_served) if status.last_served else None
    rejection: DomainError | None = None
    if not _valid_score(cmd.score):
        rejection = refusal("bad_score", window=w.number, score=str(cmd.score))
    elif t is None:
        rejection = refusal("no_served_ticket", window=w.number)
    elif t.rating is not None:
        rejection = refusal("already_rated", window=w.number, number=t.number)
    elif status.invited != t.id and ctx.now - (status.last_finished_at or 0.0) > (
        ctx.d.hall.ratings.invite_window_s
    ):
        rejection = refusal("rating_expired", window=w.number, number=t.number)
    if rejection is not None:
        score = cmd.score if isinstance(cmd.score, (int, float, str)) else repr(cmd.score)
        event = ctx.event(
            "rating_rejected",
            reason=rejection.code,
            ticket=t.id if t else None,
            window=w.number,
            score=score,
            source=cmd.source,
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
    events = [ctx.event("rating_recorded", **record, source=cmd.source)]
    deadline = None
    if level.is_bad:
        rated_on = local_time(ctx.now, ctx.d.hall.policy.timezone).date().isoformat()
        deadline = add_working_days(rated_on, ctx.d.hall.ratings.resolve_days)
        events.append(
            ctx.event(
                "followup_opened",
                ticket=t.id,
                number=t.number,
                service=t.service,
                window=w.number,
                staff=t.staff,
                score=level.value,
                deadline=deadline,
            )
        )
    reply = {"rating": {**record, "followup_deadline": deadline}}
    return Decision(events, lambda: reply)
