"""The compact mode: a small frameless strip, always on top, at the edge of the clerk's screen.

It shows the current number, how long it has been served and how many wait, with the main
buttons; the clerk works in the business system and calls from the strip. It can be dragged.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from clerk.commands import COMMANDS, action_for, label_key
from clerk.console import format_duration
from clerk.model import ClerkModel, LinkState, WindowMode
from clerk.texts import Texts
from clerk.widgets import ActionButton, label, set_style_property

EDGE_MARGIN = 12  # pixels between the strip and the screen's edge


class CompactBar(QWidget):
    """Signals: `command(id)`, `expand_requested()`."""

    command = Signal(str)
    expand_requested = Signal()

    def __init__(
        self, model: ClerkModel, texts: Texts, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(
            None,
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint,
        )
        self.model, self.texts, self.clock = model, texts, clock
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self._drag_from: QPoint | None = None
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.frame = QFrame()
        self.frame.setObjectName("compact")
        outer.addWidget(self.frame)
        row = QHBoxLayout(self.frame)
        row.setContentsMargins(16, 8, 10, 8)
        row.setSpacing(8)

        number_box = QVBoxLayout()
        number_box.setSpacing(0)
        self.window_name = label("", "compactWindow")
        self.number = label("", "compactNumber")
        self.number.setMinimumWidth(110)
        number_box.addWidget(self.window_name)
        number_box.addWidget(self.number)
        row.addLayout(number_box)

        info = QVBoxLayout()
        info.setSpacing(2)
        self.service = label("", "compactInfo")
        self.service.setWordWrap(True)  # a long service name or pause reason takes two lines
        self.timer = label("", "compactInfo")
        self.waiting = label("", "compactInfo")
        self.offline = label("", "compactOffline")
        for widget in (self.service, self.timer, self.waiting, self.offline):
            info.addWidget(widget)
        info_box = QWidget()
        info_box.setLayout(info)
        info_box.setFixedWidth(128)
        row.addWidget(info_box)

        self.buttons: dict[str, ActionButton] = {}
        for command in COMMANDS:
            if not command.compact:
                continue
            button = ActionButton(command.key, command.role, small=True)
            button.setFixedWidth(82)
            button.clicked.connect(lambda _checked=False, c=command.id: self.command.emit(c))
            row.addWidget(button)
            self.buttons[command.id] = button

        self.expand = QPushButton()
        self.expand.setObjectName("expandButton")
        self.expand.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.expand.clicked.connect(self.expand_requested.emit)
        row.addWidget(self.expand)
        self.refresh()

    # -- placing -----------------------------------------------------------------------------

    def place(self) -> None:
        """Sit at the top right edge of the screen's free area."""
        self.adjustSize()
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        x = max(free.left(), free.right() - self.width() - EDGE_MARGIN)
        self.move(x, free.top() + EDGE_MARGIN)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.globalPosition().toPoint() - self.frameGeometry().topLeft()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self.move(event.globalPosition().toPoint() - self._drag_from)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None
        super().mouseReleaseEvent(event)

    # -- rendering ---------------------------------------------------------------------------

    def refresh(self) -> None:
        m, t = self.model, self.texts
        self.setWindowTitle(t.window(m.window, m.window_name))
        self.window_name.setText(t.window(m.window, m.window_name))
        offline = m.link in (LinkState.OFFLINE, LinkState.UNKNOWN)
        set_style_property(self.frame, "offline", "true" if offline else "false")
        self.offline.setVisible(offline)
        self.offline.setText(t("offline_short"))
        current = m.current
        if current is not None:
            self.number.setText(current.number)
            self.service.setText(m.service_name(current.service, t.lang))
        else:
            paused = m.mode is WindowMode.PAUSED
            self.number.setText("——")
            if paused and m.pause_reason:
                reason = t.pause_reason(m.pause_reason)
                self.service.setText(t("compact_paused_because", reason=reason))
            else:
                self.service.setText(t("mode_paused") if paused else t("mode_idle"))
        set_style_property(self.number, "empty", "false" if current else "true")
        self.timer.setVisible(current is not None and not offline)
        self.waiting.setVisible(not offline)
        self.waiting.setText(t("compact_waiting", count=m.waiting_here))
        for command_id, button in self.buttons.items():
            button.set_name(t.short(label_key(command_id, m)))
            paused_resume = command_id == "pause_resume" and m.mode is WindowMode.PAUSED
            set_style_property(button, "role", "primary" if paused_resume else button.base_role)
            button.setEnabled(m.enabled(action_for(command_id, m)))
        self.expand.setText(t("expand"))
        self.tick()

    def tick(self) -> None:
        seconds = self.model.served_seconds(self.clock())
        self.timer.setText(f"{self.texts('served_for')} {format_duration(seconds)}")
