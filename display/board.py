"""What a board shows, kept from the live hall model's changes. Pure: no Qt, no I/O.

A hall board (综合屏) shows the latest calls of its zone (the windows it covers), newest
first, a recall marked as such; the waiting counts of the services those windows serve; and
which of them are paused (with the reason) or closed. A window screen (窗口屏) shows one
window, and when it is closed the window to go to instead: the configured one, else the one
the server moved its tickets to, else the nearest open window serving the same services.

The model keeps no history of calls, so `BoardState` keeps it: each ``ticket_called`` of the
zone goes on top (a ticket called again moves up); a welcome or snapshot adds the tickets
the windows are calling now (calls missed while offline), ordered by when they were called.
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
        if change.everything:
            self._merge_current()
            return True
        if change.resync:
            return False  # nothing moved yet; the snapshot that follows redraws
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
        if any(self.covers(n) for n in change.windows):
            return True
        here = self.shown_window()
        if here is not None:  # a closed window's advice follows the other windows
            return here.state is WindowState.CLOSED and bool(change.windows)
        if change.services and self.window is None:
            shown = {s.code for s in self.services()}
            return not shown.isdisjoint(change.services)
        return change.day

    def _merge_current(self) -> None:
        """After a welcome or snapshot: add the tickets being called now that the board has
        not seen called (while it was offline), in the order they were called."""
        if self.model.day != self._day:  # a new day began while the board was away
            self.calls, self._day = [], self.model.day
        known = {c.ticket for c in self.calls}
        for w in self.windows():
            t = w.current
            if t is not None and t.id not in known:
                self.calls.append(
                    Call(t.id, t.number, w.number, t.service, t.called_at or 0.0, t.calls > 1)
                )
        self.calls.sort(key=lambda c: c.at, reverse=True)
        del self.calls[self.rows :]
