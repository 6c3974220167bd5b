"""What each command decides: the events it emits, or the DomainError that refuses it.

A handler reads the state and never changes it; the engine applies the returned events and
only then builds the reply (so a reply shows the state after the command).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import commands as c
from .days import is_open
from .errors import DomainError, refusal
from .model import Service, TicketClass, TicketState, Window, WindowState
from .policy import choose_next, reason
from .state import OPEN_STATES, Event, State, Ticket, WindowStatus
from .views import (
    Directory,
    ahead_of,
    estimated_wait,
    open_windows_for,
    ticket_dict,
    window_dict,
)

__all__ = [
    "Context",
    "Decision",
    "call_next",
    "call_number",
    "call_parked",
    "close_window",
    "day_start_events",
    "finish",
    "issue_event",
    "issue_ticket",
    "issued_reply",
    "mark_presence",
    "no_show",
    "open_window",
    "park",
    "pause_window",
    "recall",
    "report_device_status",
    "report_parts",
    "resume_window",
    "start_day",
    "take_ticket",
    "transfer",
    "void_ticket",
    "window_of",
]


@dataclass
class Context:
    d: Directory
    state: State
    now: float
    actor: str
    day: str

    def event(self, kind: str, **fields: Any) -> Event:
        return {"type": kind, "at": self.now, "actor": self.actor, "day": self.day, **fields}

    def ticket_reply(self, ticket_id: str, **extra: Any) -> Callable[[], dict[str, Any]]:
        return lambda: {"ticket": ticket_dict(self.d, self.state.tickets[ticket_id]), **extra}

    def window_reply(self, w: Window) -> Callable[[], dict[str, Any]]:
        return lambda: {"window": window_dict(self.d, self.state, w)}


@dataclass
class Decision:
    events: list[Event]
    reply: Callable[[], dict[str, Any]]
    error: DomainError | None = field(default=None)


def day_start_events(state: State, day: str, make: Callable[..., Event]) -> list[Event]:
    """``day_started`` then one ``ticket_expired`` per ticket left waiting, called or parked."""
    events = [make("day_started", previous=state.day)]
    left = sorted(
        (t for t in state.tickets.values() if t.state in OPEN_STATES),
        key=lambda t: (t.day, t.issued_at, t.order),
    )
    events.extend(
        make("ticket_expired", ticket=t.id, number=t.number, was=t.state.value, window=t.window)
        for t in left
    )
    return events


# -- look-ups that refuse ---------------------------------------------------------------


def window_of(ctx: Context, number: int) -> tuple[Window, WindowStatus]:
    w = ctx.d.windows.get(number)
    if w is None:
        raise refusal("unknown_window", window=number)
    return w, ctx.state.windows.get(number) or WindowStatus(number)


def _today(ctx: Context, number: str) -> Ticket:
    t = ctx.state.tickets.get(f"{ctx.day}-{number}")
    if t is None:
        raise refusal("unknown_ticket", ticket=number)
    return t


def _current(ctx: Context, status: WindowStatus) -> Ticket:
    if status.current is None:
        raise refusal("window_idle", window=status.number)
    return ctx.state.tickets[status.current]


def _ready_to_call(ctx: Context, status: WindowStatus) -> None:
    if status.state is WindowState.CLOSED:
        raise refusal("window_closed", window=status.number)
    if status.state is WindowState.PAUSED:
        raise refusal("window_paused", window=status.number)
    if status.current is not None:
        number = ctx.state.tickets[status.current].number
        raise refusal("window_busy", window=status.number, number=number)


def _called(
    ctx: Context, t: Ticket, status: WindowStatus, why: dict[str, Any], recall: bool
) -> Decision:
    event = ctx.event(
        "ticket_called",
        ticket=t.id,
        number=t.number,
        window=status.number,
        staff=status.staff,
        service=t.service,
        reason=why,
        recall=recall,
    )
    w = ctx.d.windows[status.number]

    def reply() -> dict[str, Any]:
        return {
            "ticket": ticket_dict(ctx.d, ctx.state.tickets[t.id]),
            "reason": why,
            "window": window_dict(ctx.d, ctx.state, w),
        }

    return Decision([event], reply)


# -- kiosk ------------------------------------------------------------------------------


def take_ticket(ctx: Context, cmd: c.TakeTicket) -> Decision:
    """Issue a ticket; a known request id returns its ticket again and emits nothing."""
    return issue_ticket(
        ctx,
        (cmd.service,),
        cmd.ticket_class,
        request_id=cmd.request_id,
        citizen_hash=cmd.citizen_hash,
        token=cmd.token,
        appointment_code=cmd.appointment_code,
        appointment_class=True,
    )


def issue_ticket(
    ctx: Context,
    steps: tuple[str, ...],
    ticket_class: TicketClass | str,
    *,
    request_id: str,
    citizen_hash: str | None,
    token: str | None,
    appointment_code: str | None = None,
    appointment_class: bool = False,
    prefix: str | None = None,
    bundle: str | None = None,
    **extra: Any,
) -> Decision:
    """The one way a ticket is taken (kiosk, 一件事 bundle, 帮办代办), queued for ``steps[0]``.

    A known request id returns its ticket again and emits nothing. Every step's service must
    exist; the first one's opening hours and quota apply; a citizen holds one open ticket per
    service (per bundle for a bundle's ticket). The appointment class is only the kiosk's
    (``appointment_class``), for a service that takes appointments.
    """
    known = ctx.state.requests.get((ctx.actor, request_id))
    if known is not None:
        return Decision([], issued_reply(ctx, known))
    for code in steps:
        if code not in ctx.d.services:
            raise refusal("unknown_service", service=code)
    service = ctx.d.services[steps[0]]
    try:
        cls = TicketClass(ticket_class)
    except ValueError:
        raise refusal("class_not_allowed", ticket_class=str(ticket_class)) from None
    if (cls is TicketClass.PRIORITY and not service.priority) or (
        cls is TicketClass.APPOINTMENT and not (appointment_class and service.appointments)
    ):
        raise refusal("class_not_allowed", ticket_class=cls.value, service=service.code)
    if not is_open(service, ctx.now, ctx.d.hall.policy.timezone):
        raise refusal("service_closed", service=service.code)
    if (
        service.daily_quota is not None
        and ctx.state.issued.get(service.code, 0) >= service.daily_quota
    ):
        raise refusal("quota_reached", service=service.code, quota=service.daily_quota)
    if citizen_hash is not None:
        for t in ctx.state.tickets.values():
            same = t.bundle == bundle if bundle is not None else t.service == service.code
            if t.citizen_hash == citizen_hash and same and t.state in OPEN_STATES:
                raise refusal(
                    "already_holding", number=t.number, ticket=issued_reply(ctx, t.id)()["ticket"]
                )
    fields: dict[str, Any] = {"bundle": bundle, "steps": list(steps)} if bundle is not None else {}
    fields.update(extra)
    event = issue_event(
        ctx,
        service,
        cls,
        request_id=request_id,
        citizen_hash=citizen_hash,
        token=token,
        appointment_code=appointment_code,
        prefix=prefix,
        **fields,
    )
    return Decision([event], issued_reply(ctx, event["ticket"]))


def issue_event(
    ctx: Context,
    service: Service,
    ticket_class: TicketClass,
    *,
    request_id: str,
    citizen_hash: str | None,
    token: str | None,
    appointment_code: str | None = None,
    prefix: str | None = None,
    **extra: Any,
) -> Event:
    """The ``ticket_issued`` event of the next number of ``prefix`` (the service's by
    default), queued for ``service``; no rule checked."""
    prefix = prefix or service.prefix
    seq = ctx.state.sequences.get(prefix, 0) + 1
    number = f"{prefix}{seq:03d}"
    draft = Ticket(
        id=f"{ctx.day}-{number}",
        number=number,
        day=ctx.day,
        seq=seq,
        order=ctx.state.issue_order + 1,
        service=service.code,
        ticket_class=ticket_class,
        issued_at=ctx.now,
        request_id=request_id,
    )
    ahead = ahead_of(ctx.d, ctx.state, draft, ctx.now)
    return ctx.event(
        "ticket_issued",
        ticket=draft.id,
        number=number,
        prefix=prefix,
        sequence=seq,
        order=draft.order,
        service=service.code,
        **{"class": ticket_class.value},
        request_id=request_id,
        citizen_hash=citizen_hash,
        appointment_code=appointment_code,
        ahead=ahead,
        estimated_wait_s=estimated_wait(ctx.d, ctx.state, draft, ahead),
        token=token,
        **extra,
    )


def issued_reply(ctx: Context, ticket_id: str) -> Callable[[], dict[str, Any]]:
    """The issuing kiosk's reply: the ticket and how many windows serving it are open."""

    def reply() -> dict[str, Any]:
        t = ctx.state.tickets[ticket_id]
        ticket = ticket_dict(ctx.d, t)
        ticket["open_windows"] = open_windows_for(ctx.d, ctx.state, t)
        return {"ticket": ticket}

    return reply


def void_ticket(ctx: Context, cmd: c.VoidTicket) -> Decision:
    """Printing failed: a waiting ticket that was never called is voided; its quota is freed."""
    t = ctx.state.tickets.get(cmd.ticket)
    if t is None or t.issuer != ctx.actor:  # another device's ticket is as good as unknown
        raise refusal("unknown_ticket", ticket=cmd.ticket)
    if t.state is not TicketState.WAITING or t.calls:
        raise refusal("ticket_not_waiting", number=t.number, state=t.state.value)
    event = ctx.event(
        "ticket_voided", ticket=t.id, number=t.number, service=t.service, reason=cmd.reason
    )
    return Decision([event], ctx.ticket_reply(t.id))


# -- windows ----------------------------------------------------------------------------


def open_window(ctx: Context, cmd: c.OpenWindow) -> Decision:
    """A clerk logs in; the same clerk logging in again changes nothing.

    A clerk is at one window at a time: logging in at another window moves them there (the
    old window closes), unless a ticket is being served at the old one.
    """
    w, status = window_of(ctx, cmd.window)
    if cmd.staff not in ctx.d.staff:
        raise refusal("unknown_staff", staff=cmd.staff)
    if status.state is not WindowState.CLOSED:
        if status.staff == cmd.staff:
            return Decision([], ctx.window_reply(w))
        raise refusal("already_open", window=w.number, staff=status.staff)
    events = []
    for other in ctx.state.windows.values():
        if other.staff == cmd.staff and other.number != w.number:
            if other.current is not None:
                number = ctx.state.tickets[other.current].number
                raise refusal(
                    "staff_busy_elsewhere", staff=cmd.staff, window=other.number, number=number
                )
            events.append(
                ctx.event("window_closed", window=other.number, staff=cmd.staff, moved_to=w.number)
            )
    name = ctx.d.staff[cmd.staff].name
    events.append(ctx.event("window_opened", window=w.number, staff=cmd.staff, staff_name=name))
    return Decision(events, ctx.window_reply(w))


def close_window(ctx: Context, cmd: c.CloseWindow) -> Decision:
    """The clerk logs out; refused while serving. Parked tickets stay parked there."""
    w, status = window_of(ctx, cmd.window)
    if status.state is WindowState.CLOSED:
        return Decision([], ctx.window_reply(w))
    if status.current is not None:
        number = ctx.state.tickets[status.current].number
        raise refusal("window_busy", window=w.number, number=number)
    event = ctx.event("window_closed", window=w.number, staff=status.staff)
    return Decision([event], ctx.window_reply(w))


def pause_window(ctx: Context, cmd: c.PauseWindow) -> Decision:
    w, status = window_of(ctx, cmd.window)
    if status.state is WindowState.CLOSED:
        raise refusal("window_closed", window=w.number)
    events = []
    if status.state is WindowState.OPEN or (
        status.state is WindowState.PAUSED and status.pause_reason != cmd.reason
    ):
        events.append(
            ctx.event("window_paused", window=w.number, staff=status.staff, reason=cmd.reason)
        )
    return Decision(events, ctx.window_reply(w))


def resume_window(ctx: Context, cmd: c.ResumeWindow) -> Decision:
    w, status = window_of(ctx, cmd.window)
    if status.state is WindowState.CLOSED:
        raise refusal("window_closed", window=w.number)
    events = []
    if status.state is WindowState.PAUSED:
        events.append(ctx.event("window_resumed", window=w.number, staff=status.staff))
    return Decision(events, ctx.window_reply(w))


# -- calls ------------------------------------------------------------------------------


def call_next(ctx: Context, cmd: c.CallNext) -> Decision:
    w, status = window_of(ctx, cmd.window)
    _ready_to_call(ctx, status)
    choice = choose_next(w, status.normal_since_priority, ctx.state, ctx.d.hall.policy, ctx.now)
    if choice is None:
        raise refusal("queue_empty", window=w.number)
    return _called(ctx, choice.ticket, status, choice.reason, recall=False)


def call_number(ctx: Context, cmd: c.CallNumber) -> Decision:
    """Call a chosen waiting number of a service this window serves, or reserved for it.

    A ticket reserved for another window is refused while that window is open or paused;
    once it is closed, any window serving the ticket's service may choose it.
    """
    w, status = window_of(ctx, cmd.window)
    _ready_to_call(ctx, status)
    t = _today(ctx, cmd.number)
    if t.state is not TicketState.WAITING:
        raise refusal("ticket_not_waiting", number=t.number, state=t.state.value)
    if t.awaiting_checkin:  # 远程取号: never called before it checks in
        raise refusal("not_checked_in", number=t.number)
    if t.target_window != w.number:
        target = ctx.state.windows.get(t.target_window) if t.target_window is not None else None
        held_elsewhere = target is not None and target.state is not WindowState.CLOSED
        if held_elsewhere or t.service not in w.services:
            raise refusal(
                "not_serving_service", window=w.number, number=t.number, service=t.service
            )
    return _called(ctx, t, status, reason("chosen", t, ctx.now, ctx.d.hall.policy), False)


def recall(ctx: Context, cmd: c.Recall) -> Decision:
    """Call the current ticket again; the reason stays that of its call."""
    w, status = window_of(ctx, cmd.window)
    if status.state is WindowState.CLOSED:
        raise refusal("window_closed", window=w.number)
    t = _current(ctx, status)
    if status.state is WindowState.PAUSED:
        raise refusal("window_paused", window=w.number)
    return _called(ctx, t, status, dict(t.reason or {}), recall=True)


def call_parked(ctx: Context, cmd: c.CallParked) -> Decision:
    w, status = window_of(ctx, cmd.window)
    _ready_to_call(ctx, status)
    t = _today(ctx, cmd.number)
    if t.state is not TicketState.PARKED or t.window != w.number:
        raise refusal("ticket_not_parked", window=w.number, number=t.number)
    return _called(ctx, t, status, reason("parked", t, ctx.now, ctx.d.hall.policy), False)


# -- ending a service -------------------------------------------------------------------


def no_show(ctx: Context, cmd: c.NoShow) -> Decision:
    w, status = window_of(ctx, cmd.window)
    t = _current(ctx, status)
    event = ctx.event(
        "ticket_no_show", ticket=t.id, number=t.number, window=w.number, service=t.service
    )
    return Decision([event], ctx.ticket_reply(t.id))


def finish(ctx: Context, cmd: c.Finish) -> Decision:
    """办结; the duration runs from the call at this window to now."""
    w, status = window_of(ctx, cmd.window)
    t = _current(ctx, status)
    duration = max(0.0, ctx.now - (t.called_at if t.called_at is not None else ctx.now))
    event = ctx.event(
        "ticket_finished",
        ticket=t.id,
        number=t.number,
        window=w.number,
        staff=t.staff,
        service=t.service,
        duration_s=round(duration, 3),
    )
    return Decision([event], ctx.ticket_reply(t.id))


def transfer(ctx: Context, cmd: c.Transfer) -> Decision:
    """转办: back to waiting with its original issue time, maybe another service or window."""
    w, status = window_of(ctx, cmd.window)
    t = _current(ctx, status)
    if cmd.to_service is not None and cmd.to_service not in ctx.d.services:
        raise refusal("unknown_service", service=cmd.to_service)
    if cmd.to_window is not None and cmd.to_window not in ctx.d.windows:
        raise refusal("unknown_window", window=cmd.to_window)
    event = ctx.event(
        "ticket_transferred",
        ticket=t.id,
        number=t.number,
        window=w.number,
        from_service=t.service,
        to_service=cmd.to_service or t.service,
        to_window=cmd.to_window,
    )
    return Decision([event], ctx.ticket_reply(t.id))


def park(ctx: Context, cmd: c.Park) -> Decision:
    w, status = window_of(ctx, cmd.window)
    t = _current(ctx, status)
    event = ctx.event(
        "ticket_parked", ticket=t.id, number=t.number, window=w.number, service=t.service
    )
    return Decision([event], ctx.ticket_reply(t.id))


def report_device_status(ctx: Context, cmd: c.ReportDeviceStatus) -> Decision:
    """A device's health goes into the log; the last one of each device is in the state."""
    event = ctx.event(
        "device_status", device=cmd.device, role=cmd.role, status=cmd.status, detail=cmd.detail
    )
    return Decision([event], dict)


# The kinds of part each role may report; parts kept per device at most.
PART_KINDS = {
    "bridge": frozenset({"keypad", "evaluator", "board"}),
    "display": frozenset({"announcer"}),
}
MAX_PARTS_KEPT = 512


def report_parts(ctx: Context, cmd: c.ReportParts) -> Decision:
    """A device's parts (a bridge's keypads, evaluators and boards; a board's announcer):
    those that changed go into the log as one event, each kept as ``<device>/<part>``."""
    allowed = PART_KINDS.get(cmd.role, frozenset())
    known = {k for k, v in ctx.state.devices.items() if v.get("parent") == cmd.device}
    changed = []
    for p in cmd.parts:
        if p.kind not in allowed:
            raise refusal("bad_part", device=cmd.device, part=p.part, why=f"role {cmd.role}")
        if p.window is not None and p.window not in ctx.d.windows:
            raise refusal("unknown_window", window=p.window)
        key = f"{cmd.device}/{p.part}"
        known.add(key)
        seen_at = None if p.quiet_s is None else ctx.now - p.quiet_s
        entry = ctx.state.devices.get(key, {})
        same = all(
            entry.get(name) == value
            for name, value in (
                ("role", p.kind),
                ("status", p.status),
                ("online", p.online),
                ("window", p.window),
                ("detail", p.detail),
            )
        )
        if same and (seen_at is None or abs(seen_at - (entry.get("seen_at") or 0.0)) < 60):
            continue  # nothing new (last heard moves with each report: a minute's slack)
        part: dict[str, Any] = {
            "part": p.part,
            "kind": p.kind,
            "status": p.status,
            "online": p.online,
            "window": p.window,
            "detail": p.detail,
        }
        if seen_at is not None:
            part["seen_at"] = seen_at
        changed.append(part)
    if len(known) > MAX_PARTS_KEPT:
        raise refusal("bad_part", device=cmd.device, part="*", why=f"over {MAX_PARTS_KEPT}")
    if not changed:
        return Decision([], dict)
    event = ctx.event("device_parts", device=cmd.device, role=cmd.role, parts=changed)
    return Decision([event], dict)


def mark_presence(ctx: Context, cmd: c.MarkPresence) -> Decision:
    """A device came or went; recorded only when it changes what the state says."""
    known = ctx.state.devices.get(cmd.device, {})
    if bool(known.get("online")) == cmd.online:
        return Decision([], dict)
    event = ctx.event("device_presence", device=cmd.device, role=cmd.role, online=cmd.online)
    return Decision([event], dict)


def start_day(ctx: Context, cmd: c.StartDay) -> Decision:
    """The engine has already started the day of ``now`` if needed; nothing else to do."""
    return Decision([], lambda: {"day": ctx.state.day})
