"""Limits on guessing: wrong PINs lock a staff id, wrong tokens block an address for a while.

Pure bookkeeping with the clock passed in, so the rules are tested without sockets. The
numbers are the protocol's (``docs/protocol.md``, "Limits"): a hall would rather make a clerk
wait a quarter of an hour, or ask the manager, than let a four-digit PIN be found by trying.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["AddressGuard", "Failures", "PinGuard", "RatingGuard"]

MAX_PIN_FAILURES = 5  # wrong PINs for one staff id within PIN_WINDOW_S lock it …
PIN_WINDOW_S = 15 * 60.0
LOCK_S = 15 * 60.0  # … for this long
MAX_DEVICE_DELAY_S = 8.0  # a device's failed attempt is answered after up to this long

MAX_PUBLIC_RATINGS = 3  # 未办先评 from one address (phones) within RATING_WINDOW_S …
RATING_WINDOW_S = 10 * 60.0  # … beyond that they are refused until the oldest ages out
MAX_RATING_ADDRESSES = 10_000  # addresses remembered at once (expired ones are forgotten)

MAX_BAD_HELLOS = 20  # wrong tokens from one address within HELLO_WINDOW_S block it …
HELLO_WINDOW_S = 60.0
BLOCK_S = 60.0  # … for this long


@dataclass
class _Count:
    n: int = 0
    since: float = 0.0
    until: float = 0.0  # blocked until (0: not)
    logged: int = 0  # failures already logged in this window


@dataclass
class Failures:
    """One key's recent failures (a sliding window) and the lock they earned."""

    times: list[float] = field(default_factory=list)
    until: float = 0.0  # locked until (0: not)

    def add(self, now: float, limit: int, window_s: float, lock_s: float) -> bool:
        """Count a failure at ``now``; True if it is the one that locks the key, for ``lock_s``."""
        self.times = [t for t in self.times if now - t < window_s]
        self.times.append(now)
        if len(self.times) >= limit and self.until <= now:
            self.until = now + lock_s
            self.times.clear()
            return True
        return False


class PinGuard:
    """Wrong PINs per staff id (lock) and per device (a growing delay before each answer)."""

    def __init__(self, clock: Callable[[], float], base_delay_s: float = 0.25) -> None:
        self.clock = clock
        self.base_delay_s = base_delay_s
        self._staff: dict[str, Failures] = {}
        self._devices: dict[str, int] = {}

    def locked_until(self, staff: str) -> float | None:
        entry = self._staff.get(staff)
        if entry is None or entry.until <= self.clock():
            return None
        return entry.until

    def failed(self, staff: str, device: str) -> float | None:
        """Count a wrong PIN; return the time the staff id is locked until, if it now is."""
        now = self.clock()
        self._devices[device] = self._devices.get(device, 0) + 1
        entry = self._staff.setdefault(staff, Failures())
        return entry.until if entry.add(now, MAX_PIN_FAILURES, PIN_WINDOW_S, LOCK_S) else None

    def succeeded(self, staff: str, device: str) -> None:
        self._staff.pop(staff, None)
        self._devices.pop(device, None)

    def delay(self, device: str) -> float:
        """How long to hold the answer to this device's failed attempt: 0.25 s, doubling."""
        n = min(self._devices.get(device, 0), 16)
        return 0.0 if n == 0 else min(MAX_DEVICE_DELAY_S, self.base_delay_s * 2 ** (n - 1))

    def lockouts(self) -> list[dict[str, object]]:
        """The staff ids locked now, for the manager's view."""
        now = self.clock()
        return [
            {"staff": staff, "until": entry.until}
            for staff, entry in sorted(self._staff.items())
            if entry.until > now
        ]


class AddressGuard:
    """Wrong device tokens per remote address; too many in a minute block the address."""

    def __init__(self, clock: Callable[[], float], limit: int = MAX_BAD_HELLOS) -> None:
        self.clock = clock
        self.limit = limit
        self._addresses: dict[str, _Count] = {}

    def blocked(self, address: str) -> bool:
        entry = self._addresses.get(address)
        return entry is not None and entry.until > self.clock()

    def failed(self, address: str) -> tuple[bool, int]:
        """Count a wrong token; return (log this one?, failures not logged before it)."""
        now = self.clock()
        entry = self._addresses.get(address)
        if entry is None or now - entry.since >= HELLO_WINDOW_S:
            unlogged = entry.n - entry.logged if entry is not None else 0
            self._addresses[address] = _Count(n=1, since=now, logged=1)
            return True, unlogged
        entry.n += 1
        if entry.n >= self.limit and entry.until <= now:
            entry.until = now + BLOCK_S
        return False, 0


class RatingGuard:
    """未办先评 from the public phone page, per remote address: a few in a sliding window.

    The page needs no device token, so anyone on the network may send a rating; this keeps
    one phone (or one script) from filling the log and the hall's figures.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        limit: int = MAX_PUBLIC_RATINGS,
        window_s: float = RATING_WINDOW_S,
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.window_s = window_s
        self._times: dict[str, list[float]] = {}

    def allow(self, address: str) -> bool:
        """Count a rating from ``address`` and say whether it may go on."""
        now = self.clock()
        times = [t for t in self._times.get(address, ()) if now - t < self.window_s]
        if len(times) >= self.limit:
            self._times[address] = times
            return False
        times.append(now)
        self._times[address] = times
        if len(self._times) > MAX_RATING_ADDRESSES:
            self._forget(now)
        return True

    def _forget(self, now: float) -> None:
        self._times = {
            a: ts for a, ts in self._times.items() if ts and now - ts[-1] < self.window_s
        }
