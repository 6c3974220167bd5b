"""The kiosk on the screens halls really have: all of every screen on the glass, nothing clipped.

A kiosk fills the screen it is on. On a landscape 1920×1080 or a 1366×768 panel (and on the
portrait 1080×1920 it was drawn for), in Chinese and English, with and without large text, each
screen is walked and checked: every button lies on the window (tiles may instead be scrolled
to), and every label's text fits the label that shows it.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QScrollArea, QWidget
from pytestqt.exceptions import TimeoutError as QtTimeoutError

from kiosk.flow import PrinterHealth, Stage

SCREENS = [(1920, 1080), (1366, 768), (1080, 1920)]


def wait_stage(rig, stage, timeout=5000):
    rig.qtbot.waitUntil(lambda: rig.flow.stage is stage, timeout=timeout)


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
            need = button.fontMetrics().horizontalAdvance(button.text())
            if need > button.width() - 8:
                problems.append(f"{name(button)} needs {need} px, has {button.width()}")
    return problems


def check(rig, where: str) -> None:
    window = rig.window

    def problems() -> list[str]:
        return off_the_glass(window) + clipped(window)

    try:  # the layouts settle over a few rounds of events after a change
        rig.qtbot.waitUntil(lambda: not problems(), timeout=2000)
    except QtTimeoutError:
        pass  # said below, with the problems
    assert not problems(), f"{where}: " + "\n".join(problems())
    assert window.minimumSizeHint().width() <= window.width(), where
    assert window.minimumSizeHint().height() <= window.height(), where


def walk(rig, category: str, service: str) -> None:
    """Every screen a citizen can meet, each checked."""
    window, flow = rig.window, rig.flow
    size = f"{window.width()}×{window.height()} {flow.language} large={flow.large_text}"
    check(rig, f"home {size}")
    window.home.category_buttons[category].click()
    check(rig, f"services {size}")
    window.category.service_buttons[service].click()
    check(rig, f"printing {size}")
    wait_stage(rig, Stage.DONE)
    check(rig, f"done {size}")
    window.done.done_button.click()
    window.home.appointment_button.click()
    check(rig, f"home, appointment lane {size}")
    window.home.category_buttons[category].click()
    window.category.service_buttons[service].click()
    for key in "20261122":
        window.appointment.keys[key].click()
    check(rig, f"appointment {size}")
    window.appointment.home_button.click()
    flow.choose_category(category)
    [take] = flow.choose_service(service)
    flow.take_failed(take.request.request_id, "offline")
    check(rig, f"failed {size}")
    window.failed.home_button.click()
    flow.printer_status(PrinterHealth.PAPER_OUT)
    check(rig, f"out of service {size}")
    flow.printer_status(PrinterHealth.OK)


@pytest.mark.parametrize("hall_server", ["rich"], indirect=True)
@pytest.mark.parametrize("screen", SCREENS)
def test_the_kiosk_fills_the_screen_it_is_on_with_every_button_reachable(make_kiosk, screen):
    rig = make_kiosk(screen=screen)  # the orientation is not set: it follows the screen
    rig.wait_ready()
    window = rig.window
    assert (window.width(), window.height()) == screen
    landscape = screen[0] > screen[1]
    assert window.orientation == ("landscape" if landscape else "portrait")
    for lane in (window.home.priority_button, window.home.appointment_button):
        assert lane.isVisible() and window.rect().contains(rect_in(lane, window))
    walk(rig, "社会保障", "SB")


@pytest.mark.parametrize("hall_server", ["demo"], indirect=True)
@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("large_text", [False, True])
def test_long_english_names_fit_in_large_text(make_kiosk, screen, large_text):
    rig = make_kiosk(screen=screen, lang="en")
    rig.wait_ready()
    if large_text:
        rig.window.topbar.large_text_button.click()
    assert rig.window.topbar.hall.text() == "X County Government Service Center (demo)"
    tile = rig.window.home.category_buttons["公安服务"]
    tile.click()
    assert rig.window.category.service_buttons["JJ"].title.text() == "Traffic Violation Handling"
    rig.window.category.home_button.click()
    walk(rig, "公安服务", "JJ")
