"""The wall put together: the server link and its live model, the controller, the view, the
dialogs and the timers.

The link keeps the hall model (welcome, events, a snapshot after a gap, all again after a
reconnect); each change is noted (the wall's own record of the day for the charts) and the view
redraws shortly after, once for a burst of events. While the link is down the view keeps the
last state, marked stale with the time it was last heard from the server.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication

from appkit.link import ServerLink
from contract.hall import Change, HallModel
from wall import dialogs
from wall.config import WallConfig
from wall.controller import WallController
from wall.dialogs import NoticeText
from wall.figures import Observed
from wall.texts import Texts
from wall.theme import DIGIT_FAMILIES
from wall.view import WallView

log = logging.getLogger(__name__)

ROLE = "manager"
REDRAW_MS = 150  # a burst of events redraws once
TICK_MS = 1000  # the clock
AGE_MS = 10_000  # waits and deadlines age: redraw now and then with no event
CONNECT_GRACE_MS = 3000  # after this long without a first connection, say "offline"


class WallApp(QObject):
    """One wall. `start()` connects; `stop()` ends everything (before the QApplication quits).

    `ask_ack_note`, `ask_pause_reason`, `ask_notice`, `ask_owner`, `ask_contact` and
    `ask_resolution` are the dialogs' functions (`wall.dialogs`); a test replaces them.
    """

    def __init__(self, config: WallConfig, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.config = config
        self.texts = Texts(config.lang)
        self.link = ServerLink(config.server, ROLE, config.device, config.token, parent=self)
        self.controller = WallController(self.link, self.texts, config.kpis_s, clock, parent=self)
        self.observed = Observed()
        self.view = WallView(
            self.link.model,
            self.texts,
            self.observed,
            config.wait_alert_min * 60,
            config.due_soon_min * 60,
            self.timezone,
            own_device=config.device,
        )
        installed = set(QFontDatabase.families())
        self.view.digits = next((f for f in DIGIT_FAMILIES if f in installed), None)
        self.view.scale = 0.0
        self.view.apply_scale(1920, 1080)
        self.ask_ack_note = dialogs.ask_ack_note
        self.ask_pause_reason = dialogs.ask_pause_reason
        self.ask_notice = dialogs.ask_notice
        self.ask_owner = dialogs.ask_owner
        self.ask_contact = dialogs.ask_contact
        self.ask_resolution = dialogs.ask_resolution
        self.asking = False  # a dialog is up

        self.link.changed.connect(self._on_change)
        self.link.online.connect(self._on_online)
        c, v = self.controller, self.view
        c.notice.connect(v.show_status)
        c.login_error.connect(self._login_refused)
        c.manager.connect(self._on_manager)
        c.kpis_changed.connect(self._on_kpis)
        v.login_requested.connect(c.login)
        v.logout_requested.connect(c.logout)
        v.ack_requested.connect(self.acknowledge)
        v.window_requested.connect(self.manage_window)
        v.notice_requested.connect(self.post_notice)
        v.followup_requested.connect(self.followup)

        self.redraw = QTimer(self)
        self.redraw.setSingleShot(True)
        self.redraw.setInterval(REDRAW_MS)
        self.redraw.timeout.connect(self.refresh)
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(lambda: self.view.tick(self.controller.now()))
        self.ager = QTimer(self)
        self.ager.setInterval(AGE_MS)
        self.ager.timeout.connect(self.refresh)
        self.grace = QTimer(self)
        self.grace.setSingleShot(True)
        self.grace.setInterval(CONNECT_GRACE_MS)
        self.grace.timeout.connect(self._no_first_connection)
        self.refresh()

    @property
    def model(self) -> HallModel:
        return self.link.model

    def timezone(self) -> ZoneInfo:
        """The hall's time zone (from the server's welcome), else the configured one."""
        name = self.model.hall.timezone or self.config.timezone
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(self.config.timezone)

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        self.link.start()
        self.controller.start()
        self.ticker.start()
        self.ager.start()
        self.grace.start()

    def stop(self) -> None:
        for timer in (self.redraw, self.ticker, self.ager, self.grace):
            timer.stop()
        self.controller.stop()
        self.link.stop()
        self.view.close()

    def timers_active(self) -> bool:
        timers = (self.redraw, self.ticker, self.ager, self.grace)
        return any(t.isActive() for t in timers) or self.controller.timers_active()

    def show(self, size: tuple[int, int] | None = None) -> None:
        """Full screen (or `size`, or a window when the settings say `windowed`)."""
        if size is not None:
            self.view.resize(*size)
            self.view.show()
        elif self.config.windowed:
            self.view.resize(1366, 768)
            self.view.show()
        else:
            screen = QGuiApplication.primaryScreen()
            if screen is not None:
                self.view.setGeometry(screen.geometry())
            self.view.showFullScreen()

    # -- observing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        self.redraw.stop()
        if self.asking:
            self.view.tick(self.controller.now())
            return
        self.view.refresh(self.controller.now())

    @contextlib.contextmanager
    def _dialog(self) -> Iterator[None]:
        """While a dialog is up the panels are not rebuilt: the button that opened it is still
        on the stack (deleting its row would delete it under its own click), and the row the
        manager answers about stays where it is. They catch up when it closes."""
        self.asking = True
        try:
            yield
        finally:
            self.asking = False
            self.redraw.start()

    def _on_change(self, change: Change) -> None:
        if not change.resync:
            self.observed.observe(self.model, change, self.controller.now(), self.timezone())
            self.view.last_update = self.controller.now()
        if not self.redraw.isActive():
            self.redraw.start()

    def _on_online(self, online: bool) -> None:
        if not online and self.view.online:
            # the state shown was the server's until this moment (a quiet hall sends nothing)
            self.view.last_update = self.controller.now()
        self.view.online = online
        if online:
            self.grace.stop()
            self.view.last_update = self.controller.now()
        self.view.tick(self.controller.now())

    def _no_first_connection(self) -> None:
        if self.view.online is None:
            self.view.online = False
            self.view.tick(self.controller.now())

    def _on_kpis(self) -> None:
        self.view.kpis = self.controller.kpis
        self.view.kpis_refused = False
        self.redraw.start()

    def _on_manager(self) -> None:
        c, v = self.controller, self.view
        v.staff, v.staff_name = c.staff, c.staff_name
        v.login.busy(c.pending_login)
        if c.logged_in:
            v.login.hide()
        v.tick(c.now())

    def _login_refused(self, text: str) -> None:
        if not self.view.login.isVisible():
            self.view.login.open()
        self.view.login.error.setText(text)

    # -- the manager's actions ---------------------------------------------------------------

    def _signed_in(self) -> bool:
        if self.controller.logged_in:
            return True
        self.view.show_status("error", self.texts("need_login"))
        self.view.login.open()
        return False

    def acknowledge(self, alert: str) -> None:
        if not self._signed_in():
            return
        known = self.model.alerts.get(alert)
        words = self.texts.pick(known.text_zh, known.text_en) if known is not None else alert
        with self._dialog():
            note = self.ask_ack_note(self.view, self.texts, words)
        if note is not None:
            self.controller.ack_alert(alert, note)

    def manage_window(self, window: int, action: str) -> None:
        if not self._signed_in():
            return
        reason = None
        if action == "pause":
            with self._dialog():
                reason = self.ask_pause_reason(
                    self.view, self.texts, self.texts("window_no", n=window)
                )
            if reason is None:
                return
        self.controller.manage_window(window, action, reason)

    def post_notice(self) -> None:
        if not self._signed_in():
            return
        notice = self.model.notice
        current = NoticeText(notice.text_zh if notice else None, notice.text_en if notice else None)
        with self._dialog():
            chosen = self.ask_notice(self.view, self.texts, current)
        if chosen is not None:
            self.controller.post_notice(chosen.text_zh, chosen.text_en)

    def followup(self, followup: str, what: str) -> None:
        if not self._signed_in():
            return
        f = self.model.followups.get(followup)
        if f is None:
            return
        number = f.number or self.texts("hall_rating")
        if what == "assign":
            staff = sorted(
                {w.staff for w in self.model.windows.values() if w.staff}
                | {x.owner for x in self.model.followups.values() if x.owner}
                | {x.staff for x in self.model.followups.values() if x.staff}
            )
            with self._dialog():
                owner = self.ask_owner(self.view, self.texts, number, staff, f.owner)
            if owner is not None:
                self.controller.assign(followup, number, owner)
        elif what == "contact":
            with self._dialog():
                contact = self.ask_contact(self.view, self.texts, number)
            if contact is not None:
                self.controller.contact(followup, number, contact.channel, contact.note)
        elif what == "resolve":
            with self._dialog():
                resolution = self.ask_resolution(self.view, self.texts, number)
            if resolution is not None:
                self.controller.resolve(followup, number, resolution.outcome, resolution.note)
