"""The appointment book (预约): bookings by code, seats taken per slot, no-shows per citizen.

Part of the engine's state, changed only through the appliers below, which
``state.apply_event`` calls for the ``appointment_*`` events:

======================  ===================================================================
appointment_booked      appointment_code, service, slot_day, slot (HH:MM), slot_at,
                        citizen_hash, channel (``phone`` or ``clerk``)
appointment_cancelled   appointment_code, service, slot_day, slot
appointment_rebooked    appointment_code, service, slot_day, slot, slot_at, from_day, from_slot
appointment_checked_in  appointment_code, service, slot_day, slot, ticket, number, outcome
                        (``on_time``: an appointment ticket; ``late``: a walk-in ticket)
appointment_missed      appointment_code, service, slot_day, slot, citizen_hash, missed (the
                        citizen's no-shows so far, this one counted)
======================  ===================================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["AppointmentBook", "Booking", "BookingState"]

Event = dict[str, Any]

KEEP_DAYS = 1  # settled bookings are forgotten this many days after their slot


class BookingState(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"  # the code is used: it never checks in again
    MISSED = "missed"  # 爽约: not checked in by the end of the late tolerance


@dataclass
class Booking:
    code: str
    service: str
    day: str  # the slot's day, YYYY-MM-DD
    slot: str  # the slot's start, HH:MM
    slot_at: float
    citizen_hash: str
    booked_at: float
    channel: str = "phone"
    state: BookingState = BookingState.BOOKED
    ticket: str | None = None  # the ticket of its check-in
    outcome: str | None = None  # on_time | late


@dataclass
class AppointmentBook:
    bookings: dict[str, Booking] = field(default_factory=dict)  # code -> booking
    taken: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (service, day, slot)
    missed: dict[str, int] = field(default_factory=dict)  # citizen hash -> no-shows

    def seats_taken(self, service: str, day: str, slot: str) -> int:
        return self.taken.get((service, day, slot), 0)

    def active_of(self, citizen_hash: str, service: str, day: str) -> Booking | None:
        """The citizen's booking of a service on a day that is still to be used."""
        return next(
            (
                b
                for b in self.bookings.values()
                if b.citizen_hash == citizen_hash
                and b.service == service
                and b.day == day
                and b.state is BookingState.BOOKED
            ),
            None,
        )

    def _seat(self, b: Booking, change: int) -> None:
        key = (b.service, b.day, b.slot)
        self.taken[key] = self.taken.get(key, 0) + change
        if self.taken[key] <= 0:
            del self.taken[key]

    # -- appliers ----------------------------------------------------------------------

    def booked(self, e: Event) -> None:
        b = Booking(
            code=e["appointment_code"],
            service=e["service"],
            day=e["slot_day"],
            slot=e["slot"],
            slot_at=e["slot_at"],
            citizen_hash=e["citizen_hash"],
            booked_at=e["at"],
            channel=e.get("channel", "phone"),
        )
        self.bookings[b.code] = b
        self._seat(b, +1)

    def cancelled(self, e: Event) -> None:
        b = self.bookings[e["appointment_code"]]
        self._seat(b, -1)
        b.state = BookingState.CANCELLED

    def rebooked(self, e: Event) -> None:
        b = self.bookings[e["appointment_code"]]
        self._seat(b, -1)
        b.day, b.slot, b.slot_at = e["slot_day"], e["slot"], e["slot_at"]
        self._seat(b, +1)

    def checked_in(self, e: Event) -> None:
        b = self.bookings[e["appointment_code"]]
        b.state = BookingState.CHECKED_IN
        b.ticket, b.outcome = e["ticket"], e["outcome"]

    def missed_slot(self, e: Event) -> None:
        b = self.bookings[e["appointment_code"]]
        b.state = BookingState.MISSED
        self.missed[b.citizen_hash] = int(e["missed"])

    def day_started(self, day: str) -> None:
        """Forget settled bookings whose slot is over ``KEEP_DAYS`` before ``day``."""
        horizon = (dt.date.fromisoformat(day) - dt.timedelta(days=KEEP_DAYS)).isoformat()
        self.bookings = {
            code: b
            for code, b in self.bookings.items()
            if b.state is BookingState.BOOKED or b.day >= horizon
        }
        self.taken = {}  # the seats of the bookings kept (a booking not yet swept keeps its)
        for b in self.bookings.values():
            if b.state is not BookingState.CANCELLED:
                self._seat(b, +1)
