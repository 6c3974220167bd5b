"""Web page test kit: hallkit's real server on its own asyncio thread, pages in real headless
Chromium (Debian's /usr/bin/chromium, driven by Playwright's sync API on the test's thread),
and the hall's clerks and kiosks as protocol clients on the server's loop.

The server can be stopped and started again on the same port with the same SQLite file, to
show that the pages ride out a restart. No browser is ever downloaded: Playwright drives the
system's Chromium.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hallkit import HallThread as HallThread  # the tests import it from here

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "web"
BOARD_SIZE = {"width": 1920, "height": 1080}
PHONE_SIZE = {"width": 390, "height": 844}


def chromium_missing() -> bool:
    return shutil.which(CHROMIUM) is None


@contextlib.contextmanager
def chromium(user_data: Path) -> Iterator[Any]:
    """A fresh headless Chromium (its own user-data dir); yields a Playwright browser context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(user_data),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        try:
            yield context
        finally:
            context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
