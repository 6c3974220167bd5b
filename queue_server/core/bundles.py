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
from .days import is_open
from .errors import refusal
from .handlers import Context, Decision, issued_reply, window_of
from .handlers import finish as finish_ticket
from .model import Bundle, StaffRole, TicketClass, Window
from .state import OPEN_STATES, Ticket, WindowStatus
from .views import ahead_of, estimated_wait

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


def _issue(
    ctx: Context,
    *,
    steps: tuple[str, ...],
    prefix: str | None,
    request_id: str,
    ticket_class: TicketClass | str,
    citizen_hash: str | None,
    token: str | None,
    bundle: str | None = None,
    proxy: str | None = None,
) -> Decision:
    """Issue one ticket queued for ``steps[0]``: the checks and event of ``take_ticket``."""
    known = ctx.state.requests.get((ctx.actor, request_id))
    if known is not None:
        return Decision([], issued_reply(ctx, known))
    services = []
    for code in steps:
        service = ctx.d.services.get(code)
        if service is None:
            raise refusal("unknown_service", service=code)
        services.append(service)
    first = services[0]
    try:
        cls = TicketClass(ticket_class)
    except ValueError:
        raise refusal("class_not_allowed", ticket_class=str(ticket_class)) from None
    if cls is TicketClass.APPOINTMENT or (cls is TicketClass.PRIORITY and not first.priority):
        raise refusal("class_not_allowed", ticket_class=cls.value, service=first.code)
    if not is_open(first, ctx.now, ctx.d.hall.policy.timezone):
        raise refusal("service_closed", service=first.code)
    if first.daily_quota is not None and ctx.state.issued.get(first.code, 0) >= first.daily_quota:
        raise refusal("quota_reached", service=first.code, quota=first.daily_quota)
    if citizen_hash is not None:
        for t in ctx.state.tickets.values():
            same = t.bundle == bundle if bundle is not None else t.service == first.code
            if t.citizen_hash == citizen_hash and same and t.state in OPEN_STATES:
                raise refusal(
                    "already_holding", number=t.number, ticket=issued_reply(ctx, t.id)()["ticket"]
                )
    prefix = prefix or first.prefix
    seq = ctx.state.sequences.get(prefix, 0) + 1
    number = f"{prefix}{seq:03d}"
    draft = Ticket(
        id=f"{ctx.day}-{number}",
        number=number,
        day=ctx.day,
        seq=seq,
        order=ctx.state.issue_order + 1,
        service=first.code,
        ticket_class=cls,
        issued_at=ctx.now,
        request_id=request_id,
    )
    ahead = ahead_of(ctx.d, ctx.state, draft, ctx.now)
    extra: dict[str, object] = {}
    if bundle is not None:
        extra.update(bundle=bundle, steps=list(steps))
    if proxy is not None:
        extra["proxy"] = proxy
    event = ctx.event(
        "ticket_issued",
        ticket=draft.id,
        number=number,
        prefix=prefix,
        sequence=seq,
        order=draft.order,
        service=first.code,
        **{"class": cls.value},
        request_id=request_id,
        citizen_hash=citizen_hash,
        appointment_code=None,
        ahead=ahead,
        estimated_wait_s=estimated_wait(ctx.d, ctx.state, draft, ahead),
        token=token,
        **extra,
    )
    return Decision([event], issued_reply(ctx, draft.id))


def take_bundle(ctx: Context, cmd: TakeBundle) -> Decision:
    """One ticket for a bundle, queued for its first step (open hours and quota of that step)."""
    known = ctx.state.requests.get((ctx.actor, cmd.request_id))
    if known is not None:
        return Decision([], issued_reply(ctx, known))
    b = _bundle(ctx, cmd.bundle)
    return _issue(
        ctx,
        steps=b.services,
        prefix=b.prefix,
        request_id=cmd.request_id,
        ticket_class=cmd.ticket_class,
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
    return _issue(
        ctx,
        steps=steps,
        prefix=prefix,
        request_id=cmd.request_id,
        ticket_class=cmd.ticket_class,
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
