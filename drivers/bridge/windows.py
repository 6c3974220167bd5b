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

    def resync(self, snapshot_windows: object) -> None:
        """Take the windows of a snapshot as the truth (after a (re)connect).

        Entries it cannot read are skipped (logged); their windows become unknown.
        """
        if not isinstance(snapshot_windows, list):
            log.warning("snapshot windows are not a list: %r", snapshot_windows)
            snapshot_windows = []
        fresh = {w: WindowView(w) for w in self.windows}
        for entry in snapshot_windows:
            number = entry.get("number") if isinstance(entry, dict) else None
            view = fresh.get(number) if isinstance(number, int) else None
            if view is None:
                if not isinstance(number, int):
                    log.warning("snapshot window not understood: %r", entry)
                continue
            assert isinstance(entry, dict)
            try:
                view.state = WindowState(str(entry.get("state")))
            except ValueError:
                log.warning("window %d: unknown state %r", view.number, entry.get("state"))
            current = entry.get("current")
            if isinstance(current, dict) and isinstance(current.get("number"), str):
                view.current = current["number"]
            parked = entry.get("parked")
            view.parked = (
                [n for n in parked if isinstance(n, str)] if isinstance(parked, list) else []
            )
        for number, view in fresh.items():
            if view.state is WindowState.UNKNOWN:
                log.warning("window %d is configured on the bus but unknown to the server", number)
        self.windows = fresh

    def apply(self, event: dict[str, Any]) -> int | None:
        """Move on by one event; the window whose look may have changed, else None."""
        window, number = event.get("window"), event.get("number")
        if not isinstance(window, int) or window not in self.windows:
            return None
        if number is not None and not isinstance(number, str):
            log.warning("event with a number that is no ticket number: %r", event)
            return None
        view = self.windows[window]
        kind = event.get("kind")
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
            if kind == "ticket_parked" and number is not None:
                view.parked.append(number)
        elif kind == "ticket_expired":
            if view.current == number:
                view.current = None
            if number in view.parked:
                view.parked.remove(number)
        else:
            return None
        return view.number
