"""Small widgets the wall is built from: labels with a tone, panels with a scrolling body."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def set_prop(widget: QWidget, name: str, value: object) -> None:
    """Set a property the style sheet selects on; re-polish only when it changed."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


FITTED = frozenset({"cell", "tileName", "tileValue", "panelNote"})


class FitLabel(QLabel):
    """A one-line label that, given less room than its text wants, draws the text smaller
    instead of being cut off or pushing its panel wider than the screen."""

    SHRINK = 0.55  # at most this much smaller

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(round(hint.width() * self.SHRINK), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        room = self.contentsRect()
        font = self.font()
        wide = QFontMetricsF(font).horizontalAdvance(self.text())
        if wide <= room.width() or not self.text():
            super().paintEvent(event)
            return
        size = font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF()
        shrunk = max(self.SHRINK, room.width() / wide) * size
        if font.pixelSize() > 0:
            font.setPixelSize(max(1, int(shrunk)))
        else:
            font.setPointSizeF(shrunk)
        painter = QPainter(self)
        painter.setFont(font)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(room, int(self.alignment()), self.text())
        painter.end()


def label(text: str = "", name: str = "cell", tone: str | None = None) -> QLabel:
    widget: QLabel = FitLabel(text) if name in FITTED else QLabel(text)
    widget.setObjectName(name)
    if tone is not None:
        widget.setProperty("tone", tone)
    return widget


def button(text: str, name: str = "rowButton") -> QPushButton:
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return widget


def clear(layout: QLayout) -> None:
    """Remove and delete everything in `layout` (rows are rebuilt on each refresh)."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        else:
            inner = item.layout()
            if inner is not None:
                clear(inner)
                inner.deleteLater()


class Panel(QFrame):
    """A navy rounded panel: a title, a note at its right, and a body that scrolls when the
    screen is too small for it (nothing is clipped or drawn over); a chart's (`scroll` False)
    fills the panel instead."""

    def __init__(self, grid: bool = True, scroll: bool = True) -> None:
        super().__init__()
        self.setObjectName("panel")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.outer = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = label("", "panelTitle")
        self.note = label("", "panelNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.note)
        self.outer.addLayout(head)
        inner = QWidget()
        self.body: QGridLayout | QVBoxLayout = QGridLayout(inner) if grid else QVBoxLayout(inner)
        self.body.setContentsMargins(0, 0, 0, 0)
        if not scroll:
            self.outer.addWidget(inner, 1)
            return
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(inner)
        self.outer.addWidget(self.scroller, 1)

    def need(self) -> int:
        """The height the panel wants to show everything at its present width."""
        inner = self.scroller.widget() if hasattr(self, "scroller") else None
        if inner is None:
            return self.sizeHint().height()
        # Rows just added show on the next turn of the loop; a layout counts only shown ones.
        for i in range(self.body.count()):
            item = self.body.itemAt(i)
            row = item.widget() if item is not None else None
            if row is not None and not row.testAttribute(
                Qt.WidgetAttribute.WA_WState_ExplicitShowHide
            ):
                row.show()
        width = self.scroller.viewport().width()
        if inner.hasHeightForWidth() and width > 0:
            body = inner.heightForWidth(width)
        else:
            body = inner.minimumSizeHint().height()  # rows may close up to their least
        margins = self.outer.contentsMargins()
        head = max(self.title.sizeHint().height(), self.note.sizeHint().height())
        return body + head + self.outer.spacing() + margins.top() + margins.bottom()

    def set_scale(self, s: float) -> None:
        m = round(16 * s)
        self.outer.setContentsMargins(m, round(10 * s), m, round(10 * s))
        self.outer.setSpacing(round(6 * s))
        if isinstance(self.body, QGridLayout):
            self.body.setHorizontalSpacing(round(12 * s))
            self.body.setVerticalSpacing(round(2 * s))
        else:
            self.body.setSpacing(round(6 * s))
