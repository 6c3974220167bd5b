"""The web board of the demonstration hall (15 windows, 14 services, long English names) at
1920×1080: the whole hall and one floor fit, nothing clipped."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from webkit import BOARD_SIZE, HallThread, screenshot

from queue_server.client import HallClient
from queue_server.config import load_hall

DEMO = Path(__file__).resolve().parents[2] / "config" / "demo-hall.toml"

# Every element that must show its whole text: its content is not wider or taller than it.
CLIPPED = """() => [...document.querySelectorAll(
    '.panel, .call > span, #waiting li > span, #windows li > span, .top h1, .top p')]
  .filter(e => e.offsetParent !== null
    && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
  .map(e => e.className + ': ' + e.textContent)"""


def demo_pins() -> dict[str, str]:
    """Staff id -> the sample PIN written beside its hash in the demo file."""
    text = DEMO.read_text(encoding="utf-8")
    found = re.findall(
        r'id = "(\d+)"\s*\nname = "[^"]*"\s*\npin_hash = "[^"]*"\s*# PIN (\d+)', text
    )
    return dict(found)


def test_the_demo_hall_board_fits_a_1080p_screen(tmp_path: Path, browser: Any) -> None:
    hall = load_hall(DEMO)
    # Opening hours lifted: the test runs at any hour.
    services = tuple(dataclasses.replace(s, hours=()) for s in hall.services)
    server = HallThread(tmp_path, dataclasses.replace(hall, services=services))
    server.start()
    try:
        pins = demo_pins()
        staff = sorted(pins)

        async def clerk(window: int) -> HallClient:
            client: HallClient = await server.running.client(f"clerk-{window:02d}")
            await client.request(
                "login", window=window, staff=staff[window - 1], pin=pins[staff[window - 1]]
            )
            return client

        clerks = {w: server.call(clerk(w)) for w in range(1, 11)}
        for _ in range(3):
            for s in services:
                server.take(s.code)
        for w in (1, 2, 5, 7, 8, 9, 10):
            server.request(clerks[w], "call_next", window=w)
        server.request(clerks[3], "pause", window=3, reason="lunch")
        server.request(clerks[6], "pause", window=6, reason="fault")
        server.request(clerks[4], "pause", window=4, reason="away")
        server.request(clerks[10], "recall", window=10)

        page = browser.new_page()
        page.set_viewport_size(BOARD_SIZE)
        page.goto(server.base + "/board")
        page.wait_for_function("() => document.body.className === ''")
        assert len(page.query_selector_all("#calls .call:not(.head)")) == 7
        assert len(page.query_selector_all("#windows li")) == 15
        assert len(page.query_selector_all("#waiting li")) == len(services)
        assert page.evaluate(CLIPPED) == []
        screenshot(page, "board-demo-1920x1080")
        page.set_viewport_size({"width": 1280, "height": 720})  # many TVs' browsers: 720p
        page.wait_for_function(  # after the resize event, the side fits again
            "() => { const s = document.querySelector('.side');"
            " return s.scrollHeight <= s.clientHeight + 1; }"
        )
        assert page.evaluate(CLIPPED) == []
        screenshot(page, "board-demo-1280x720")
        page.set_viewport_size(BOARD_SIZE)

        page.goto(server.base + "/board?zone=floor2")
        page.wait_for_function("() => document.body.className === ''")
        assert len(page.query_selector_all("#windows li")) == 5
        assert page.evaluate(CLIPPED) == []
        screenshot(page, "board-demo-floor2-1920x1080")
    finally:
        server.close()
