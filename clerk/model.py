"""The clerk app's own state, over the hall's live model: plain Python, no Qt.

The server is the authority, and the link's live model (`contract.hall.HallModel`) is what it
last said: this window's state, current ticket, parked numbers, last rating and the waiting
queue are read from there as typed records. This model keeps only what is the clerk's own: who
logged in through this app, the connection, the action on its way, and the server's clock. It
answers which actions make sense now; widgets observe it through `subscribe`, and it hears of
the hall through `hall_changed` (the link's `changed`).

A reply reaches the app before the events it caused, so an action stays pending until the live
model has caught up with the server (`when_seen`): the screen never shows a reply's outcome
with the window's state from before it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contract import events as ev
from contract.hall import Change, HallModel
from contract.records import LastRating, LastServed, Ticket, Window, WindowState

log = logging.getLogger(__name__)


class LinkState(StrEnum):
    UNKNOWN = "unknown"  # not connected yet since start
    OFFLINE = "offline"  # the connection was lost or cannot be made
    ONLINE = "online"  # connected; this connection is not logged in at the window
    SIGNED_IN = "signed_in"  # connected and logged in at the window: actions may be sent


class WindowMode(StrEnum):
    UNKNOWN = "unknown"
    CLOSED = "closed"
    IDLE = "idle"
    SERVING = "serving"
    PAUSED = "paused"


class Action(StrEnum):
    """What the clerk can do; each value is also the protocol request type."""

    CALL_NEXT = "call_next"
    RECALL = "recall"
    NO_SHOW = "no_show"
    FINISH = "finish"
    TRANSFER = "transfer"
    PARK = "park"
    CALL_PARKED = "call_parked"
    CALL_NUMBER = "call_number"
    PAUSE = "pause"
    RESUME = "resume"
    INVITE_RATING = "invite_rating"
    LOGOUT = "logout"


# Which actions each window mode allows at all; `ClerkModel.enabled` adds the finer conditions.
ALLOWED: dict[WindowMode, frozenset[Action]] = {
    WindowMode.UNKNOWN: frozenset(),
    WindowMode.CLOSED: frozenset(),
    WindowMode.IDLE: frozenset(
        {
            Action.CALL_NEXT,
            Action.CALL_NUMBER,
            Action.CALL_PARKED,
            Action.PAUSE,
            Action.INVITE_RATING,
            Action.LOGOUT,
        }
    ),
    WindowMode.SERVING: frozenset(
        {Action.RECALL, Action.NO_SHOW, Action.FINISH, Action.TRANSFER, Action.PARK}
    ),
    WindowMode.PAUSED: frozenset({Action.RESUME, Action.LOGOUT}),
}

_MODES = {WindowState.CLOSED: WindowMode.CLOSED, WindowState.PAUSED: WindowMode.PAUSED}


@dataclass
class ClerkModel:
    window: int
    hall: HallModel = field(default_factory=HallModel)  # the link's live model
    link: LinkState = LinkState.UNKNOWN
    staff: str | None = None  # who logged in through this app (None: the login page shows)
    pending: str | None = None  # the request on its way to the server ("login", an Action)
    clock_offset: float = 0.0  # server clock minus local clock
    hall_tz: dt.tzinfo | None = None  # None: the machine's own zone until the welcome says
    _queue: tuple[tuple[str, str], ...] = ()  # (id, service) callable here, as last shown
    _waits: list[tuple[int, Callable[[], None]]] = field(default_factory=list)
    _observers: list[Callable[[], None]] = field(default_factory=list)

    # -- observing -------------------------------------------------------------------------

    def subscribe(self, observer: Callable[[], None]) -> None:
        self._observers.append(observer)

    def changed(self) -> None:
        for observer in list(self._observers):
            observer()

    # -- this window, as the live model has it ---------------------------------------------

    @property
    def here(self) -> Window | None:
        return self.hall.windows.get(self.window) if self.hall.synced else None

    @property
    def window_name(self) -> str:
        return self.here.name if self.here is not None else ""

    @property
    def staff_name(self) -> str | None:
        here = self.here
        if self.staff is None or here is None or here.staff != self.staff:
            return None
        return here.staff_name

    @property
    def services(self) -> tuple[str, ...]:
        return self.here.services if self.here is not None else ()

    @property
    def current(self) -> Ticket | None:
        return self.here.current if self.here is not None else None

    @property
    def parked(self) -> list[str]:
        return list(self.here.parked) if self.here is not None else []

    @property
    def pause_reason(self) -> str | None:
        """Why the window is paused (a code), if the server says; None unless paused."""
        here = self.here
        if here is None or here.state is not WindowState.PAUSED:
            return None
        code = here.pause_reason
        return code if code and len(code) <= 40 else None

    @property
    def last_rating(self) -> LastRating | None:
        return self.here.last_rating if self.here is not None else None

    @property
    def rate_target(self) -> LastServed | None:
        """The ticket finished here last and not rated yet (一次一评)."""
        last = self.here.last_served if self.here is not None else None
        return last if last is not None and not last.rated else None

    @property
    def invited(self) -> bool:
        return self.rate_target is not None and self.rate_target.invited

    @property
    def mode(self) -> WindowMode:
        here = self.here
        if here is None:
            return WindowMode.UNKNOWN
        if here.state is WindowState.OPEN:
            return WindowMode.SERVING if here.current is not None else WindowMode.IDLE
        return _MODES[here.state]

    # -- derived ---------------------------------------------------------------------------

    @property
    def logged_in(self) -> bool:
        return self.staff is not None

    @property
    def busy(self) -> bool:
        return self.pending is not None

    @property
    def can_send(self) -> bool:
        return self.link is LinkState.SIGNED_IN and not self.busy

    @property
    def hall_zh(self) -> str:
        return self.hall.hall.name_zh

    @property
    def hall_en(self) -> str:
        return self.hall.hall.name_en

    def callable_here(self) -> list[Ticket]:
        """Waiting tickets this window may call, in issue order (the call policy's candidates)."""
        services = self.services
        return [
            t
            for t in self.hall.waiting()
            if t.target_window == self.window or (t.target_window is None and t.service in services)
        ]

    @property
    def waiting_here(self) -> int:
        return len(self.callable_here())

    def waiting_by_service(self) -> list[tuple[str, int]]:
        """(service code, count) for this window's services, in the window's order."""
        counts = dict.fromkeys(self.services, 0)
        for t in self.callable_here():
            counts[t.service] = counts.get(t.service, 0) + 1
        return list(counts.items())

    def enabled(self, action: Action) -> bool:
        if not self.can_send or action not in ALLOWED[self.mode]:
            return False
        if action in (Action.CALL_NEXT, Action.CALL_NUMBER):
            return self.waiting_here > 0
        if action is Action.CALL_PARKED:
            return bool(self.parked)
        if action is Action.INVITE_RATING:
            return self.rate_target is not None
        if action is Action.LOGOUT:
            return self.current is None  # the server refuses to close a window while serving
        return True

    def enabled_actions(self) -> frozenset[Action]:
        return frozenset(a for a in Action if self.enabled(a))

    def served_seconds(self, local_now: float) -> int | None:
        """How long the current ticket has been served, by the server's clock."""
        current = self.current
        if current is None or current.called_at is None:
            return None
        return max(0, int(local_now + self.clock_offset - current.called_at))

    def service_name(self, code: str, lang: str = "zh") -> str:
        info = self.hall.services.get(code)
        if info is None:
            return code
        return (info.name_zh if lang == "zh" else info.name_en) or info.name_zh or code

    def window_names(self) -> dict[int, str]:
        return {n: w.name for n, w in sorted(self.hall.windows.items())}

    def hall_clock(self, now: float) -> str:
        """The date and time in the hall's own time zone (the machine's may differ)."""
        return dt.datetime.fromtimestamp(now, self.hall_tz).strftime("%Y-%m-%d  %H:%M")

    # -- the clerk's own -------------------------------------------------------------------

    def set_link(self, state: LinkState) -> None:
        if state is LinkState.OFFLINE:
            self.pending = None
            self._waits.clear()  # what was awaited comes again with the next welcome
        self.link = state
        self.changed()

    def welcomed(self) -> None:
        """Connected again; the live model has the welcome's snapshot already."""
        self.link = LinkState.ONLINE
        self.pending = None
        self.changed()

    def set_server_time(self, server_time: float, local_now: float) -> None:
        self.clock_offset = server_time - local_now

    def signed_in(self, staff: str) -> None:
        """A `login` was accepted."""
        self.staff = staff
        self.link = LinkState.SIGNED_IN
        self.changed()

    def signed_out(self) -> None:
        self.staff = None
        self.pending = None
        if self.link is LinkState.SIGNED_IN:
            self.link = LinkState.ONLINE
        self.changed()

    def set_pending(self, kind: str | None) -> None:
        self.pending = kind
        self.changed()

    def when_seen(self, seq: int, then: Callable[[], None]) -> None:
        """Call `then` once the live model has applied the server's events up to `seq`."""
        if self.hall.seq >= seq or not self.hall.synced:
            then()
        else:
            self._waits.append((seq, then))

    # -- the hall --------------------------------------------------------------------------

    def hall_changed(self, change: Change) -> None:
        """The live model moved: re-render when it shows here; a close elsewhere signs out."""
        if change.everything:
            self.hall_tz = _zone(self.hall.hall.timezone)
        e = change.event
        if (
            isinstance(e, ev.WindowClosed)
            and e.window == self.window
            and self.staff is not None
            and self.pending != Action.LOGOUT  # our own: the reply's handler signs out
        ):
            self.signed_out()  # a keypad, a manager, or this clerk's login at another window
        queue = tuple((t.id, t.service) for t in self.callable_here())
        shown = change.everything or change.resync or self.window in change.windows
        if shown or queue != self._queue:
            self._queue = queue
            self.changed()
        due = [then for seq, then in self._waits if self.hall.seq >= seq]
        self._waits = [(seq, then) for seq, then in self._waits if self.hall.seq < seq]
        for then in due:
            then()


def call_reason(ticket: Ticket) -> tuple[str, str]:
    """Why the server called `ticket` (zh, en), as its ``reason`` says."""
    reason = ticket.reason or {}
    zh, en = reason.get("text_zh"), reason.get("text_en")
    return (zh if isinstance(zh, str) else "", en if isinstance(en, str) else "")


def _zone(name: str) -> dt.tzinfo | None:
    """The hall's time zone from the welcome; None (the machine's zone) if missing or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        log.warning("unknown hall time zone %r; showing the machine's time", name)
        return None
