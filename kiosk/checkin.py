"""远程取号签到 at the kiosk: a plain state machine the check-in screen observes. No Qt, no I/O.

    CLOSED ─open─► ENTER ─submit─► SENDING ─checked in─► DONE ─close / idle─► CLOSED
                     ▲                │ refused or offline
                     └────────────────┘ (the error is shown; the digits are typed again)

A citizen who took a number on the phone types it (a service prefix and its digits, A005)
and the last four digits of the phone; the server checks them (``kiosk_checkin``) and the
ticket may then be called. Taps while a request is in flight are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["CheckinFlow", "CheckinRequest", "Field", "Step"]

NUMBER = re.compile(r"^[A-Z]{1,2}[0-9]{3,4}$")
DIGITS = re.compile(r"^[0-9]{4}$")
MAX_NUMBER = 6


class Step(StrEnum):
    CLOSED = "closed"
    ENTER = "enter"
    SENDING = "sending"
    DONE = "done"


class Field(StrEnum):
    """Which box the keypad types into."""

    NUMBER = "number"
    DIGITS = "digits"


@dataclass(frozen=True)
class CheckinRequest:
    number: str
    phone_last4: str


class CheckinFlow:
    def __init__(self) -> None:
        self.step = Step.CLOSED
        self.number = ""
        self.digits = ""
        self.field = Field.NUMBER
        self.error_code: str | None = None  # a code of kiosk.texts (error_*) or the server's
        self.error_message = ("", "")  # the server's own words, for a code the kiosk lacks
        self.ticket: dict[str, Any] | None = None  # the checked-in ticket
        self.door_url: str | None = None  # today's door QR (a phone scans it to check in)
        self._listeners: list[Callable[[CheckinFlow], None]] = []

    @property
    def active(self) -> bool:
        return self.step is not Step.CLOSED

    @property
    def ready(self) -> bool:
        return bool(NUMBER.match(self.number) and DIGITS.match(self.digits))

    def subscribe(self, listener: Callable[[CheckinFlow], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener(self)

    def _reset(self) -> None:
        self.number, self.digits, self.field = "", "", Field.NUMBER
        self.error_code, self.error_message, self.ticket = None, ("", ""), None

    def open(self) -> None:
        self._reset()
        self.step = Step.ENTER
        self._changed()

    def close(self) -> None:
        """Back to the home screen; what the citizen typed is forgotten."""
        if self.step is Step.CLOSED:
            return
        self._reset()
        self.step = Step.CLOSED
        self._changed()

    def choose(self, field: Field) -> None:
        if self.step is Step.ENTER:
            self.field = field
            self._changed()

    def press(self, key: str) -> None:
        """A key of the keypad: a letter (the number's prefix), a digit, clear or delete."""
        if self.step is not Step.ENTER:
            return
        self.error_code = None
        if key == "clear":
            self._set("")
        elif key == "delete":
            self._set(self._value()[:-1])
        elif key.isascii() and key.isalpha() and len(key) == 1:
            if self.field is Field.NUMBER and not re.search(r"[0-9]", self.number):
                self._set((self.number + key.upper())[:2])
        elif key.isascii() and key.isdigit() and len(key) == 1:
            if self.field is Field.NUMBER:
                self._set((self.number + key)[:MAX_NUMBER])
                if re.fullmatch(r"[A-Z]{1,2}[0-9]{3}", self.number) and not self.digits:
                    self.field = Field.DIGITS  # the usual number is complete: the phone next
            else:
                self._set((self.digits + key)[:4])
        self._changed()

    def _value(self) -> str:
        return self.number if self.field is Field.NUMBER else self.digits

    def _set(self, value: str) -> None:
        if self.field is Field.NUMBER:
            self.number = value
        else:
            self.digits = value

    def submit(self) -> CheckinRequest | None:
        """The request to send, or None (nothing complete yet: the screen says what is missing)."""
        if self.step is not Step.ENTER:
            return None
        if not self.ready:
            self.error_code = "checkin_incomplete"
            self._changed()
            return None
        self.step = Step.SENDING
        self.error_code = None
        self._changed()
        return CheckinRequest(self.number, self.digits)

    def door(self, url: str | None) -> None:
        """Today's door QR address, as the server says (None: not to be shown)."""
        if url != self.door_url:
            self.door_url = url
            self._changed()

    def answered(self, ticket: dict[str, Any]) -> None:
        if self.step is Step.SENDING:
            self.step, self.ticket = Step.DONE, ticket
            self._changed()

    def refused(self, code: str, message: str = "", message_en: str = "") -> None:
        """The server said no (or could not be reached): say why; the digits are typed again."""
        if self.step is not Step.SENDING:
            return
        self.step = Step.ENTER
        self.error_code, self.error_message = code, (message, message_en)
        self.digits, self.field = "", Field.DIGITS
        self._changed()
