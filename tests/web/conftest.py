"""Fixtures: the hall server in a background thread, and a fresh headless Chromium per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from webkit import HallThread, chromium, chromium_missing


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallThread]:
    server = HallThread(tmp_path)
    server.start()
    yield server
    server.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A Playwright browser context of Debian's Chromium; skipped only if it is not installed."""
    if chromium_missing():
        pytest.skip("no /usr/bin/chromium: the web pages are tested in the system's Chromium")
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    with chromium(profile) as context:
        yield context


@pytest.fixture
def open_page(browser: Any, hall: HallThread) -> Iterator[Callable[..., Any]]:
    """Open a page of the hall's server at a size; page errors fail the test."""
    errors: list[str] = []

    def open_(path: str, width: int = 1920, height: int = 1080) -> Any:
        page = browser.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                errors.append(msg.text) if msg.type == "error" and _fault(msg.text) else None
            ),
        )
        page.goto(hall.base + path)
        return page

    yield open_
    assert not errors, f"errors in the page: {errors}"


def _fault(text: str) -> bool:
    """A console error that is a fault of the page (a refused connection while the server is
    down is expected, and so is the 404 of a wrong address)."""
    expected = ("ERR_CONNECTION_REFUSED", "WebSocket connection", "404", "status of 404")
    return not any(part in text for part in expected)
