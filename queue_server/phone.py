"""远程取号 on the server's side: the citizen's phone hashed, the door code, the limits.

The engine's rules are in ``core/remote.py``; this module is what only the server can do:

- hash the phone number (and the 身份证号 when given: then it is who the citizen is) with the
  hall's ``[remote] secret`` (HMAC-SHA256) into ``citizen_hash``; the phone's last four
  digits are kept only as ``phone_check``, keyed on the ticket's random page token too, so
  that nothing stored or logged gives a number back;
- the door code: the hall door's QR opens ``/door/<code>``, a code keyed on the business day,
  so a photo of it taken today is useless tomorrow (and the engine accepts a check-in only
  while the ticket's service is open);
- per-address limits (the engine does not know addresses): ``per_address_hour`` remote
  tickets per address and hour, wrong door codes per address, and five wrong phone digits
  lock a number's kiosk check-in for the day.

Every refusal is answered with a stable code and its texts, writes nothing, and is logged in
one line without the phone number.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from contract import requests as rq
from contract.requests import normal_id_number, normal_phone
from queue_server import core
from queue_server.core import Engine
from queue_server.core.days import business_day
from queue_server.core.errors import ServiceUnavailable, refusal
from queue_server.core.model import Hall
from queue_server.protocol import ProtocolError

__all__ = [
    "ACTOR",
    "PhoneDesk",
    "RemoteGuard",
    "citizen_hash",
    "door_code",
    "door_url",
    "normal_id_number",
    "normal_phone",
    "phone_check",
]

log = logging.getLogger(__name__)

ACTOR = "@phone"  # the issuer of remote tickets: no device id can start with "@"
LAST4 = re.compile(r"[0-9]{4}")
HOUR_S = 3600.0
MAX_WRONG_DOOR = 20  # wrong door codes from one address in an hour block it for the hour
MAX_WRONG_DIGITS = 5  # wrong phone digits for one number lock its kiosk check-in for the day


def _keyed(secret: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def citizen_hash(secret: str, phone: str, id_number: str | None = None) -> str:
    """Who the citizen is for the limits: the ID card when given, else the phone."""
    if id_number is not None:
        return _keyed(secret, "citizen-id", id_number)[:32]
    return _keyed(secret, "citizen", phone)[:32]


def phone_check(secret: str, token: str, last4: str) -> str:
    return _keyed(secret, "last4", token, last4)[:32]


def door_code(secret: str, day: str) -> str:
    return _keyed(secret, "door", day)[:16]


def door_url(hall: Hall, day: str) -> str:
    """What the hall door's QR opens on ``day``."""
    return f"{hall.public_url.rstrip('/')}/door/{door_code(hall.remote.secret, day)}"


class RemoteGuard:
    """Per-address and per-number counts, with the clock passed in (monotonic seconds)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._takes: dict[str, list[float]] = {}
        self._doors: dict[str, list[float]] = {}
        self._digits: dict[str, int] = {}  # "<day>-<number>" -> wrong tries

    def _recent(self, table: dict[str, list[float]], key: str) -> list[float]:
        now = self.clock()
        kept = [t for t in table.get(key, ()) if now - t < HOUR_S]
        if kept:
            table[key] = kept
        else:
            table.pop(key, None)
        return kept

    def take(self, address: str, limit: int) -> bool:
        """Count a remote take from ``address``; False past ``limit`` in the last hour."""
        recent = self._recent(self._takes, address)
        if len(recent) >= limit:
            return False
        self._takes[address] = [*recent, self.clock()]
        return True

    def door_blocked(self, address: str) -> bool:
        return len(self._recent(self._doors, address)) >= MAX_WRONG_DOOR

    def door_failed(self, address: str) -> None:
        self._doors[address] = [*self._recent(self._doors, address), self.clock()]

    def digits_locked(self, ticket: str) -> bool:
        return self._digits.get(ticket, 0) >= MAX_WRONG_DIGITS

    def digits_failed(self, ticket: str) -> None:
        if len(self._digits) > 100_000:  # a new day's numbers: forget the old
            self._digits.clear()
        self._digits[ticket] = self._digits.get(ticket, 0) + 1


Job = Callable[[Engine, float], core.Result]


class PhoneDesk:
    """Turns the remote requests into engine jobs, after the checks only the server can make."""

    def __init__(self, hall: Hall, clock: Callable[[], float]) -> None:
        self.hall = hall
        self.policy = hall.remote
        self.clock = clock  # the hall's wall clock (business days)
        self.guard = RemoteGuard()

    def day(self) -> str:
        return business_day(self.clock(), self.hall.policy)

    def take(self, msg: rq.TakeRemote, address: str) -> Job:
        """远程取号: refuses a bad phone or a busy address before the engine is asked."""
        if not self.policy.enabled:
            raise ProtocolError("remote_off", re=msg.id)
        phone = normal_phone(msg.phone)
        if phone is None:
            raise ProtocolError("bad_phone", re=msg.id)
        id_number = None
        if msg.id_number is not None and msg.id_number.strip():
            id_number = normal_id_number(msg.id_number)
            if id_number is None:
                raise ProtocolError("bad_id_number", re=msg.id)
        if not self.guard.take(address, self.policy.per_address_hour):
            raise ProtocolError("address_limit", re=msg.id)
        secret = self.policy.secret
        citizen = citizen_hash(secret, phone, id_number)
        token = secrets.token_urlsafe(16)
        command = core.TakeRemote(
            service=msg.service,
            request_id=f"{citizen[:12]}:{msg.request_id}",  # a page's id is its citizen's
            citizen_hash=citizen,
            phone_check=phone_check(secret, token, phone[-4:]),
            token=token,
        )

        def run(engine: Engine, now: float) -> core.Result:
            try:
                result = engine.execute(command, now, ACTOR)
            except core.DomainError as exc:
                if exc.code == "already_holding":  # never show a stranger whose ticket it is
                    raise ServiceUnavailable(
                        "already_holding",
                        "您已用此手机号取过该事项的号，请查看本机已取的号",
                        "This phone number already holds a ticket for this service",
                    ) from None
                raise
            ticket = result.reply["ticket"]
            reply = {"type": "remote_ticket", "ticket": ticket, "page": f"/t/{ticket['token']}"}
            return replace(result, reply=reply)

        return run

    def door(self, msg: rq.DoorCheckin, address: str) -> Job:
        """签到 with the door's QR: today's code, and the phone's own ticket (its token)."""
        if not self.policy.enabled:
            raise ProtocolError("remote_off", re=msg.id)
        if self.guard.door_blocked(address):
            raise ProtocolError("address_limit", re=msg.id)
        if not hmac.compare_digest(msg.door, door_code(self.policy.secret, self.day())):
            self.guard.door_failed(address)
            raise ProtocolError("door_code", re=msg.id)
        token = msg.token

        def run(engine: Engine, now: float) -> core.Result:
            ticket_id = engine.state.tokens.get(token)
            ticket = engine.state.tickets.get(ticket_id) if ticket_id else None
            if ticket is None:
                raise refusal("checkin_refused", number="?")
            result = engine.execute(core.CheckIn(ticket.number, "door"), now, ACTOR)
            return replace(result, reply={"type": "checked_in", **result.reply})

        return run

    def kiosk(self, msg: rq.KioskCheckin, device: str) -> Job:
        """远程取号签到 at a kiosk: the number and the phone's last four digits."""
        if not self.policy.enabled:
            raise ProtocolError("remote_off", re=msg.id)
        number = msg.number.strip().upper()
        key = f"{self.day()}-{number}"
        if self.guard.digits_locked(key):
            raise ProtocolError("checkin_locked", number, msg.id)
        last4 = msg.phone_last4.strip()
        secret = self.policy.secret

        def run(engine: Engine, now: float) -> core.Result:
            ticket = engine.state.tickets.get(f"{engine.day_of(now)}-{number}")
            proof = None
            if ticket is not None and ticket.token and LAST4.fullmatch(last4):
                proof = phone_check(secret, ticket.token, last4)
            try:
                result = engine.execute(core.CheckIn(number, "kiosk", proof), now, device)
            except core.DomainError as exc:
                if exc.code == "checkin_refused":
                    self.guard.digits_failed(key)
                raise
            return replace(result, reply={"type": "checked_in", **result.reply})

        return run

    def door_code_reply(self) -> dict[str, Any]:
        day = self.day()
        return {"type": "door_code", "url": door_url(self.hall, day), "day": day}
