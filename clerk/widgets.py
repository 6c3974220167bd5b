"""Small widgets the clerk's windows are built from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget


def set_style_property(widget: QWidget, name: str, value: object) -> None:
    """Set a property the style sheet selects on, and re-polish only when it changed."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    for child in widget.findChildren(QWidget):
        style.unpolish(child)
        style.polish(child)


def label(text: str = "", name: str = "", parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    if name:
        widget.setObjectName(name)
    return widget


class ActionButton(QPushButton):
    """A big button with the action's name and its shortcut key under it."""

    def __init__(
        self, key: str, role: str = "normal", small: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.base_role = role
        self.setProperty("role", role)
        self.setProperty("size", "small" if small else "normal")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the shortcuts
        self.name = label("", "actionName")
        self.key = label(key, "actionKey")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6 if small else 10, 6, 6 if small else 8)
        layout.setSpacing(0 if small else 2)
        for part in (self.name, self.key):
            part.setAlignment(Qt.AlignmentFlag.AlignCenter)
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(part)
        self.setMinimumSize(76 if small else 150, 50 if small else 70)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_name(self, text: str) -> None:
        self.name.setText(text)
        self.setAccessibleName(text)
        self.setText("")  # the labels draw the text

    def label_text(self) -> str:
        return self.name.text()


class Card(QFrame):
    """A white rounded panel with a small grey title."""

    def __init__(self, title: str = "", name: str = "card", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(22, 16, 22, 18)
        self.body.setSpacing(6)
        self.title = label(title, "cardTitle")
        self.body.addWidget(self.title)
