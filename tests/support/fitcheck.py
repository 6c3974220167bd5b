"""Checks that a kiosk screen is all on the glass: no button off the window, no text cut off."""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QScrollArea, QWidget
from pytestqt.exceptions import TimeoutError as QtTimeoutError


def scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    return (
        f"{type(widget).__name__}({widget.property('role')!r}, {text or widget.accessibleName()!r})"
    )


def off_the_glass(window: QWidget) -> list[str]:
    """Visible buttons that are not wholly on the window, or cut by a parent."""
    problems = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisible():
            continue
        area = scroll_area_of(button)
        top = area.viewport() if area is not None else window
        if area is not None:  # reachable by scrolling, if the area itself is on the glass
            if not window.rect().contains(rect_in(area, window)):
                problems.append(f"{name(button)}: its scroll area is off the window")
            elif area.viewport().height() < min(button.height(), 100):
                problems.append(f"{name(button)}: its scroll area has no room")
            continue
        parent = button.parentWidget()
        while parent is not None and parent is not top.parentWidget():
            if not parent.rect().contains(rect_in(button, parent)):
                problems.append(
                    f"{name(button)} at {rect_in(button, window)} is cut by {name(parent)}"
                )
                break
            parent = parent.parentWidget()
    return problems


def clipped(window: QWidget) -> list[str]:
    """Visible labels whose text does not fit them (cut off at the side or the bottom)."""
    problems = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        box = label.contentsRect()
        flags = int(label.alignment())
        if label.wordWrap():
            flags |= int(Qt.TextFlag.TextWordWrap)
        need = label.fontMetrics().boundingRect(
            QRect(0, 0, box.width(), 100_000), flags, label.text()
        )
        if need.width() > box.width() + 1 or need.height() > box.height() + 1:
            problems.append(
                f"{name(label)} needs {need.width()}×{need.height()}, has {box.width()}×{box.height()}"
            )
    for button in window.findChildren(QAbstractButton):
        if button.isVisible() and button.text():
            advance = button.fontMetrics().horizontalAdvance(button.text())
            if advance > button.width() - 8:
                problems.append(f"{name(button)} needs {advance} px, has {button.width()}")
    return problems


def check(qtbot: Any, window: QWidget, where: str) -> None:
    """Wait for the layouts to settle, then fail with every problem of `window`'s screen."""

    def problems() -> list[str]:
        return off_the_glass(window) + clipped(window)

    # The layouts settle over a few rounds of events after a change; if they do not, the
    # problems are said below.
    with contextlib.suppress(QtTimeoutError):
        qtbot.waitUntil(lambda: not problems(), timeout=2000)
    assert not problems(), f"{where}: " + "\n".join(problems())
    assert window.minimumSizeHint().width() <= window.width(), where
    assert window.minimumSizeHint().height() <= window.height(), where
