"""The kiosk on the screens halls really have: all of every screen on the glass, nothing clipped.

A kiosk fills the screen it is on. On a landscape 1920×1080 or a 1366×768 panel (and on the
portrait 1080×1920 it was drawn for), in Chinese and English, with and without large text, each
screen is walked and checked: every button lies on the window (tiles may instead be scrolled
to), and every label's text fits the label that shows it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fitcheck import check, rect_in
from kioskkit import KioskRig, take_of
from pytestqt.qtbot import QtBot

from kiosk.flow import PrinterHealth, Stage
from kiosk.widgets import TileButton

SCREENS = [(1920, 1080), (1366, 768), (1080, 1920)]


def wait_stage(rig: KioskRig, stage: Stage, timeout: int = 5000) -> None:
    rig.qtbot.waitUntil(lambda: rig.flow.stage is stage, timeout=timeout)


def walk(rig: KioskRig, category: str, service: str) -> None:
    """Every screen a citizen can meet, each checked."""
    window, flow = rig.window, rig.flow
    size = f"{window.width()}×{window.height()} {flow.language} large={flow.large_text}"
    check(rig.qtbot, rig.window, f"home {size}")
    window.home.category_buttons[category].click()
    check(rig.qtbot, rig.window, f"services {size}")
    window.category.service_buttons[service].click()
    check(rig.qtbot, rig.window, f"printing {size}")
    wait_stage(rig, Stage.DONE)
    check(rig.qtbot, rig.window, f"done {size}")
    window.done.done_button.click()
    window.home.appointment_button.click()
    check(rig.qtbot, rig.window, f"home, appointment lane {size}")
    window.home.category_buttons[category].click()
    check(rig.qtbot, rig.window, f"services, appointment lane {size}")
    window.category.service_buttons[service].click()
    for key in "20261122":
        window.appointment.keys[key].click()
    check(rig.qtbot, rig.window, f"appointment {size}")
    window.appointment.home_button.click()
    flow.choose_category(category)
    take = take_of(flow.choose_service(service))
    flow.take_failed(take.request.request_id, "offline")
    check(rig.qtbot, rig.window, f"failed {size}")
    window.failed.home_button.click()
    flow.printer_status(PrinterHealth.PAPER_OUT)
    check(rig.qtbot, rig.window, f"out of service {size}")
    flow.printer_status(PrinterHealth.OK)


@pytest.mark.parametrize("hall_server", ["rich"], indirect=True)
@pytest.mark.parametrize("screen", SCREENS)
def test_the_kiosk_fills_the_screen_it_is_on_with_every_button_reachable(
    make_kiosk: Callable[..., KioskRig], screen: tuple[int, int]
) -> None:
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
def test_long_english_names_fit_in_large_text(
    make_kiosk: Callable[..., KioskRig], screen: tuple[int, int], large_text: bool
) -> None:
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


def test_a_word_wider_than_its_tile_shrinks_the_title_just_enough(qtbot: QtBot) -> None:
    tile = TileButton("tile", "tile-title", "tile-detail", "k", lambda key: None)
    qtbot.addWidget(tile)
    tile.setStyleSheet('QLabel[role="tile-title"] { font-size: 50px; }')
    tile.set_content("Telecommunications", "电信")
    tile.resize(300, 200)
    tile.show()

    def fits() -> bool:
        advance = tile.title.fontMetrics().horizontalAdvance("Telecommunications")
        return advance <= tile.title.contentsRect().width()

    qtbot.waitUntil(fits)
    assert 12 <= tile.title.font().pixelSize() < 50
    tile.resize(1200, 200)  # room again: the stylesheet's size
    qtbot.waitUntil(lambda: tile.title.font().pixelSize() == 50)
    tile.resize(300, 200)
    qtbot.waitUntil(fits)
    tile.setStyleSheet('QLabel[role="tile-title"] { font-size: 65px; }')  # large text
    tile.resize(1200, 200)
    qtbot.waitUntil(lambda: tile.title.font().pixelSize() == 65)
