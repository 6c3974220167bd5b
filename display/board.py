"""What a board shows, kept from the live hall model's changes. Pure: no Qt, no I/O.

A hall board (综合屏) shows the latest calls of its zone (the windows it covers), newest
first, a recall marked as such; the waiting counts of the services those windows serve; and
which of them are paused (with the reason) or closed. A window screen (窗口屏) shows one
window, and when it is closed the window to go to instead: the configured one, else the one
the server moved its tickets to, else the nearest open window serving the same services.

`BoardState` keeps the board's calls: each ``ticket_called`` of the zone goes on top (a ticket
called again moves up); a welcome or snapshot adds the zone's calls the board has not seen (it
started late, or was offline): the snapshot's ``recent_calls`` and the tickets the windows are
calling now, ordered by when they were called.
The board observes the model through `on_change`, which says whether the board must redraw,
so changes elsewhere in the hall (a rating, a device, another zone) cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contract import events as ev
from contract.hall import Change, HallModel
from contract.records import Service, Window, WindowState


@dataclass(frozen=True, slots=True)
class Call:
    """One call on the board: `number` to `window`; `recall` when called again (再次呼叫)."""

    ticket: str
    number: str
    window: int
    service: str
    at: float
    recall: bool = False


class BoardState:
    """The board's view of the hall: `model` plus the calls it has seen."""

    def __init__(
        self,
        model: HallModel,
        zone: Iterable[int] = (),
        rows: int = 8,
        window: int | None = None,
        redirect: int | None = None,
    ) -> None:
        self.model = model
        self.zone = frozenset(zone)
        self.rows = rows
        self.window = window  # window mode: the window shown
        self.redirect_setting = redirect
        self.calls: list[Call] = []  # newest first, at most `rows`
        self.fresh: Call | None = None  # the call that just arrived as an event (to blink)
        self.moved_to: dict[int, int] = {}  # closed window -> where the server moved tickets
        self._day: str | None = None  # the business day of `calls`
        # what a hall board shows of each window of its zone: state, pause reason
        self._looks: dict[int, tuple[WindowState, str | None]] = {}
        self.changes = 0  # model steps taken (a ``counts`` may keep the model's seq)

    # -- what the board shows ----------------------------------------------------------------

    def covers(self, window: int | None) -> bool:
        if window is None:
            return False
        if self.window is not None:
            return window == self.window
        return not self.zone or window in self.zone

    def windows(self) -> list[Window]:
        """The zone's windows in number order."""
        return sorted(
            (w for w in self.model.windows.values() if self.covers(w.number)),
            key=lambda w: w.number,
        )

    def services(self) -> list[Service]:
        """The services the zone's windows serve, in the hall's order."""
        if not self.zone and self.window is None:
            return list(self.model.services.values())
        codes = {code for w in self.windows() for code in w.services}
        return [s for code, s in self.model.services.items() if code in codes]

    def paused(self) -> list[Window]:
        return [w for w in self.windows() if w.state is WindowState.PAUSED]

    def closed(self) -> list[Window]:
        return [w for w in self.windows() if w.state is WindowState.CLOSED]

    def booked_only(self, weekday: int, clock: str) -> list[tuple[int, str, str]]:
        """预约延时服务 of today (ISO ``weekday``) not over at ``clock`` (HH:MM): (window,
        start, end) of each window that is not closed."""
        return [
            (w.number, p.start, p.end)
            for w in self.windows()
            if w.state is not WindowState.CLOSED
            for p in w.booked_only
            if weekday in p.days and clock < p.end
        ]

    def service_name(self, code: str, lang: str) -> str:
        s = self.model.services.get(code)
        if s is None:
            return code
        return (s.name_en or s.name_zh) if lang == "en" else (s.name_zh or s.name_en)

    def notice(self, configured: str, lang: str, bilingual: bool) -> str:
        """The scrolling notice: the one a manager posted last (in the board's language first,
        the other beside it), else the configured one."""
        posted = self.model.notice
        if posted is None or not posted.text_zh:
            return configured
        zh, en = posted.text_zh, posted.text_en or ""
        first, second = (en or zh, zh if en else "") if lang == "en" else (zh, en)
        return f"{first} · {second}" if bilingual and second else first

    def shown_window(self) -> Window | None:
        return self.model.windows.get(self.window) if self.window is not None else None

    def redirect(self) -> int | None:
        """Where to send citizens from the shown window while it is closed."""
        here = self.shown_window()
        if here is None:
            return self.redirect_setting
        if self.redirect_setting is not None:
            return self.redirect_setting
        windows = self.model.windows
        moved = self.moved_to.get(here.number)
        if moved is not None and moved in windows and windows[moved].state is WindowState.OPEN:
            return moved
        need = set(here.services)
        best: tuple[int, int, int] | None = None
        for w in windows.values():
            shared = len(need & set(w.services))
            if w.number == here.number or w.state is not WindowState.OPEN or not shared:
                continue
            key = (-shared, abs(w.number - here.number), w.number)
            best = key if best is None or key < best else best
        return best[2] if best is not None else None

    # -- what the model says -----------------------------------------------------------------

    def on_change(self, change: Change) -> bool:
        """Take one step of the model; True when the board must be redrawn."""
        self.changes += 1
        if change.everything:
            self._merge_current()
            self._looks = {w.number: (w.state, w.pause_reason) for w in self.windows()}
            return True
        if change.resync:
            return False  # nothing moved yet; the snapshot that follows redraws
        looks_changed = self._new_looks(change.windows)
        event = change.event
        if isinstance(event, ev.DayStarted):
            self.calls, self.fresh, self._day = [], None, event.day
            return True
        if isinstance(event, ev.TicketCalled) and self.covers(event.window):
            call = Call(
                event.ticket, event.number, event.window, event.service, event.at, event.recall
            )
            self.calls = [call, *(c for c in self.calls if c.ticket != call.ticket)]
            del self.calls[self.rows :]
            self.fresh = call
            return True
        if isinstance(event, ev.WindowClosed) and event.moved_to is not None:
            self.moved_to[event.window] = event.moved_to
        elif isinstance(event, ev.WindowOpened):
            self.moved_to.pop(event.window, None)
        # A hall board shows a window's state and pause reason, not whom it serves.
        if any(self.covers(n) for n in change.windows) and (
            self.window is not None or looks_changed
        ):
            return True
        here = self.shown_window()
        if here is not None:  # a closed window's advice follows the other windows
            return here.state is WindowState.CLOSED and bool(change.windows)
        if change.services and self.window is None:
            shown = {s.code for s in self.services()}
            return not shown.isdisjoint(change.services)
        return change.day

    def _new_looks(self, numbers: Iterable[int]) -> bool:
        """Whether the state or pause reason of one of the zone's `numbers` changed."""
        changed = False
        for n in numbers:
            w = self.model.windows.get(n)
            if w is None or not self.covers(n):
                continue
            look = (w.state, w.pause_reason)
            if self._looks.get(n) != look:
                self._looks[n] = look
                changed = True
        return changed

    def _merge_current(self) -> None:
        """After a welcome or snapshot: add the zone's calls the board has not seen (the day's
        recent calls, the tickets being called now), in the order they were called."""
        if self.model.day != self._day:  # a new day began while the board was away
            self.calls, self._day = [], self.model.day
        latest = {c.ticket: c for c in self.calls}
        seen = [
            Call(c.ticket, c.number, c.window, c.service, c.at, c.recall)
            for c in self.model.recent_calls
            if self.covers(c.window)
        ]
        for w in self.windows():
            t = w.current
            if t is not None:
                at = t.called_at or 0.0
                seen.append(Call(t.id, t.number, w.number, t.service, at, t.calls > 1))
        for call in seen:  # each ticket's latest call
            known = latest.get(call.ticket)
            if known is None or call.at > known.at:
                latest[call.ticket] = call
        self.calls = sorted(latest.values(), key=lambda c: c.at, reverse=True)[: self.rows]
