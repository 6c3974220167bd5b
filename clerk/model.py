"""The window as the clerk app sees it: plain Python, driven by the server's replies and events.

The server is the authority. The model holds what it last said about this window (state,
current ticket, parked numbers, last rating) and about the queue (waiting tickets this window
may call), and answers which actions make sense now. It imports no Qt: the controller feeds it,
widgets observe it through `subscribe`.

Events carry a `seq`: an event at or below the last snapshot's `seq` is already in that
snapshot and is skipped; a gap means something was missed and `apply_event` says so, so the
caller fetches a fresh snapshot. Recent events are kept and re-applied on top of a snapshot
that turns out older than they are (a reconnect can deliver them in either order).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

Message = dict[str, Any]
RECENT_EVENTS = 512  # kept to re-apply over an older snapshot


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
    WindowMode.IDLE: frozenset({Action.CALL_NEXT, Action.CALL_NUMBER, Action.CALL_PARKED,
                                Action.PAUSE, Action.INVITE_RATING, Action.LOGOUT}),
    WindowMode.SERVING: frozenset({Action.RECALL, Action.NO_SHOW, Action.FINISH,
                                   Action.TRANSFER, Action.PARK}),
    WindowMode.PAUSED: frozenset({Action.RESUME, Action.LOGOUT}),
}  # fmt: skip


@dataclass(frozen=True)
class Ticket:
    id: str
    number: str
    service: str
    ticket_class: str = "normal"
    issued_at: float | None = None
    target_window: int | None = None  # reserved for a window by a transfer
    called_at: float | None = None  # first call at the current window (server clock)
    reason_zh: str = ""  # why it was called
    reason_en: str = ""

    @classmethod
    def from_dict(cls, d: Message) -> Ticket:
        reason = d.get("reason") or {}
        return cls(
            id=d["id"],
            number=d["number"],
            service=d["service"],
            ticket_class=d.get("class") or "normal",
            issued_at=d.get("issued_at"),
            target_window=d.get("target_window"),
            called_at=d.get("called_at"),
            reason_zh=reason.get("text_zh", ""),
            reason_en=reason.get("text_en", ""),
        )


@dataclass(frozen=True)
class Rating:
    ticket: str
    number: str
    score: int
    bad: bool


@dataclass(frozen=True)
class ServiceInfo:
    code: str
    name_zh: str
    name_en: str


@dataclass
class ClerkModel:
    window: int
    link: LinkState = LinkState.UNKNOWN
    staff: str | None = None  # who logged in through this app (None: the login page shows)
    staff_name: str | None = None
    busy: bool = False  # an action is on its way to the server
    # What the server said about the window.
    window_state: str = "unknown"  # "closed" | "open" | "paused" | "unknown"
    pause_reason: str | None = None  # why the window is paused (a code), if the server says
    window_name: str = ""
    server_staff: str | None = None
    services: tuple[str, ...] = ()  # services this window serves
    current: Ticket | None = None
    parked: list[str] = field(default_factory=list)
    last_rating: Rating | None = None
    rate_target: Ticket | None = None  # finished here last and not rated yet
    invited: str | None = None  # ticket id invited to rate
    # The hall.
    hall_zh: str = ""
    hall_en: str = ""
    hall_tz: dt.tzinfo | None = None  # None: the machine's own zone until the welcome says
    catalogue: dict[str, ServiceInfo] = field(default_factory=dict)
    windows: dict[int, str] = field(default_factory=dict)  # number -> name
    waiting: dict[str, Ticket] = field(default_factory=dict)  # id -> ticket, all services
    seq: int | None = None
    clock_offset: float = 0.0  # server clock minus local clock
    _recent: deque[Message] = field(default_factory=lambda: deque(maxlen=RECENT_EVENTS))
    _observers: list[Callable[[], None]] = field(default_factory=list)

    # -- observing -------------------------------------------------------------------------

    def subscribe(self, observer: Callable[[], None]) -> None:
        self._observers.append(observer)

    def changed(self) -> None:
        for observer in list(self._observers):
            observer()

    # -- derived ---------------------------------------------------------------------------

    @property
    def mode(self) -> WindowMode:
        if self.window_state == "closed":
            return WindowMode.CLOSED
        if self.window_state == "paused":
            return WindowMode.PAUSED
        if self.window_state == "open":
            return WindowMode.SERVING if self.current is not None else WindowMode.IDLE
        return WindowMode.UNKNOWN

    @property
    def logged_in(self) -> bool:
        return self.staff is not None

    @property
    def can_send(self) -> bool:
        return self.link is LinkState.SIGNED_IN and not self.busy

    def callable_here(self) -> list[Ticket]:
        """Waiting tickets this window may call, in issue order (the call policy's candidates)."""
        found = [
            t
            for t in self.waiting.values()
            if t.target_window == self.window
            or (t.target_window is None and t.service in self.services)
        ]
        return sorted(found, key=lambda t: (t.issued_at or 0.0, t.number))

    @property
    def waiting_here(self) -> int:
        return len(self.callable_here())

    def waiting_by_service(self) -> list[tuple[str, int]]:
        """(service code, count) for this window's services, in the window's order."""
        counts = {code: 0 for code in self.services}
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
        if self.current is None or self.current.called_at is None:
            return None
        return max(0, int(local_now + self.clock_offset - self.current.called_at))

    def service_name(self, code: str, lang: str = "zh") -> str:
        info = self.catalogue.get(code)
        if info is None:
            return code
        return (info.name_zh if lang == "zh" else info.name_en) or info.name_zh

    # -- the connection --------------------------------------------------------------------

    def set_link(self, state: LinkState) -> None:
        if state is LinkState.OFFLINE:
            self.busy = False
        self.link = state
        self.changed()

    def set_server_time(self, server_time: float, local_now: float) -> None:
        self.clock_offset = server_time - local_now

    def signed_in(self, staff: str, window: Message) -> None:
        """A `login` was accepted (the reply's `window` dict)."""
        self.staff = staff
        self.link = LinkState.SIGNED_IN
        self._apply_window(window)
        self.changed()

    def signed_out(self) -> None:
        self.staff = self.staff_name = None
        self.busy = False
        if self.link is LinkState.SIGNED_IN:
            self.link = LinkState.ONLINE
        self.changed()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.changed()

    # -- what the server says --------------------------------------------------------------

    def hall_clock(self, now: float) -> str:
        """The date and time in the hall's own time zone (the machine's may differ)."""
        return dt.datetime.fromtimestamp(now, self.hall_tz).strftime("%Y-%m-%d  %H:%M")

    def apply_welcome(self, welcome: Message) -> None:
        hall = welcome.get("hall") or {}
        self.hall_zh, self.hall_en = hall.get("name_zh", ""), hall.get("name_en", "")
        self.hall_tz = _zone(hall.get("timezone"))
        self.link = LinkState.ONLINE
        self.busy = False
        self.apply_snapshot(welcome["snapshot"], welcome["seq"])

    def apply_snapshot(self, snap: Message, seq: int) -> None:
        """The whole truth at `seq`; newer events seen already are applied on top again."""
        self.catalogue = {
            s["code"]: ServiceInfo(s["code"], s.get("name_zh", ""), s.get("name_en", ""))
            for s in snap.get("services", [])
        }
        self.windows = {w["number"]: w.get("name", "") for w in snap.get("windows", [])}
        self.waiting = {t["id"]: Ticket.from_dict(t) for t in snap.get("waiting", [])}
        mine = next((w for w in snap.get("windows", []) if w["number"] == self.window), None)
        if mine is None:
            log.warning("window %s is not in the server's snapshot", self.window)
            self.window_state = "unknown"
        else:
            self._apply_window(mine)
        self.seq = seq
        for event in [e for e in self._recent if e["seq"] > seq]:
            self._apply(event)
            self.seq = event["seq"]
        self.changed()

    def apply_event(self, event: Message) -> bool:
        """Apply one pushed event; False when a gap shows that events were missed."""
        seq = event.get("seq")
        if not isinstance(seq, int):
            return True
        if self.seq is not None and seq <= self.seq:
            return True  # already in the snapshot
        in_order = self.seq is None or seq == self.seq + 1
        self.seq = seq
        self._recent.append(event)
        self._apply(event)
        self.changed()
        return in_order

    def apply_reply(self, reply: Message) -> None:
        """A reply to one of our requests: it carries the window or the ticket as they are now."""
        if isinstance(reply.get("window"), dict):
            self._apply_window(reply["window"])
        ticket = reply.get("ticket")
        if isinstance(ticket, dict):
            self._apply_ticket(ticket, reply.get("type"))
        self.changed()

    # -- inside ----------------------------------------------------------------------------

    def _apply_window(self, w: Message) -> None:
        self.window_state = w.get("state", "unknown")
        self.pause_reason = (
            _reason(w.get("pause_reason")) if self.window_state == "paused" else None
        )
        self.window_name = w.get("name", "") or self.window_name
        self.server_staff = w.get("staff")
        if self.staff is not None and self.server_staff == self.staff:
            self.staff_name = w.get("staff_name") or self.staff_name
        self.services = tuple(w.get("services", self.services))
        current = w.get("current")
        self.current = Ticket.from_dict(current) if current else None
        self.parked = list(w.get("parked", []))
        rating = w.get("last_rating")
        if rating:
            self.last_rating = Rating(rating["ticket"], rating["number"], rating["score"],
                                      bool(rating.get("bad")))  # fmt: skip

    def _apply_ticket(self, d: Message, reply_type: str | None) -> None:
        ticket = Ticket.from_dict(d)
        state = d.get("state")
        if self.current is not None and self.current.id == ticket.id and state != "called":
            self.current = None
        if state == "called" and d.get("window") == self.window:
            self.current = ticket
            self.waiting.pop(ticket.id, None)
            self._forget_parked(ticket.number)
            self.rate_target = None
            self.invited = None
        elif state == "waiting":
            self.waiting[ticket.id] = ticket
        elif state == "parked" and d.get("window") == self.window:
            if ticket.number not in self.parked:
                self.parked.append(ticket.number)
        elif state == "done" and d.get("window") == self.window:
            if reply_type == "rating_invited":
                self.invited = ticket.id
            if d.get("rating") is None:
                self.rate_target = ticket
            elif self.rate_target is not None and self.rate_target.id == ticket.id:
                self.rate_target = None

    def _forget_parked(self, number: str) -> None:
        if number in self.parked:
            self.parked.remove(number)

    def _mine(self, event: Message) -> bool:
        return bool(event.get("window") == self.window)

    def _apply(self, e: Message) -> None:
        kind = e.get("kind")
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(e)

    def _leave(self, e: Message) -> None:
        """The ticket of `e` no longer waits and, if it was served here, is no longer current."""
        self.waiting.pop(e["ticket"], None)
        if self.current is not None and self.current.id == e["ticket"]:
            self.current = None

    def _on_day_started(self, e: Message) -> None:
        self.rate_target = None
        self.invited = None

    def _on_ticket_issued(self, e: Message) -> None:
        self.waiting[e["ticket"]] = Ticket(
            id=e["ticket"], number=e["number"], service=e["service"],
            ticket_class=e.get("class") or "normal", issued_at=e.get("at"),
        )  # fmt: skip

    def _on_ticket_voided(self, e: Message) -> None:
        self._leave(e)

    def _on_ticket_expired(self, e: Message) -> None:
        self._leave(e)
        self._forget_parked(e.get("number", ""))

    def _on_window_opened(self, e: Message) -> None:
        if self._mine(e):
            self.window_state = "open"
            self.pause_reason = None
            self.server_staff = e.get("staff")

    def _on_window_closed(self, e: Message) -> None:
        if self._mine(e):
            self.window_state = "closed"
            self.pause_reason = None
            self.server_staff = None
            if self.staff is not None:  # signed out elsewhere (a keypad, a manager)
                self.staff = self.staff_name = None
                if self.link is LinkState.SIGNED_IN:
                    self.link = LinkState.ONLINE

    def _on_window_paused(self, e: Message) -> None:
        if self._mine(e):
            self.window_state = "paused"
            self.pause_reason = _reason(e.get("reason"))

    def _on_window_resumed(self, e: Message) -> None:
        if self._mine(e):
            self.window_state = "open"
            self.pause_reason = None

    def _on_ticket_called(self, e: Message) -> None:
        waiting = self.waiting.pop(e["ticket"], None)
        if not self._mine(e):
            return
        if self.current is not None and self.current.id == e["ticket"]:
            return  # a recall, or our own reply got here first: the call time stays
        reason = e.get("reason") or {}
        base = waiting or Ticket(id=e["ticket"], number=e["number"], service=e["service"])
        self.current = replace(
            base, service=e.get("service", base.service), target_window=None,
            called_at=e.get("at"), reason_zh=reason.get("text_zh", ""),
            reason_en=reason.get("text_en", ""),
        )  # fmt: skip
        self._forget_parked(e["number"])
        self.rate_target = None
        self.invited = None

    def _on_ticket_no_show(self, e: Message) -> None:
        self._leave(e)

    def _on_ticket_finished(self, e: Message) -> None:
        done = self.current if self.current is not None and self.current.id == e["ticket"] else None
        self._leave(e)
        if self._mine(e):
            self.rate_target = done or Ticket(id=e["ticket"], number=e["number"],
                                              service=e.get("service", ""))  # fmt: skip
            self.invited = None

    def _on_ticket_transferred(self, e: Message) -> None:
        was = self.current if self.current is not None and self.current.id == e["ticket"] else None
        before = self.waiting.get(e["ticket"]) or was
        self._leave(e)
        self.waiting[e["ticket"]] = Ticket(
            id=e["ticket"], number=e["number"], service=e["to_service"],
            ticket_class=before.ticket_class if before else "normal",
            issued_at=before.issued_at if before else None, target_window=e.get("to_window"),
        )  # fmt: skip

    def _on_ticket_parked(self, e: Message) -> None:
        self._leave(e)
        if self._mine(e) and e["number"] not in self.parked:
            self.parked.append(e["number"])

    def _on_rating_invited(self, e: Message) -> None:
        if self._mine(e):
            self.invited = e["ticket"]

    def _on_rating_recorded(self, e: Message) -> None:
        if not self._mine(e):
            return
        self.last_rating = Rating(e["ticket"], e["number"], int(e["score"]), bool(e.get("bad")))
        if self.rate_target is not None and self.rate_target.id == e["ticket"]:
            self.rate_target = None
        if self.invited == e["ticket"]:
            self.invited = None


def _reason(code: object) -> str | None:
    """A pause reason code as the server sent it; anything but a short string counts as none."""
    return code if isinstance(code, str) and 0 < len(code) <= 40 else None


def _zone(name: object) -> dt.tzinfo | None:
    """The hall's time zone from the welcome; None (the machine's zone) if missing or unknown."""
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        log.warning("unknown hall time zone %r; showing the machine's time", name)
        return None
