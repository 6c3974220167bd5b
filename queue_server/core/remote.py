"""远程取号: a number taken on a phone, which must check in at the hall before it is called.

Rules (``[remote]`` in the hall configuration, :class:`.model.RemotePolicy`):

1. A remote ticket is a ticket like any other of its service and class (same numbering,
   quota and opening hours, one open ticket per citizen and service), marked ``remote``.
   The citizen is a keyed hash of the phone number; the phone's last four digits are kept
   only as a keyed hash of the ticket and those digits (``phone_check``), for the kiosk.
2. Caps, checked here: ``per_citizen_day`` remote tickets per citizen and day,
   ``per_service_hour`` remote tickets per service in any 60 minutes. The per-address limit
   is the server's (it knows the address).
3. Until it checks in, it waits (it counts in the waiting numbers and keeps its issue time)
   but is in no lane, so no window calls it (``policy.candidates``). When ``hold_ahead`` or
   fewer tickets of its service issued before it still wait, it is *held*: ``ticket_held``
   gives it ``checkin_minutes`` to check in. Checked in, it joins its lane by its issue time,
   so it keeps its place and is called next if it is at the front.
4. Held past its deadline unchecked, it expires (``ticket_expired`` with reason
   ``checkin_late``).

:func:`sweep` applies rules 3–4 after every command the engine runs (the server's periodic
alert check is one), so the clock alone moves a held ticket to expiry.
"""

from __future__ import annotations

import bisect
import hmac
from collections.abc import Callable

from . import commands as c
from .days import is_open
from .errors import refusal
from .handlers import Context, Decision, take_ticket
from .model import RemotePolicy, TicketClass, TicketState
from .state import Event, State, Ticket

__all__ = ["check_in", "checkin_ahead", "sweep", "take_remote"]

HOUR_S = 3600.0


def take_remote(ctx: Context, cmd: c.TakeRemote) -> Decision:
    """Issue a remote ticket, within the remote caps; a known request id returns it again."""
    policy = ctx.d.hall.remote
    if ctx.state.requests.get((ctx.actor, cmd.request_id)) is None:
        if not policy.enabled:
            raise refusal("remote_off")
        service = ctx.d.services.get(cmd.service)
        if service is None:
            raise refusal("unknown_service", service=cmd.service)
        mine = [
            t for t in ctx.state.tickets.values() if t.remote and t.citizen_hash == cmd.citizen_hash
        ]
        if len([t for t in mine if t.day == ctx.day]) >= policy.per_citizen_day:
            raise refusal("citizen_limit", limit=policy.per_citizen_day)
        recent = sum(
            1
            for t in ctx.state.tickets.values()
            if t.remote and t.service == service.code and ctx.now - t.issued_at < HOUR_S
        )
        if recent >= policy.per_service_hour:
            raise refusal(
                "remote_hour_cap",
                service=service.code,
                service_zh=service.name_zh,
                service_en=service.name_en,
                cap=policy.per_service_hour,
            )
    issued = take_ticket(
        ctx,
        c.TakeTicket(
            service=cmd.service,
            request_id=cmd.request_id,
            ticket_class=TicketClass.NORMAL,
            citizen_hash=cmd.citizen_hash,
            token=cmd.token,
        ),
    )
    events = [{**e, "remote": True, "phone_check": cmd.phone_check} for e in issued.events]
    return Decision(events, issued.reply)


def check_in(ctx: Context, cmd: c.CheckIn) -> Decision:
    """签到: a remote ticket is in the hall (door QR or kiosk) and may now be called.

    A wrong number, a ticket taken in the hall and wrong phone digits get the same refusal,
    so a kiosk cannot be used to find out which numbers are remote. Checking in twice
    changes nothing.
    """
    t = ctx.state.tickets.get(f"{ctx.day}-{cmd.number}")
    if t is None or not t.remote:
        raise refusal("checkin_refused", number=cmd.number)
    if cmd.via == "kiosk" and not (
        cmd.proof is not None
        and t.phone_check is not None
        and hmac.compare_digest(cmd.proof, t.phone_check)
    ):
        raise refusal("checkin_refused", number=cmd.number)
    reply = ctx.ticket_reply(t.id)
    if t.checked_in_at is not None:
        return Decision([], reply)
    if t.state is TicketState.EXPIRED and t.checkin_deadline is not None:
        raise refusal("checkin_late", number=t.number)
    if t.state is not TicketState.WAITING:
        raise refusal("ticket_not_waiting", number=t.number, state=t.state.value)
    if t.checkin_deadline is not None and ctx.now >= t.checkin_deadline:
        raise refusal("checkin_late", number=t.number)
    service = ctx.d.services[t.service]
    if not is_open(service, ctx.now, ctx.d.hall.policy.timezone):
        raise refusal("service_closed", service=service.code)
    event = ctx.event(
        "ticket_checked_in", ticket=t.id, number=t.number, service=t.service, via=cmd.via
    )
    return Decision([event], reply)


def checkin_ahead(state: State, t: Ticket) -> int:
    """Tickets of ``t``'s service issued before it and still waiting (its place by issue)."""
    key = (t.issued_at, t.order, "")
    ahead = sum(
        bisect.bisect_left(lane, key)
        for cls in TicketClass
        if (lane := state.lanes.get((t.service, cls)))
    )
    ahead += sum(
        1
        for r in state.reserved.values()
        for other in r.values()
        if other.service == t.service and (other.issued_at, other.order) < key[:2]
    )
    ahead += sum(
        1
        for other in state.unchecked.values()
        if other.service == t.service and (other.issued_at, other.order) < key[:2]
    )
    return ahead


def sweep(
    state: State, policy: RemotePolicy, now: float, make: Callable[..., Event]
) -> list[Event]:
    """Rules 3–4 at ``now``: hold the unchecked tickets near the front, expire the late ones."""
    events: list[Event] = []
    unchecked = sorted(state.unchecked.values(), key=lambda t: (t.issued_at, t.order))
    # Those that expire now no longer stand before the others: a ticket they held back is
    # held in the same sweep (the events are applied after it).
    late = [t for t in unchecked if t.checkin_deadline is not None and now >= t.checkin_deadline]
    for t in unchecked:
        if t.checkin_deadline is None:
            leaving = sum(
                1
                for o in late
                if o.service == t.service and (o.issued_at, o.order) < (t.issued_at, t.order)
            )
            if checkin_ahead(state, t) - leaving <= policy.hold_ahead:
                deadline = now + policy.checkin_minutes * 60
                events.append(
                    make(
                        "ticket_held",
                        ticket=t.id,
                        number=t.number,
                        service=t.service,
                        deadline=deadline,
                    )
                )
        elif now >= t.checkin_deadline:
            events.append(
                make(
                    "ticket_expired",
                    ticket=t.id,
                    number=t.number,
                    was=t.state.value,
                    window=t.window,
                    reason="checkin_late",
                )
            )
    return events
