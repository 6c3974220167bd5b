"""Small building blocks of the kiosk screens: labels by role, big tile buttons, the top bar."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from contract.records import HallInfo

from .texts import text

log = logging.getLogger(__name__)


def styled(widget: QWidget, role: str) -> QWidget:
    """Give `widget` a stylesheet role (and let a plain QWidget paint its background)."""
    widget.setProperty("role", role)
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    return widget


def label(
    role: str,
    content: str = "",
    *,
    wrap: bool = True,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
) -> QLabel:
    widget = QLabel(content)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setAlignment(align)
    return widget


def button(role: str, content: str, on_click: Callable[[], object]) -> QPushButton:
    widget = QPushButton(content)
    widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    widget.clicked.connect(lambda: on_click())
    return widget


def repolish(widget: QWidget) -> None:
    """Apply the stylesheet again after a role or state property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class TileButton(QPushButton):
    """A large touch target with a title, a detail line and a badge (waiting or why closed).

    `accessibleName()` holds all three, for tests and accessibility; the labels paint them. A
    tile is at least its minimum height and grows to show long (English, large) text whole:
    its labels wrap, and its layout gives the height for the width it gets.
    """

    def __init__(
        self,
        role: str,
        title_role: str,
        detail_role: str,
        key: str,
        on_click: Callable[[str], object],
    ) -> None:
        super().__init__()
        self.key = key
        self.setProperty("role", role)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.title = label(title_role)
        self.detail = label(detail_role)
        self.badge = label("tile-badge" if role == "tile" else detail_role)
        self.box = box = QVBoxLayout(self)
        box.setContentsMargins(28, 14, 20, 14)
        box.setSpacing(4)
        box.addStretch(1)
        for part in (self.title, self.detail, self.badge):
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            box.addWidget(part)
        box.addStretch(1)
        # A title's longest word decides its font when it is wider than the tile (see _fit_title);
        # the label never asks for more width than the tile has.
        ignored = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        ignored.setHeightForWidth(True)
        self.title.setSizePolicy(ignored)
        self._base_px = 0  # the stylesheet's title size while the title is shrunk, else 0
        self.clicked.connect(lambda: on_click(self.key))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_title()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() is QEvent.Type.StyleChange and self._base_px:
            self._base_px = 0  # a new stylesheet (large text): measure from its size again
            self.title.setStyleSheet("")
            self._fit_title()

    def _fit_title(self) -> None:
        """Shrink the title's font just enough that its widest word fits across the tile: a
        long English word in large text must not be cut off at the tile's edge."""
        margins = self.box.contentsMargins()
        room = self.width() - margins.left() - margins.right() - 4
        words = self.title.text().split()
        if room <= 0 or not words:
            return
        font = QFont(self.title.font())
        base = self._base_px or font.pixelSize()
        if base <= 0:
            return
        font.setPixelSize(base)
        widest = max(QFontMetrics(font).horizontalAdvance(word) for word in words)
        fitted = base if widest <= room else max(12, base * room // widest)
        if fitted == self.title.font().pixelSize():
            return
        if fitted == base:
            self._base_px = 0
            self.title.setStyleSheet("")
        else:
            self._base_px = base
            self.title.setStyleSheet(f"font-size: {fitted}px;")

    def set_content(
        self, title: str, detail: str = "", badge: str = "", closed: bool = False
    ) -> None:
        """`closed`: the badge says why the tile cannot be tapped (shown in red)."""
        if self.badge.property("closed") != closed:
            self.badge.setProperty("closed", closed)
            repolish(self.badge)
        if title != self.title.text():
            self.title.setText(title)
            self._fit_title()
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.badge.setText(badge)
        self.badge.setVisible(bool(badge))
        # QPushButton paints its own text too: keep it in a property, not in text().
        self.setAccessibleName(" ".join(p for p in (title, detail, badge) if p))

    def text_lines(self) -> list[str]:
        return [
            p.text() for p in (self.title, self.detail, self.badge) if p.isVisible() or p.text()
        ]

    def full_text(self) -> str:
        return self.accessibleName()


class TileGrid(QWidget):
    """Tiles in `columns` columns, rebuilt only when the set of keys or the columns change."""

    def __init__(self) -> None:
        super().__init__()
        styled(self, "page")
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self._box.addWidget(self.body)
        self.tiles: dict[str, TileButton] = {}
        self._shape: tuple[tuple[str, ...], int, int] = ((), 0, 0)

    def ensure(
        self, keys: list[str], columns: int, height: int, make: Callable[[str], TileButton]
    ) -> dict[str, TileButton]:
        shape = (tuple(keys), columns, height)
        if shape == self._shape:
            return self.tiles
        old, self.body = self.body, QWidget()  # a fresh grid: no stale rows or stretches
        styled(self.body, "page")
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(24)
        self.tiles = {}
        for i, key in enumerate(keys):
            tile = make(key)
            tile.setMinimumHeight(height)
            self.grid.addWidget(tile, i // columns, i % columns)
            self.tiles[key] = tile
        for c in range(columns):
            self.grid.setColumnStretch(c, 1)
        self._box.replaceWidget(old, self.body)
        self.body.show()  # a child added to a shown page stays hidden until told otherwise
        old.hide()
        old.deleteLater()
        self._shape = shape
        return self.tiles


def hall_zone(hall: HallInfo, fallback: ZoneInfo) -> ZoneInfo:
    """The hall's time zone as the server's welcome gives it, else `fallback`."""
    name = hall.timezone
    if name:
        try:
            return ZoneInfo(name)
        except (ValueError, ZoneInfoNotFoundError):
            log.warning("unknown hall time zone %r; keeping %s", name, fallback)
    return fallback


class TopBar(QWidget):
    """Hall name, clock, the language switch and the large-text switch."""

    def __init__(
        self, on_language: Callable[[], object], on_large_text: Callable[[], object], tz: ZoneInfo
    ) -> None:
        super().__init__()
        styled(self, "topbar")
        self.tz = tz
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        self.hall = label("hall", align=left)
        self.clock = label("clock", align=left)
        for name in (self.hall, self.clock):  # a long hall name wraps, never widens the bar
            policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            policy.setHeightForWidth(True)
            name.setSizePolicy(policy)
        self.language_button = button("toggle", "", on_language)
        self.large_text_button = button("toggle", "", on_large_text)
        self.large_text_button.setCheckable(True)
        names = QVBoxLayout()
        names.setSpacing(2)
        names.addWidget(self.hall)
        names.addWidget(self.clock)
        row = QHBoxLayout(self)
        row.setContentsMargins(36, 16, 36, 16)
        row.setSpacing(20)
        row.addLayout(names, 1)
        row.addWidget(self.large_text_button)
        row.addWidget(self.language_button)
        self._lang = "zh"
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)

    def refresh(self, hall: HallInfo, lang: str, large_text: bool) -> None:
        self.tz = hall_zone(hall, self.tz)
        self._lang = lang
        name = hall.name_en if lang == "en" else hall.name_zh
        self.hall.setText(name or hall.name_zh or text("app_title", lang))
        self.language_button.setText(text("switch_language", lang))
        self.large_text_button.setChecked(large_text)
        self.large_text_button.setText(text("large_text_on" if large_text else "large_text", lang))
        self.tick()

    def tick(self) -> None:
        now = dt.datetime.now(self.tz)
        weekday = text("weekdays", self._lang).split(",")[now.weekday()]
        self.clock.setText(
            text(
                "clock",
                self._lang,
                year=now.year,
                month=now.month,
                day=now.day,
                weekday=weekday,
                time=now.strftime("%H:%M"),
            )
        )
