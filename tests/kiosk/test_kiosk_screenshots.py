"""Screenshots of the kiosk's screens, portrait and landscape, Chinese and English.

Saved under artifacts/screenshots/kiosk/ (git-ignored) to be looked at; the test also checks
that every screen fits the kiosk's screen size, so nothing is pushed off the glass.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fitcheck import check
from kioskkit import HallThread, KioskRig, take_of
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from kiosk.flow import Stage
from kiosk.window import SIZES

OUT = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "kiosk"


@pytest.mark.parametrize("hall_server", ["rich"], indirect=True)
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshots(
    make_kiosk: Callable[..., KioskRig], hall_server: HallThread, orientation: str, lang: str
) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rig = make_kiosk(orientation=orientation, lang=lang)
    rig.wait_ready()
    window, qtbot = rig.window, rig.qtbot
    for n in range(4):
        hall_server.take("kiosk-2", "SB", f"k2-{n}")
    hall_server.take("kiosk-2", "HJ", "k2-hj")
    qtbot.waitUntil(lambda: rig.flow.waiting_in("社会保障") == 4, timeout=3000)
    size = QSize(*SIZES[orientation])
    saved: list[str] = []

    def shot(name: str) -> None:
        qtbot.waitUntil(lambda: window.size() == size, timeout=1000)
        check(qtbot, window, name)  # settled, all on the glass, nothing cut off
        path = OUT / f"{orientation}-{lang}-{name}.png"
        assert window.grab().save(str(path))
        saved.append(path.name)

    shot("home")
    window.home.category_buttons["社会保障"].click()
    shot("services")
    window.category.service_buttons["SB"].click()
    shot("printing")  # the request is in flight: the screen changed at the tap
    qtbot.waitUntil(lambda: rig.flow.stage is Stage.DONE, timeout=5000)
    shot("done")
    window.done.done_button.click()

    window.home.appointment_button.click()
    window.home.category_buttons["社会保障"].click()
    window.category.service_buttons["SB"].click()
    for key in "20261122":
        window.appointment.keys[key].click()
    shot("appointment")
    window.appointment.home_button.click()

    window.topbar.large_text_button.click()
    shot("home-large")
    window.home.category_buttons["社会保障"].click()
    shot("services-large")
    window.topbar.large_text_button.click()
    window.category.home_button.click()

    flow = rig.flow
    flow.choose_category("社会保障")
    take = take_of(flow.choose_service("SB"))
    flow.take_failed(take.request.request_id, "offline")
    shot("failed")
    window.failed.home_button.click()

    rig.printer.mode = "paper_out"
    window.home.category_buttons["社会保障"].click()
    window.category.service_buttons["SB"].click()
    qtbot.waitUntil(lambda: flow.stage is Stage.OUT_OF_SERVICE, timeout=5000)
    shot("out-of-service")
    rig.printer.mode = "ok"
    qtbot.waitUntil(lambda: flow.stage is Stage.IDLE, timeout=5000)

    hall_server.stop()
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    shot("offline")
    assert len(saved) == 10


@pytest.mark.parametrize("hall_server", ["rich"], indirect=True)
@pytest.mark.parametrize("screen", [(1920, 1080), (1366, 768)])
def test_screenshots_on_a_landscape_screen(
    make_kiosk: Callable[..., KioskRig], hall_server: HallThread, screen: tuple[int, int]
) -> None:
    """The kiosk on a wide screen, orientation not set: it follows the screen."""
    OUT.mkdir(parents=True, exist_ok=True)
    rig = make_kiosk(screen=screen)
    rig.wait_ready()
    window, qtbot = rig.window, rig.qtbot
    assert window.orientation == "landscape"
    prefix = f"screen-{screen[0]}x{screen[1]}"

    def shot(name: str) -> None:
        check(qtbot, window, name)  # settled, all on the glass, nothing cut off
        assert window.grab().save(str(OUT / f"{prefix}-{name}.png"))

    def on_the_glass(lane: QWidget) -> Callable[[], bool]:
        return lambda: lane.geometry().bottom() < window.stack.height()

    for lane in (window.home.priority_button, window.home.appointment_button):
        qtbot.waitUntil(on_the_glass(lane))
    shot("home")
    window.home.category_buttons["社会保障"].click()
    shot("services")
    window.category.service_buttons["SB"].click()
    qtbot.waitUntil(lambda: rig.flow.stage is Stage.DONE, timeout=5000)
    shot("done")
    window.done.done_button.click()
    window.topbar.large_text_button.click()
    shot("home-large")


@pytest.mark.parametrize("hall_server", ["demo"], indirect=True)
@pytest.mark.parametrize("screen", [(1080, 1920), (1920, 1080)])
def test_screenshots_in_english_large_text(
    make_kiosk: Callable[..., KioskRig], hall_server: HallThread, screen: tuple[int, int]
) -> None:
    """The demonstration hall's long English names in large text: categories, the services
    of 公安服务 (with "Traffic Violation Handling") and the done screen."""
    OUT.mkdir(parents=True, exist_ok=True)
    rig = make_kiosk(screen=screen, lang="en")
    rig.wait_ready()
    window, qtbot = rig.window, rig.qtbot
    window.topbar.large_text_button.click()
    prefix = f"{window.orientation}-en-large-demo"

    def shot(name: str) -> None:
        check(qtbot, window, name)  # settled, all on the glass, nothing cut off
        assert window.grab().save(str(OUT / f"{prefix}-{name}.png"))

    shot("categories")
    window.home.category_buttons["公安服务"].click()
    assert window.category.service_buttons["JJ"].title.text() == "Traffic Violation Handling"
    shot("services")
    window.category.service_buttons["JJ"].click()
    qtbot.waitUntil(lambda: rig.flow.stage is Stage.DONE, timeout=5000)
    shot("done")
