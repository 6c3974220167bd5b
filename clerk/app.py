"""The clerk app put together: link, model, controller, the two windows, shortcuts and timers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence
from PySide6.QtWidgets import QWidget

from appkit.fonts import cjk_family
from appkit.link import ServerLink
from clerk import dialogs
from clerk.booking import BookingDialog
from clerk.commands import COMMANDS, COMPACT_KEY, action_for
from clerk.compact import CompactBar
from clerk.console import MainWindow
from clerk.controller import Controller
from clerk.model import Action, ClerkModel, LinkState
from clerk.texts import Texts
from clerk.theme import DIGIT_FAMILIES, style_sheet

log = logging.getLogger(__name__)

CONNECT_GRACE_MS = 3000  # after this long without a first connection, say "offline"
TICK_MS = 250  # the serving counter redraws often enough never to skip a second


def digit_family() -> str | None:
    """A family with a true bold for the big numbers, if one is installed."""
    installed = set(QFontDatabase.families())
    return next((f for f in DIGIT_FAMILIES if f in installed), None)


class ClerkApp(QObject):
    """One window's clerk app. `start()` connects and shows it; `shutdown()` ends everything.

    `ask_transfer`, `ask_number`, `ask_parked`, `ask_pause_reason` and `confirm_no_show` are
    the dialogs' functions (see `clerk.dialogs`); a test replaces them.
    """

    def __init__(
        self,
        server: str,
        window: int,
        device: str,
        token: str,
        lang: str = "zh",
        compact: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.texts = Texts(lang)
        self.link = ServerLink(server, "clerk", device, token, parent=self)
        self.model = ClerkModel(window, self.link.model)
        self.controller = Controller(self.link, self.model, self.texts, clock, parent=self)
        self.main = MainWindow(self.model, self.texts, clock)
        self.compact = CompactBar(self.model, self.texts, clock)
        # On the app's own windows (dialogs inherit it), not the QApplication: other apps'
        # widgets in the same process keep their look.
        sheet = style_sheet(cjk_family(), digit_family())
        self.main.setStyleSheet(sheet)
        self.compact.setStyleSheet(sheet)
        self.compact_mode = compact
        self.ask_transfer = dialogs.ask_transfer
        self.ask_number = dialogs.ask_number
        self.ask_parked = dialogs.ask_parked
        self.ask_pause_reason = dialogs.ask_pause_reason
        self.confirm_no_show = dialogs.confirm_no_show

        self.actions: dict[str, QAction] = {}
        for command in COMMANDS:
            action = QAction(self)
            action.setShortcut(QKeySequence(command.key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, c=command.id: self.trigger(c))
            self.actions[command.id] = action
        toggle = QAction(self)
        toggle.setShortcut(QKeySequence(COMPACT_KEY))
        toggle.triggered.connect(self.toggle_compact)
        self.actions["compact"] = toggle
        for shown in (self.main, self.compact):
            shown.addActions(list(self.actions.values()))
            shown.command.connect(self.trigger)

        self.main.login_requested.connect(self.controller.login)
        self.main.compact_requested.connect(lambda: self.set_compact(True))
        self.main.booking_requested.connect(self.open_booking)
        self.booking: BookingDialog | None = None
        self.compact.expand_requested.connect(lambda: self.set_compact(False))
        self.controller.notice.connect(self.main.show_notice)
        self.controller.login_error.connect(self.main.show_login_error)
        self.model.subscribe(self.refresh)

        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self._tick)
        self.grace = QTimer(self)
        self.grace.setSingleShot(True)
        self.grace.setInterval(CONNECT_GRACE_MS)
        self.grace.timeout.connect(self._no_first_connection)
        self.refresh()

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        self.link.start()
        self.ticker.start()
        self.grace.start()
        self.set_compact(self.compact_mode)

    def shutdown(self) -> None:
        """Stop the timers and the link, close the windows (before the QApplication quits)."""
        self.ticker.stop()
        self.grace.stop()
        self.controller.stop()
        self.link.stop()
        self.compact.close()
        self.main.close()

    def timers_active(self) -> bool:
        return self.ticker.isActive() or self.grace.isActive() or self.controller.retry.isActive()

    # -- the clerk ---------------------------------------------------------------------------

    @property
    def active_window(self) -> QWidget:
        return self.compact if self.compact_mode else self.main

    def open_booking(self) -> BookingDialog:
        """电话预约: the booking dialog for a caller on the phone (not modal: calls go on)."""
        if self.booking is None:
            services = [
                (s.code, self.model.service_name(s.code, self.texts.lang))
                for s in self.model.hall.services.values()
                if s.bookable
            ]
            self.booking = BookingDialog(self.main, self.texts, services, self.controller.send)
            self.booking.finished.connect(self._booking_closed)
        self.booking.show()
        self.booking.raise_()
        return self.booking

    def _booking_closed(self) -> None:
        if self.booking is not None:
            self.booking.deleteLater()
            self.booking = None

    def set_compact(self, on: bool) -> None:
        """Switch between the main window and the always-on-top strip."""
        self.compact_mode = on
        if on:
            self.main.hide()
            self.compact.place()
            self.compact.show()
        else:
            self.compact.hide()
            self.main.show()
        self.active_window.raise_()
        self.active_window.activateWindow()

    def toggle_compact(self) -> None:
        if self.model.logged_in or self.compact_mode:
            self.set_compact(not self.compact_mode)

    def trigger(self, command: str) -> None:
        """A button or its shortcut: ask what a dialog must ask, then send the action."""
        action = (
            Action.LOGOUT if command == Action.LOGOUT.value else action_for(command, self.model)
        )
        if not self.model.enabled(action):
            return
        fields = self._ask(action)
        if fields is not None:
            self.controller.act(action, **fields)

    def _ask(self, action: Action) -> dict[str, Any] | None:
        m, parent = self.model, self.active_window
        if action is Action.TRANSFER and m.current is not None:
            lang, current = self.texts.lang, m.current.service
            services = [(c, m.service_name(c, lang)) for c in m.hall.services if c != current]
            names = m.window_names().items()
            windows = [(n, self.texts.window(n, name)) for n, name in names if n != m.window]
            choice = self.ask_transfer(parent, self.texts, m.current.number, services, windows)
            if choice is None:
                return None
            fields: dict[str, Any] = {}
            if choice.to_service is not None:
                fields["to_service"] = choice.to_service
            if choice.to_window is not None:
                fields["to_window"] = choice.to_window
            return fields or None
        if action is Action.CALL_NUMBER:
            number = self.ask_number(parent, self.texts, [t.number for t in m.callable_here()])
            return {"number": number} if number else None
        if action is Action.CALL_PARKED:
            number = self.ask_parked(parent, self.texts, list(m.parked))
            return {"number": number} if number else None
        if action is Action.NO_SHOW and m.current is not None:
            asked = m.current
            if not self.confirm_no_show(parent, self.texts, asked.number):
                return None
            # While the dialog was up the keypad may have moved on to another number.
            return {} if m.current is not None and m.current.id == asked.id else None
        if action is Action.PAUSE:
            reason = self.ask_pause_reason(parent, self.texts)
            return {"reason": reason} if reason else None
        return {}

    # -- observing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        self.main.refresh()
        self.compact.refresh()
        for command in COMMANDS:
            self.actions[command.id].setEnabled(
                self.model.enabled(action_for(command.id, self.model))
            )

    def _tick(self) -> None:
        self.main.tick()
        self.compact.tick()

    def _no_first_connection(self) -> None:
        if self.model.link is LinkState.UNKNOWN:
            self.model.set_link(LinkState.OFFLINE)
