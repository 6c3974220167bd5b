"""The server's side of 预约: the citizen's hash, the codes, limits on guessing, the requests.

The phone page (without hello) and a clerk (for a caller on the phone) book, cancel and
rebook; a kiosk checks in with ``take_ticket`` of class ``appointment``. The citizen's ID or
phone number is hashed with the hall's secret (HMAC-SHA256) as soon as it is decoded and never
kept. Codes are 8 random digits; guessing them is limited per kiosk and per address
(:class:`CodeGuard`): five unknown codes within ten minutes block the kiosk or address for ten
minutes (``too_many_codes``), logged once per block.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from contract import requests as rq
from queue_server.core import Engine, Result
from queue_server.core.appointments import (
    BookAppointment,
    CancelAppointment,
    RebookAppointment,
    booking_dict,
    slot_table,
)
from queue_server.core.booking import BookingState
from queue_server.core.errors import refusal
from queue_server.core.model import Hall
from queue_server.guard import Failures

__all__ = [
    "BOOKING_REQUESTS",
    "BookingGuard",
    "CodeGuard",
    "appointments_report",
    "citizen_hash",
    "command_for",
    "find_reply",
    "secret_of",
    "slots_reply",
]

log = logging.getLogger(__name__)

MAX_BOOKINGS = 20  # bookings from one address (the phone page) within BOOKING_WINDOW_S
BOOKING_WINDOW_S = 60 * 60.0
MAX_BAD_CODES = 5  # unknown codes from one kiosk or address within CODE_WINDOW_S block it …
CODE_WINDOW_S = 10 * 60.0
CODE_BLOCK_S = 10 * 60.0  # … for this long

BOOKING_REQUESTS = frozenset(
    {
        "appointment_slots",
        "book_appointment",
        "find_appointment",
        "cancel_appointment",
        "rebook_appointment",
    }
)


def secret_of(hall: Hall) -> bytes:
    """The hall's secret for citizen hashes: ``[appointments] secret``, else one derived from
    the hall's device tokens (stable while they are)."""
    if hall.appointments.secret:
        return hall.appointments.secret.encode()
    tokens = "\n".join(sorted(d.token for d in hall.devices))
    return hashlib.sha256(f"{hall.id}\n{tokens}".encode()).digest()


def citizen_hash(secret: bytes, citizen_id: str) -> str:
    """HMAC-SHA256 of a normalised ID or phone number: the same person, the same hash."""
    normal = citizen_id.strip().upper()
    return hmac.new(secret, normal.encode(), hashlib.sha256).hexdigest()[:32]


def new_code(taken: dict[str, Any]) -> str:
    while True:
        code = f"{secrets.randbelow(10**8):08d}"
        if code not in taken and not code.startswith("0"):
            return code


def command_for(
    request: rq.Request, secret: bytes, channel: str
) -> Callable[[Engine, float, str], Result]:
    """The engine command of a booking request, run in the writer (a fresh code there)."""

    def run(engine: Engine, now: float, actor: str) -> Result:
        if isinstance(request, rq.BookAppointment):
            command: Any = BookAppointment(
                service=request.service,
                day=request.day,
                slot=request.slot,
                citizen_hash=citizen_hash(secret, request.citizen_id),
                code=new_code(engine.state.book.bookings),
                channel=channel,
            )
        elif isinstance(request, rq.CancelAppointment):
            command = CancelAppointment(request.code, citizen_hash(secret, request.citizen_id))
        elif isinstance(request, rq.RebookAppointment):
            command = RebookAppointment(
                request.code, citizen_hash(secret, request.citizen_id), request.day, request.slot
            )
        else:
            raise TypeError(f"not a booking command: {request!r}")
        result = engine.execute(command, now, actor)
        return replace(result, reply={"type": "booking", **result.reply})

    return run


def slots_reply(hall: Hall, service: str) -> Callable[[Engine, float], dict[str, Any]]:
    def read(engine: Engine, now: float) -> dict[str, Any]:
        table = slot_table(hall, engine.state.book, service, engine.day_of(now), now)
        return {"type": "appointment_slots", **table}

    return read


def find_reply(
    hall: Hall, secret: bytes, request: rq.FindAppointment
) -> Callable[[Engine, float], dict[str, Any]]:
    """The citizen's own booking; someone else's code is as unknown as one never made."""
    wanted = citizen_hash(secret, request.citizen_id)

    def read(engine: Engine, now: float) -> dict[str, Any]:
        b = engine.state.book.bookings.get(request.code)
        if b is None or not hmac.compare_digest(b.citizen_hash, wanted):
            raise refusal("appointment_unknown")
        return {"type": "booking", "booking": booking_dict(b, hall)}

    return read


def appointments_report(engine: Engine, now: float) -> dict[str, Any]:
    """The manager's picture: today's bookings per slot, and the citizens with no-shows."""
    day = engine.day_of(now)
    slots: dict[tuple[str, str], dict[str, Any]] = {}
    for b in engine.state.book.bookings.values():
        if b.day != day or b.state is BookingState.CANCELLED:
            continue
        entry = slots.setdefault(
            (b.slot, b.service),
            {"service": b.service, "day": b.day, "slot": b.slot, "booked": 0},
        )
        entry["booked"] += 1
        entry.setdefault("checked_in", 0)
        entry.setdefault("missed", 0)
        if b.state is BookingState.CHECKED_IN:
            entry["checked_in"] += 1
        elif b.state is BookingState.MISSED:
            entry["missed"] += 1
    no_shows = [
        {"citizen": h[:8], "missed": n}
        for h, n in sorted(engine.state.book.missed.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {
        "type": "appointments",
        "day": day,
        "slots": [slots[k] for k in sorted(slots)],
        "no_shows": no_shows,
    }


class BookingGuard:
    """Bookings per address from the phone page: a page that books and books is stopped, so
    that nobody fills a day's slots with made-up numbers (mobile networks share addresses:
    the limit is generous)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._times: dict[str, list[float]] = {}

    def full(self, address: str) -> bool:
        now = self.clock()
        times = [t for t in self._times.get(address, []) if now - t < BOOKING_WINDOW_S]
        if times:
            self._times[address] = times
        else:
            self._times.pop(address, None)
        return len(times) >= MAX_BOOKINGS

    def after(self, address: str) -> Callable[[dict[str, Any]], None]:
        def count(reply: dict[str, Any]) -> None:
            if reply.get("type") == "booking":
                self._times.setdefault(address, []).append(self.clock())
                if len(self._times[address]) == MAX_BOOKINGS:
                    log.warning("bookings: %s reached %d in an hour", address, MAX_BOOKINGS)

        return count


class CodeGuard:
    """Unknown appointment codes per kiosk or address; too many block it for a while."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._keys: dict[str, Failures] = {}

    def blocked(self, key: str) -> bool:
        entry = self._keys.get(key)
        return entry is not None and entry.until > self.clock()

    def failed(self, key: str) -> None:
        now = self.clock()
        entry = self._keys.setdefault(key, Failures())
        if entry.add(now, MAX_BAD_CODES, CODE_WINDOW_S, CODE_BLOCK_S):
            log.warning("appointment codes: %s blocked for %.0f s (guessing)", key, CODE_BLOCK_S)
        if len(self._keys) > 10_000:  # bounded: forget the quiet ones
            self._keys = {k: e for k, e in self._keys.items() if e.until > now or e.times}

    def after(self, key: str) -> Callable[[dict[str, Any]], None]:
        """The step after a reply: an unknown code counts against ``key``."""

        def count(reply: dict[str, Any]) -> None:
            if reply.get("code") == "appointment_unknown":
                self.failed(key)

        return count
