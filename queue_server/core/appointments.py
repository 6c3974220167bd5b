"""Appointments (预约): book a slot, cancel or move it, check in at the kiosk, record no-shows.

Rules (the engine's side; the server hashes the citizen's id or phone and makes the codes):

- A service offers slots by its ``appointment_slots``; a slot takes at most its capacity of
  bookings (cancelled ones free their seat). Slots are booked from today until
  ``days_ahead`` days on, before they start; one booking per citizen, service and day.
- Cancel and rebook need the code and the same citizen hash, before the slot starts. An
  unknown code and someone else's code get the same refusal (``appointment_unknown``).
- Check-in (a kiosk's ``TakeTicket`` of class ``appointment`` with the code) is accepted for
  a booked slot of today from ``early_s`` before its start until ``late_s`` after: the ticket
  is of class ``appointment``, due at the slot's start (the call order serves due
  appointments before walk-ins). Later, the citizen gets a walk-in ticket and the reply says
  so. A code checks in once (``appointment_used``); a code not booked for today is
  ``appointment_unknown``, whether it exists or not.
- ``SweepAppointments`` (the server's clock) records a no-show (爽约, ``appointment_missed``)
  for each booking not checked in by the end of its late tolerance, with the citizen's count.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import commands as c
from . import handlers as h
from .booking import AppointmentBook, Booking, BookingState
from .days import local_time
from .errors import refusal
from .handlers import Context, Decision
from .model import Hall, Service, TicketClass
from .slots import capacity_of, slot_at, slot_starts
from .texts import CHECKIN_TEXTS

__all__ = [
    "AppointmentCommand",
    "BookAppointment",
    "CancelAppointment",
    "RebookAppointment",
    "SweepAppointments",
    "book_appointment",
    "booking_dict",
    "cancel_appointment",
    "rebook_appointment",
    "slot_table",
    "sweep_appointments",
    "take_or_check_in",
]


@dataclass(frozen=True)
class BookAppointment:
    """Book a slot; ``code`` is made by the server (unguessable, not yet in the book)."""

    service: str
    day: str  # YYYY-MM-DD
    slot: str  # HH:MM
    citizen_hash: str
    code: str
    channel: str = "phone"  # phone | clerk (a clerk for a caller on the phone)


@dataclass(frozen=True)
class CancelAppointment:
    code: str
    citizen_hash: str


@dataclass(frozen=True)
class RebookAppointment:
    """Move a booking to another slot of its service; the code stays the same."""

    code: str
    citizen_hash: str
    day: str
    slot: str


@dataclass(frozen=True)
class SweepAppointments:
    """Record the no-shows of bookings whose late tolerance has passed."""


AppointmentCommand = BookAppointment | CancelAppointment | RebookAppointment | SweepAppointments


# -- reads ------------------------------------------------------------------------------


def _bookable(service: Service | None) -> bool:
    return service is not None and service.appointments and bool(service.appointment_slots)


def slot_table(
    hall: Hall, book: AppointmentBook, code: str, today: str, now: float
) -> dict[str, Any]:
    """The slots of a service from ``today`` on, with the seats left in each (for the phone)."""
    service = hall.service(code)
    if service is None or not _bookable(service):
        raise refusal("no_appointments", service=code)
    policy, tz = hall.appointments, hall.policy.timezone
    first = dt.date.fromisoformat(today)
    days = []
    for offset in range(policy.days_ahead + 1):
        date = first + dt.timedelta(days=offset)
        day = date.isoformat()
        slots = []
        for slot in slot_starts(service, date):
            if slot_at(day, slot, tz) <= now:
                continue
            capacity = capacity_of(service, date, slot)
            left = max(0, capacity - book.seats_taken(service.code, day, slot))
            slots.append({"slot": slot, "capacity": capacity, "left": left})
        if slots:
            days.append({"day": day, "weekday": date.isoweekday(), "slots": slots})
    return {"service": service.code, "days": days}


def booking_dict(b: Booking, hall: Hall) -> dict[str, Any]:
    """A booking as its citizen (and a clerk booking for them) sees it: no hash."""
    service = hall.service(b.service)
    policy, tz = hall.appointments, hall.policy.timezone
    return {
        "code": b.code,
        "service": b.service,
        "service_name_zh": service.name_zh if service else b.service,
        "service_name_en": service.name_en if service else b.service,
        "location_zh": service.location_zh if service else "",
        "location_en": service.location_en if service else "",
        "day": b.day,
        "slot": b.slot,
        "slot_at": b.slot_at,
        "state": b.state.value,
        "check_in_from": _hhmm(b.slot_at - policy.early_s, tz),
        "check_in_until": _hhmm(b.slot_at + policy.late_s, tz),
    }


def _hhmm(at: float, timezone: str) -> str:
    return f"{local_time(at, timezone):%H:%M}"


# -- booking ----------------------------------------------------------------------------


def _slot(ctx: Context, service: Service, day: str, slot: str, moving: Booking | None) -> float:
    """The start of a slot that may be booked now, or the refusal saying why not."""
    hall = ctx.d.hall
    try:
        date = dt.date.fromisoformat(day)
        dt.time.fromisoformat(slot)
    except ValueError:
        raise refusal("slot_unavailable", day=day[:10], slot=slot[:5]) from None
    today = dt.date.fromisoformat(ctx.day)
    capacity = capacity_of(service, date, slot)
    if not today <= date <= today + dt.timedelta(days=hall.appointments.days_ahead) or (
        capacity == 0 or len(slot) != 5
    ):
        raise refusal("slot_unavailable", day=day, slot=slot)
    at = slot_at(day, slot, hall.policy.timezone)
    if at <= ctx.now:
        raise refusal("slot_unavailable", day=day, slot=slot)
    taken = ctx.state.book.seats_taken(service.code, day, slot)
    if moving is not None and (moving.day, moving.slot) == (day, slot):
        raise refusal("slot_unchanged", day=day, slot=slot)
    if taken >= capacity:
        raise refusal("slot_full", day=day, slot=slot)
    return at


def _slot_for(
    ctx: Context, code: str, citizen_hash: str, day: str, slot: str, moving: Booking | None
) -> tuple[Service, float]:
    """A bookable service's slot the citizen may take (or move ``moving`` to): the service
    and the slot's start; one active booking per citizen, service and day."""
    service = ctx.d.services.get(code)
    if service is None or not _bookable(service):
        raise refusal("no_appointments", service=code)
    at = _slot(ctx, service, day, slot, moving)
    same = ctx.state.book.active_of(citizen_hash, service.code, day)
    if same is not None and (moving is None or same.code != moving.code):
        raise refusal("appointment_duplicate", day=same.day, slot=same.slot)
    return service, at


def _booked_reply(ctx: Context, code: str) -> Callable[[], dict[str, Any]]:
    return lambda: {"booking": booking_dict(ctx.state.book.bookings[code], ctx.d.hall)}


def book_appointment(ctx: Context, cmd: BookAppointment) -> Decision:
    service, at = _slot_for(ctx, cmd.service, cmd.citizen_hash, cmd.day, cmd.slot, None)
    if cmd.code in ctx.state.book.bookings:
        raise refusal("appointment_code_taken")
    event = ctx.event(
        "appointment_booked",
        appointment_code=cmd.code,
        service=service.code,
        slot_day=cmd.day,
        slot=cmd.slot,
        slot_at=at,
        citizen_hash=cmd.citizen_hash,
        channel=cmd.channel,
    )
    return Decision([event], _booked_reply(ctx, cmd.code))


def _own(ctx: Context, code: str, citizen_hash: str) -> Booking:
    """The citizen's booking by code; someone else's is as unknown as a code never made."""
    b = ctx.state.book.bookings.get(code)
    if b is None or not hmac.compare_digest(b.citizen_hash, citizen_hash):
        raise refusal("appointment_unknown")
    if b.state is BookingState.CHECKED_IN:
        raise refusal("appointment_used")
    if b.state is not BookingState.BOOKED:
        raise refusal("appointment_unknown")
    if b.slot_at <= ctx.now:
        raise refusal("appointment_started", day=b.day, slot=b.slot)
    return b


def cancel_appointment(ctx: Context, cmd: CancelAppointment) -> Decision:
    b = _own(ctx, cmd.code, cmd.citizen_hash)
    event = ctx.event(
        "appointment_cancelled",
        appointment_code=b.code,
        service=b.service,
        slot_day=b.day,
        slot=b.slot,
    )
    return Decision([event], _booked_reply(ctx, b.code))


def rebook_appointment(ctx: Context, cmd: RebookAppointment) -> Decision:
    b = _own(ctx, cmd.code, cmd.citizen_hash)
    _, at = _slot_for(ctx, b.service, b.citizen_hash, cmd.day, cmd.slot, b)
    event = ctx.event(
        "appointment_rebooked",
        appointment_code=b.code,
        service=b.service,
        slot_day=cmd.day,
        slot=cmd.slot,
        slot_at=at,
        from_day=b.day,
        from_slot=b.slot,
    )
    return Decision([event], _booked_reply(ctx, b.code))


# -- check-in ---------------------------------------------------------------------------


def take_or_check_in(ctx: Context, cmd: c.TakeTicket) -> Decision:
    """A kiosk's ticket: an appointment's check-in for class ``appointment``, else as before."""
    chosen = ctx.d.services.get(cmd.service)
    if cmd.ticket_class != TicketClass.APPOINTMENT or chosen is None or not chosen.appointments:
        return h.take_ticket(ctx, cmd)  # its refusals: unknown service, class not allowed
    known = ctx.state.requests.get((ctx.actor, cmd.request_id))
    if known is not None:
        return Decision([], _checked_in_reply(ctx, known))
    code = (cmd.appointment_code or "").strip()
    b = ctx.state.book.bookings.get(code)
    policy, tz = ctx.d.hall.appointments, ctx.d.hall.policy.timezone
    opens, closes = (b.slot_at - policy.early_s, b.slot_at + policy.late_s) if b else (0, 0)
    today = b is not None and (b.day == ctx.day or opens <= ctx.now <= closes)  # or at midnight
    if b is None or not today or b.state is BookingState.CANCELLED:
        raise refusal("appointment_unknown")
    if b.state is BookingState.CHECKED_IN:
        raise refusal("appointment_used")
    service = ctx.d.services.get(b.service)
    if service is None:
        raise refusal("appointment_unknown")
    if ctx.now < opens:
        raise refusal("appointment_early", slot=b.slot, opens=_hhmm(opens, tz))
    late = ctx.now > closes
    if late:  # a walk-in now: the service's hours and quota apply as to anyone
        walk_in = replace(
            cmd,
            service=service.code,
            ticket_class=TicketClass.NORMAL,
            citizen_hash=None,
            appointment_code=code,
        )
        issued = h.take_ticket(ctx, walk_in).events[0]
    else:
        issued = h.issue_event(
            ctx,
            service,
            TicketClass.APPOINTMENT,
            request_id=cmd.request_id,
            citizen_hash=b.citizen_hash,
            token=cmd.token,
            appointment_code=code,
            due_at=b.slot_at,
        )
    checked = ctx.event(
        "appointment_checked_in",
        appointment_code=code,
        service=service.code,
        slot_day=b.day,
        slot=b.slot,
        ticket=issued["ticket"],
        number=issued["number"],
        outcome="late" if late else "on_time",
    )
    return Decision([issued, checked], _checked_in_reply(ctx, issued["ticket"]))


def _checked_in_reply(ctx: Context, ticket_id: str) -> Callable[[], dict[str, Any]]:
    """The kiosk's reply to a check-in: the ticket, with what became of the booking."""
    issued = h.issued_reply(ctx, ticket_id)

    def reply() -> dict[str, Any]:
        answer = issued()
        ticket = ctx.state.tickets[ticket_id]
        b = ctx.state.book.bookings.get(ticket.appointment_code or "")
        if b is not None and b.ticket == ticket_id:
            outcome = b.outcome or "on_time"
            zh, en = CHECKIN_TEXTS[outcome]
            answer["ticket"]["checkin"] = {
                "outcome": outcome,
                "slot": b.slot,
                "text_zh": zh.format(slot=b.slot),
                "text_en": en.format(slot=b.slot),
            }
        return answer

    return reply


# -- no-shows ---------------------------------------------------------------------------


def sweep_appointments(ctx: Context, cmd: SweepAppointments) -> Decision:
    late_s = ctx.d.hall.appointments.late_s
    counts = dict(ctx.state.book.missed)
    events = []
    overdue = [
        b
        for b in ctx.state.book.bookings.values()
        if b.state is BookingState.BOOKED and ctx.now > b.slot_at + late_s
    ]
    for b in sorted(overdue, key=lambda b: (b.slot_at, b.code)):
        counts[b.citizen_hash] = counts.get(b.citizen_hash, 0) + 1
        events.append(
            ctx.event(
                "appointment_missed",
                appointment_code=b.code,
                service=b.service,
                slot_day=b.day,
                slot=b.slot,
                citizen_hash=b.citizen_hash,
                missed=counts[b.citizen_hash],
            )
        )
    return Decision(events, lambda: {"missed": len(events)})
