"""Signing a clerk in on a caller keypad (呼叫器登录). Pure: entries and a clock in, steps out.

A window with only a hardware keypad opens when a clerk signs in on its digits:

    staff number + 确认    the keypad shows 10 (enter the PIN)
    PIN + 确认             11 signed in; 20 wrong staff number or PIN; 21 locked; …
    9 + 确认               sign out (the window closes)

While the window is closed every digits + 确认 is an entry; after a staff number the next
entry is its PIN. 取消, or 确认 with no digits, drops a half-typed sign-in, and so does
waiting longer than `PIN_TIMEOUT` for the PIN (a colleague's staff number typed later is
then not taken for a PIN). The staff id sent is the number typed, or the id the bridge's
``[keypad_staff]`` table maps it to (staff ids with letters cannot be typed on digits).

The PIN goes to the server in one ``login`` request and is then forgotten: it is never
shown, logged or kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: Seconds a typed staff number waits for its PIN.
PIN_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class AskPin:
    """A staff number was typed: ask for its PIN."""

    staff: str


@dataclass(frozen=True, slots=True)
class SignIn:
    """Staff number and PIN typed: send the ``login`` request."""

    staff: str
    pin: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Cancelled:
    """Nothing (left) to sign in: the keypad shows its window again."""


Step = AskPin | SignIn | Cancelled


class SignIns:
    """The half-typed sign-ins of every keypad, by bus address."""

    def __init__(
        self,
        keypad_staff: Mapping[str, str] | None = None,
        *,
        timeout: float = PIN_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keypad_staff = dict(keypad_staff or {})
        self.timeout = timeout
        self._clock = clock
        self._typed: dict[int, tuple[str, float]] = {}  # address -> (staff id, when typed)

    def staff_id(self, typed: str) -> str:
        """The staff id for a number typed on a keypad."""
        return self.keypad_staff.get(typed, typed)

    def waiting_for_pin(self, addr: int) -> bool:
        """Whether the keypad's next entry is a PIN."""
        return self._pending(addr) is not None

    def enter(self, addr: int, digits: str) -> Step:
        """An entry (digits + 确认) typed at a keypad whose window is closed."""
        staff = self._pending(addr)
        self._typed.pop(addr, None)
        if not digits:
            return Cancelled()
        if staff is None:
            staff = self.staff_id(digits)
            self._typed[addr] = (staff, self._clock())
            return AskPin(staff)
        return SignIn(staff, digits)

    def cancel(self, addr: int) -> Cancelled:
        self._typed.pop(addr, None)
        return Cancelled()

    def _pending(self, addr: int) -> str | None:
        typed = self._typed.get(addr)
        if typed is None:
            return None
        if self._clock() - typed[1] > self.timeout:
            del self._typed[addr]
            return None
        return typed[0]
