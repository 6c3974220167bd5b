"""一件事 on the ticket's phone page, in real Chromium at phone size: the bundle's name and its
steps, done, now and to come, following the ticket from window to window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from hallkit import HallThread, bundle_hall
from webkit import PHONE_SIZE, screenshot

from queue_server.client import HallClient
from tests.web.test_web_phone import shown, wait_text


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallThread]:
    server = HallThread(tmp_path, bundle_hall())
    server.start()
    yield server
    server.close()


def take_bundle(hall: HallThread) -> dict[str, Any]:
    kiosk = cast(HallClient, hall.call(hall.running.client("kiosk-1")))
    reply = hall.request(kiosk, "take_bundle", bundle="BIRTH", request_id="b1")
    return dict(reply["ticket"])


def test_the_phone_page_shows_the_steps_done_and_to_come(hall: HallThread, open_page: Any) -> None:
    ticket = take_bundle(hall)
    page = open_page("/t/" + str(ticket["token"]), **PHONE_SIZE)
    assert shown(page, "#number") == "X001"
    assert shown(page, "#service") == "新生儿出生一件事"
    assert shown(page, "#steps").splitlines() == [
        "户籍（当前）",
        "社保（待办）",
        "医保（待办）",
    ]
    wait_text(page, "#status", "实时更新")
    household = hall.clerk(4)
    hall.request(household, "call_next", window=4)
    hall.request(household, "finish", window=4)  # 户籍 done: waits for 社保
    wait_text(page, "#steps", "户籍（已办）")
    assert shown(page, "#steps").splitlines()[1] == "社保（当前）"
    assert shown(page, "#number") == "X001"
    screenshot(page, "phone-bundle-zh")
    page.click("#toggle-lang")
    wait_text(page, "#steps", "Household Registration (done)")
    assert shown(page, "#service") == "Newborn: one visit"
    screenshot(page, "phone-bundle-en")
