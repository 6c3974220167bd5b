"""The 一件事一次办 专区 on a real kiosk against a real server: the bundle is one tile, one tap
takes one ticket for all its steps, and the screen and the paper list the steps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fitcheck import check
from kioskkit import HallThread, KioskRig
from PySide6.QtCore import QSize

from kiosk.bundles import BUNDLE_CATEGORY
from kiosk.flow import Stage
from kiosk.window import SIZES

OUT = Path(__file__).resolve().parents[2] / "artifacts" / "kiosk"


@pytest.mark.parametrize("hall_server", ["bundles"], indirect=True)
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bundle_is_one_tile_and_one_ticket_with_its_steps(
    make_kiosk: Callable[..., KioskRig], hall_server: HallThread, orientation: str, lang: str
) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rig = make_kiosk(orientation=orientation, lang=lang)
    rig.wait_ready()
    window, qtbot, flow = rig.window, rig.qtbot, rig.flow

    size = QSize(*SIZES[orientation])

    def shot(name: str) -> None:
        qtbot.waitUntil(lambda: window.size() == size, timeout=1000)
        check(qtbot, window, name)  # settled, all on the glass, nothing cut off
        assert window.grab().save(str(OUT / f"bundle-{orientation}-{lang}-{name}.png"))

    assert flow.categories[0] == BUNDLE_CATEGORY
    tile = window.home.category_buttons[BUNDLE_CATEGORY]
    assert tile.title.text() == ("一件事一次办" if lang == "zh" else "One visit, all done")
    title = "新生儿出生一件事" if lang == "zh" else "Newborn: one visit"
    assert tile.detail.text() == title  # the 专区 names its bundles
    assert all(t.isVisible() for t in window.home.category_buttons.values())
    shot("home")
    tile.click()
    birth = window.category.service_buttons["BIRTH"]
    assert birth.title.text() == title
    shot("bundles")
    birth.click()
    qtbot.waitUntil(lambda: flow.stage is Stage.DONE, timeout=5000)
    assert window.done.number.text() == "X001"
    assert window.done.service.text() == title
    steps = window.done.steps.text()
    if lang == "zh":
        assert "1. 户籍（当前）" in steps and "3. 医保（待办）" in steps
    else:
        assert "1. Household Registration (now)" in steps
    shot("done")

    [issued] = hall_server.events("ticket_issued")
    assert (issued["bundle"], issued["steps"], issued["number"]) == (
        "BIRTH",
        ["HJ", "SB", "YB"],
        "X001",
    )
    assert rig.printer.wait_for_cut(1, timeout=5)
    paper = rig.printer.print_data.decode("gb18030", errors="replace")
    if lang == "zh":
        assert "新生儿出生一件事" in paper and "2. 社保（待办）" in paper
    else:
        assert "2. Social Insurance (to come)" in paper
