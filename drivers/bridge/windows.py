"""What the bridge knows of each window, kept from the server's snapshot and events. Pure.

The server is the truth: `WindowBook.resync` takes a snapshot's ``windows`` (after every
(re)connect) and `apply` moves it on by one event. `look` is what a window's boards and its
keypad display should show now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

log = logging.getLogger(__name__)


class WindowState(StrEnum):
    """As the server says (``queue_server.core.model.WindowState``), plus unknown."""

    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"
    UNKNOWN = "unknown"  # not heard from the server yet (or not a window of this hall)


class LookKind(StrEnum):
    CALL = "call"  # a ticket is being served: show its number
    IDLE = "idle"  # open, nobody at the window
    PAUSED = "paused"
    CLOSED = "closed"
    UNKNOWN = "unknown"  # nothing known: leave the boards as they are


@dataclass(frozen=True, slots=True)
class Look:
    kind: LookKind
    number: str = ""


@dataclass(slots=True)
class WindowView:
    number: int
    state: WindowState = WindowState.UNKNOWN
    current: str | None = None  # number of the ticket being served here
    parked: list[str] = field(default_factory=list)  # parked here; the last parked last

    def look(self) -> Look:
        # A window paused while it still serves someone keeps showing that number.
        if self.state is WindowState.UNKNOWN:
            return Look(LookKind.UNKNOWN)
        if self.state is WindowState.CLOSED:
            return Look(LookKind.CLOSED)
        if self.current is not None:
            return Look(LookKind.CALL, self.current)
        if self.state is WindowState.PAUSED:
            return Look(LookKind.PAUSED)
        return Look(LookKind.IDLE)


_ENDS_SERVICE = {"ticket_no_show", "ticket_finished", "ticket_transferred", "ticket_parked"}
_WINDOW_STATES = {
    "window_opened": WindowState.OPEN,
    "window_resumed": WindowState.OPEN,
    "window_paused": WindowState.PAUSED,
    "window_closed": WindowState.CLOSED,
}


class WindowBook:
    """The windows the bridge serves, by number."""

    def __init__(self, windows: list[int]) -> None:
        self.windows = {w: WindowView(w) for w in windows}

    def __getitem__(self, window: int) -> WindowView:
        return self.windows[window]

    def resync(self, snapshot_windows: list[dict[str, Any]]) -> None:
        """Take the windows of a snapshot as the truth (after a (re)connect)."""
        seen = set()
        for entry in snapshot_windows:
            view = self.windows.get(entry.get("number"))  # type: ignore[arg-type]
            if view is None:
                continue
            seen.add(view.number)
            try:
                view.state = WindowState(str(entry.get("state")))
            except ValueError:
                log.warning("window %d: unknown state %r", view.number, entry.get("state"))
                view.state = WindowState.UNKNOWN
            current = entry.get("current")
            view.current = current.get("number") if isinstance(current, dict) else None
            view.parked = [str(n) for n in entry.get("parked") or []]
        for number in sorted(set(self.windows) - seen):
            log.warning("window %d is configured on the bus but unknown to the server", number)
            self.windows[number] = WindowView(number)

    def apply(self, event: dict[str, Any]) -> int | None:
        """Move on by one event; the window whose look may have changed, else None."""
        kind = event.get("kind")
        view = self.windows.get(event.get("window"))  # type: ignore[arg-type]
        if view is None:
            return None
        number = event.get("number")
        if kind in _WINDOW_STATES:
            view.state = _WINDOW_STATES[kind]
            if kind == "window_closed":
                view.current = None
        elif kind == "ticket_called":
            if view.state is WindowState.UNKNOWN or view.state is WindowState.CLOSED:
                view.state = WindowState.OPEN  # only an open window calls
            view.current = number
            if number in view.parked:
                view.parked.remove(number)
        elif kind in _ENDS_SERVICE:
            if view.current == number:
                view.current = None
            if kind == "ticket_parked" and isinstance(number, str):
                view.parked.append(number)
        elif kind == "ticket_expired":
            if view.current == number:
                view.current = None
            if number in view.parked:
                view.parked.remove(number)
        else:
            return None
        return view.number
