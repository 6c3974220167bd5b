"""一件事一次办 and 帮办代办: one ticket for a bundle of services, tickets taken for a citizen.

A bundle's ticket has one number throughout. It queues for its first step's service; when a
window finishes a step, the next step is served at the same window if it serves that service
(a comprehensive window serves the whole bundle), else the ticket waits for the next step's
service keeping its original issue time, so it keeps its place by issue time at each step
(``ticket_step_done``). Finishing the last step is an ordinary ``ticket_finished``.

A 帮办代办员 (staff with the ``agent`` role, on an agent device) takes tickets on behalf of
citizens: the ticket records the agent (``proxy``) and the citizen's hash; boards and kiosks
see a normal number.
"""

from __future__ import annotations

from . import commands as c
from .commands import TakeBundle, TakeForCitizen
from .errors import refusal
from .handlers import Context, Decision, issue_ticket, issued_reply, window_of
from .handlers import finish as finish_ticket
from .model import Bundle, StaffRole, Window
from .state import Ticket, WindowStatus

__all__ = [
    "finish",
    "step_done",
    "take_bundle",
    "take_for_citizen",
]


def _bundle(ctx: Context, code: str) -> Bundle:
    found = next((b for b in ctx.d.hall.bundles if b.code == code), None)
    if found is None:
        raise refusal("unknown_bundle", bundle=code)
    return found


def take_bundle(ctx: Context, cmd: TakeBundle) -> Decision:
    """One ticket for a bundle, queued for its first step (open hours and quota of that step)."""
    known = ctx.state.requests.get((ctx.actor, cmd.request_id))
    if known is not None:
        return Decision([], issued_reply(ctx, known))
    b = _bundle(ctx, cmd.bundle)
    return issue_ticket(
        ctx,
        b.services,
        cmd.ticket_class,
        prefix=b.prefix,
        request_id=cmd.request_id,
        citizen_hash=cmd.citizen_hash,
        token=cmd.token,
        bundle=b.code,
    )


def take_for_citizen(ctx: Context, cmd: TakeForCitizen) -> Decision:
    """帮办代办: a ticket marked with the agent and the citizen, a service's or a bundle's."""
    staff = ctx.d.staff.get(cmd.agent)
    if staff is None:
        raise refusal("unknown_staff", staff=cmd.agent)
    if StaffRole.AGENT not in staff.roles:
        raise refusal("not_agent", staff=cmd.agent)
    if not cmd.citizen_hash:
        raise refusal("citizen_required")
    if (cmd.service is None) == (cmd.bundle is None):
        raise refusal("unknown_service", service=cmd.service or "")
    if cmd.bundle is not None:
        b = _bundle(ctx, cmd.bundle)
        steps, prefix, bundle = b.services, b.prefix, b.code
    else:
        assert cmd.service is not None
        steps, prefix, bundle = (cmd.service,), None, None
    return issue_ticket(
        ctx,
        steps,
        cmd.ticket_class,
        prefix=prefix,
        request_id=cmd.request_id,
        citizen_hash=cmd.citizen_hash,
        token=cmd.token,
        bundle=bundle,
        proxy=cmd.agent,
    )


def step_done(ctx: Context, w: Window, status: WindowStatus, t: Ticket) -> Decision:
    """A step of a bundle's ticket is done at ``w`` (not its last: that is ``finish``)."""
    duration = max(0.0, ctx.now - (t.called_at if t.called_at is not None else ctx.now))
    following = t.steps[t.step + 1]
    event = ctx.event(
        "ticket_step_done",
        ticket=t.id,
        number=t.number,
        window=w.number,
        staff=t.staff,
        service=t.service,
        step=t.step,
        next_service=following,
        duration_s=round(duration, 3),
        stay=following in w.services,
    )
    return Decision([event], ctx.ticket_reply(t.id))


def finish(ctx: Context, cmd: c.Finish) -> Decision:
    """办结: a bundle's step that is not its last is a step done; anything else is finished."""
    w, status = window_of(ctx, cmd.window)
    current = ctx.state.tickets.get(status.current) if status.current else None
    if current is not None and current.bundle and current.step + 1 < len(current.steps):
        return step_done(ctx, w, status, current)
    return finish_ticket(ctx, cmd)
