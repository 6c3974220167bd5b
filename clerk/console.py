"""The clerk's main window: a header, the offline banner, the login page and the console.

It only observes the model (`refresh`, `tick`) and reports what the clerk asks for through
signals; the app decides what to send.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clerk.bundles import bundle_lines
from clerk.commands import COMMANDS, COMPACT_KEY, action_for, label_key
from clerk.model import Action, ClerkModel, LinkState, WindowMode, call_reason
from clerk.texts import Texts
from clerk.widgets import ActionButton, Card, label, set_style_property


def format_duration(seconds: int | None) -> str:
    """mm:ss, or h:mm:ss from an hour on; "--:--" when unknown."""
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(max(0, seconds), 60)
    if minutes < 60:
        return f"{minutes:02d}:{secs:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def banner_state(model: ClerkModel) -> str | None:
    """Which banner shows: "offline", "connecting", "restoring" or none."""
    if model.link is LinkState.OFFLINE:
        return "offline"
    if model.link is LinkState.UNKNOWN:
        return "connecting"
    if model.link is LinkState.ONLINE and model.logged_in:
        return "restoring"
    return None


class MainWindow(QWidget):
    """Signals: `login_requested(staff, pin)`, `command(id)`, `compact_requested()`."""

    login_requested = Signal(str, str)
    command = Signal(str)
    compact_requested = Signal()
    booking_requested = Signal()

    def __init__(
        self,
        model: ClerkModel,
        texts: Texts,
        clock: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model, self.texts, self.clock = model, texts, clock
        self.setObjectName("page")
        self.setMinimumSize(960, 640)
        self.resize(1040, 700)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._header())
        self.banner = label("", "banner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.banner)
        self.pages = QStackedWidget()
        self.login_page = self._login_page()
        self.console = self._console()
        self.pages.addWidget(self.login_page)
        self.pages.addWidget(self.console)
        root.addWidget(self.pages, 1)
        root.addWidget(self._status_bar())
        self.refresh()

    # -- building ----------------------------------------------------------------------------

    def _header(self) -> QWidget:
        header = QFrame()
        header.setObjectName("header")
        header.setFixedHeight(76)
        row = QHBoxLayout(header)
        row.setContentsMargins(24, 8, 20, 8)
        names = QVBoxLayout()
        names.setSpacing(0)
        self.hall_name = label("", "hallName")
        self.window_name = label("", "windowName")
        names.addWidget(self.hall_name)
        names.addWidget(self.window_name)
        row.addLayout(names)
        row.addSpacing(18)
        self.mode_pill = label("", "modePill")
        row.addWidget(self.mode_pill, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        self.staff_line = label("", "staffLine")
        row.addWidget(self.staff_line)
        row.addSpacing(14)
        self.compact_button = QPushButton()
        self.compact_button.setObjectName("headerButton")
        self.compact_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.compact_button.clicked.connect(self.compact_requested.emit)
        row.addWidget(self.compact_button)
        self.booking_button = QPushButton()  # 电话预约 for a caller on the phone
        self.booking_button.setObjectName("headerButton")
        self.booking_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.booking_button.clicked.connect(self.booking_requested.emit)
        row.addWidget(self.booking_button)
        self.logout_button = QPushButton()
        self.logout_button.setObjectName("headerButton")
        self.logout_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.logout_button.clicked.connect(lambda: self.command.emit(Action.LOGOUT.value))
        row.addWidget(self.logout_button)
        return header

    def _login_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("loginPage")
        outer = QVBoxLayout(page)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("loginCard")
        card.setFixedWidth(460)
        form = QVBoxLayout(card)
        form.setContentsMargins(40, 34, 40, 34)
        form.setSpacing(8)
        self.login_title = label("", "loginTitle")
        self.login_subtitle = label("", "loginSubtitle")
        self.login_subtitle.setWordWrap(True)
        form.addWidget(self.login_title)
        form.addWidget(self.login_subtitle)
        form.addSpacing(14)
        self.staff_label = label("", "fieldLabel")
        self.staff_edit = QLineEdit()
        self.staff_edit.setMaxLength(40)
        self.pin_label = label("", "fieldLabel")
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(40)
        for widget in (self.staff_label, self.staff_edit, self.pin_label, self.pin_edit):
            form.addWidget(widget)
        self.staff_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self._submit_login)
        self.login_error = label("", "loginError")
        self.login_error.setWordWrap(True)
        form.addSpacing(4)
        form.addWidget(self.login_error)
        form.addSpacing(6)
        self.login_button = QPushButton()
        self.login_button.setObjectName("primaryButton")
        self.login_button.clicked.connect(self._submit_login)
        form.addWidget(self.login_button)
        self.login_hint = label("", "reason")
        self.login_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        form.addWidget(self.login_hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        return page

    def _console(self) -> QWidget:
        page = QWidget()
        page.setObjectName("console")
        grid = QGridLayout(page)
        grid.setContentsMargins(20, 18, 20, 14)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(14)

        current = Card()
        self.current_title = current.title
        self.number = label("", "bigNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        current.body.addWidget(self.number, 1)
        service_row = QHBoxLayout()
        service_row.addStretch(1)
        self.service_line = label("", "serviceLine")
        self.class_tag = label("", "classTag")
        self.class_tag.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        service_row.addWidget(self.service_line)
        service_row.addSpacing(8)
        service_row.addWidget(self.class_tag, 0, Qt.AlignmentFlag.AlignVCenter)
        service_row.addStretch(1)
        current.body.addLayout(service_row)
        self.steps = label("", "reason")  # 一件事: the steps; 帮办代办: the agent
        self.steps.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.steps.setWordWrap(True)
        current.body.addWidget(self.steps)
        timer_row = QHBoxLayout()
        timer_row.addStretch(1)
        self.timer_title = label("", "timerTitle")
        self.timer = label("", "timer")
        timer_row.addWidget(self.timer_title, 0, Qt.AlignmentFlag.AlignBaseline)
        timer_row.addSpacing(10)
        timer_row.addWidget(self.timer, 0, Qt.AlignmentFlag.AlignBaseline)
        timer_row.addStretch(1)
        current.body.addLayout(timer_row)
        self.reason = label("", "reason")
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = label("", "hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        current.body.addWidget(self.reason)
        current.body.addWidget(self.hint)
        grid.addWidget(current, 0, 0, 3, 1)

        waiting = Card()
        self.waiting_title = waiting.title
        count_row = QHBoxLayout()
        self.waiting_count = label("", "waitingCount")
        self.waiting_unit = label("", "waitingUnit")
        count_row.addWidget(self.waiting_count, 0, Qt.AlignmentFlag.AlignBaseline)
        count_row.addWidget(self.waiting_unit, 0, Qt.AlignmentFlag.AlignBaseline)
        count_row.addStretch(1)
        waiting.body.addLayout(count_row)
        self.breakdown = label("", "breakdown")
        self.breakdown.setWordWrap(True)
        waiting.body.addWidget(self.breakdown)
        grid.addWidget(waiting, 0, 1)

        self.rating_card = Card()
        self.rating_title = self.rating_card.title
        rating_row = QHBoxLayout()
        self.rating = label("", "rating")
        self.bad_tag = label("", "badTag")
        self.bad_tag.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        rating_row.addWidget(self.rating)
        rating_row.addSpacing(8)
        rating_row.addWidget(self.bad_tag, 0, Qt.AlignmentFlag.AlignVCenter)
        rating_row.addStretch(1)
        self.rating_card.body.addLayout(rating_row)
        self.invited = label("", "reason")
        self.rating_card.body.addWidget(self.invited)
        grid.addWidget(self.rating_card, 1, 1)

        parked = Card()
        self.parked_title = parked.title
        self.parked = label("", "parked")
        self.parked.setWordWrap(True)
        parked.body.addWidget(self.parked)
        parked.body.addStretch(1)
        grid.addWidget(parked, 2, 1)

        buttons = QGridLayout()
        buttons.setHorizontalSpacing(10)
        buttons.setVerticalSpacing(10)
        self.buttons: dict[str, ActionButton] = {}
        for i, command in enumerate(COMMANDS):
            button = ActionButton(command.key, command.role)
            button.clicked.connect(lambda _checked=False, c=command.id: self.command.emit(c))
            buttons.addWidget(button, i // 5, i % 5)
            self.buttons[command.id] = button
        grid.addLayout(buttons, 3, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 1)
        return page

    def _status_bar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("statusBar")
        bar.setFixedHeight(36)
        row = QHBoxLayout(bar)
        row.setContentsMargins(20, 0, 20, 0)
        self.notice = label("", "notice")
        self.clock_label = label("", "clock")
        row.addWidget(self.notice, 1)
        row.addWidget(self.clock_label)
        return bar

    # -- what the clerk does -----------------------------------------------------------------

    def _submit_login(self) -> None:
        self.login_error.setText("")
        self.login_requested.emit(self.staff_edit.text(), self.pin_edit.text())

    def show_login_error(self, text: str) -> None:
        self.login_error.setText(text)
        self.pin_edit.clear()
        self.pin_edit.setFocus()

    def show_notice(self, level: str, text: str) -> None:
        self.notice.setText(text)
        set_style_property(self.notice, "level", level)

    # -- rendering ---------------------------------------------------------------------------

    def refresh(self) -> None:
        m, t = self.model, self.texts
        window_name = t.window(m.window, m.window_name)
        self.setWindowTitle(t("app_title", window=window_name))
        self.hall_name.setText(t.pick(m.hall_zh, m.hall_en) or t("hall_unknown"))
        self.window_name.setText(window_name)
        self._render_mode()
        self.staff_line.setVisible(m.logged_in)
        if m.logged_in:
            self.staff_line.setText(t("staff_line", name=m.staff_name or m.staff, staff=m.staff))
        self.compact_button.setText(t("compact") + "  " + COMPACT_KEY)
        self.compact_button.setVisible(m.logged_in)
        self.logout_button.setText(t("logout"))
        self.booking_button.setText(t("booking_open"))
        self.booking_button.setVisible(m.logged_in)
        self.logout_button.setVisible(m.logged_in)
        self.logout_button.setEnabled(m.enabled(Action.LOGOUT))
        self._render_banner()
        self._show_page(self.console if m.logged_in else self.login_page)
        self._render_login()
        self._render_console()
        self.tick()

    def _show_page(self, page: QWidget) -> None:
        """Switch pages; the PIN typed on the login page never outlives the switch."""
        if page is self.pages.currentWidget():
            return
        self.pin_edit.clear()
        self.pages.setCurrentWidget(page)
        if page is self.login_page:
            self.login_error.setText("")  # a later error (a refused re-login) sets its own
            self.staff_edit.selectAll()  # the next clerk types over the last one's staff id
            self.staff_edit.setFocus()

    def _render_mode(self) -> None:
        mode = self.model.mode if self.model.logged_in else WindowMode.CLOSED
        reason = self.model.pause_reason
        if mode is WindowMode.PAUSED and reason:
            self.mode_pill.setText(
                self.texts("paused_because", reason=self.texts.pause_reason(reason))
            )
        else:
            self.mode_pill.setText(self.texts(f"mode_{mode.value}"))
        set_style_property(self.mode_pill, "mode", mode.value)
        self.mode_pill.setVisible(self.model.logged_in)

    def _render_banner(self) -> None:
        state = banner_state(self.model)
        self.banner.setVisible(state is not None)
        if state is not None:
            self.banner.setText(self.texts(state))
            set_style_property(
                self.banner, "level", "offline" if state == "offline" else "connecting"
            )

    def _render_login(self) -> None:
        m, t = self.model, self.texts
        window_name = t.window(m.window, m.window_name)
        self.login_title.setText(t("login_title"))
        hall = t.pick(m.hall_zh, m.hall_en) or t("hall_unknown")
        self.login_subtitle.setText(f"{hall} · {window_name}")
        self.staff_label.setText(t("staff_id"))
        self.pin_label.setText(t("pin"))
        self.login_button.setText(t("logging_in") if m.busy else t("login"))
        self.login_button.setEnabled(m.link is LinkState.ONLINE and not m.busy)
        self.login_hint.setText(t("login_hint"))

    def _render_console(self) -> None:
        m, t = self.model, self.texts
        self.current_title.setText(t("current"))
        mode, current = m.mode, m.current
        if current is not None:
            self.number.setText(current.number)
            set_style_property(self.number, "empty", "false")
            self.service_line.setText(m.service_name(current.service, t.lang))
            lane = current.ticket_class.value
            self.class_tag.setVisible(lane in ("priority", "appointment"))
            self.class_tag.setText(t.ticket_class(lane))
            set_style_property(self.class_tag, "lane", lane)
            self.reason.setText(t.pick(*call_reason(current)))
            self.hint.setText("")
            self.steps.setText(bundle_lines(current, m.services, t))
        else:
            paused = mode is WindowMode.PAUSED
            self.number.setText(t("mode_paused") if paused else t("no_current"))
            set_style_property(self.number, "empty", "paused" if paused else "true")
            self.service_line.setText("")
            self.steps.setText("")
            self.class_tag.setVisible(False)
            self.reason.setText("")
            if m.link is not LinkState.SIGNED_IN:
                self.hint.setText(t("offline_hint"))
            elif paused and m.pause_reason:
                reason = t.pause_reason(m.pause_reason)
                self.hint.setText(t("paused_reason_hint", reason=reason))
            else:
                self.hint.setText(t("paused_hint") if paused else t("idle_hint"))
        serving = current is not None
        for widget in (self.service_line, self.timer_title, self.timer, self.reason):
            widget.setVisible(serving)
        self.steps.setVisible(serving and bool(self.steps.text()))
        self.hint.setVisible(not serving)
        self.timer_title.setText(t("served_for"))

        self.waiting_title.setText(t("waiting"))
        self.waiting_count.setText(str(m.waiting_here))
        self.waiting_unit.setText(t("waiting_unit"))
        parts = [
            t("waiting_by_service", name=m.service_name(code, t.lang), count=count)
            for code, count in m.waiting_by_service()
        ]
        self.breakdown.setText("  ·  ".join(parts) if parts else t("nobody_waiting"))

        self.rating_title.setText(t("last_rating"))
        rating = m.last_rating
        if rating is None:
            self.rating.setText(t("no_rating"))
        else:
            self.rating.setText(
                t("rating_line", number=rating.number, level=t.rating(rating.score))
            )
        bad = rating is not None and rating.bad
        set_style_property(self.rating, "none", "true" if rating is None else "false")
        set_style_property(self.rating, "bad", "true" if bad else "false")
        set_style_property(self.rating_card, "bad", "true" if bad else "false")
        self.bad_tag.setText(t("bad_rating"))
        self.bad_tag.setVisible(bad)
        target = m.rate_target
        self.invited.setVisible(m.invited)
        if m.invited and target is not None:
            self.invited.setText(t("invited", number=target.number))

        self.parked_title.setText(t("parked"))
        self.parked.setText("   ".join(m.parked) if m.parked else t("no_parked"))
        set_style_property(self.parked, "none", "false" if m.parked else "true")

        for command_id, button in self.buttons.items():
            button.set_name(t(label_key(command_id, m)))
            paused_resume = command_id == "pause_resume" and mode is WindowMode.PAUSED
            set_style_property(button, "role", "primary" if paused_resume else button.base_role)
            button.setEnabled(m.enabled(action_for(command_id, m)))

    def tick(self) -> None:
        """On every tick of the app's timer: the serving counter and the clock."""
        now = self.clock()
        self.timer.setText(format_duration(self.model.served_seconds(now)))
        self.clock_label.setText(self.model.hall_clock(now))
