"""Web page test kit: hallkit's real server on its own asyncio thread, pages in real headless
Chromium (Debian's /usr/bin/chromium, driven by Playwright's sync API on the test's thread),
and the hall's clerks and kiosks as protocol clients on the server's loop.

The server can be stopped and started again on the same port with the same SQLite file, to
show that the pages ride out a restart. No browser is ever downloaded: Playwright drives the
system's Chromium.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

from hallkit import PINS, Running, make_hall, running

from queue_server.client import HallClient
from queue_server.core.model import Hall

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


class HallThread:
    """`hallkit.running()` on 127.0.0.1 in a thread of its own."""

    def __init__(self, tmp_path: Path, hall: Hall | None = None) -> None:
        self.tmp_path = tmp_path
        self.hall = hall or make_hall()
        self.port = 0
        self.run: Running | None = None
        self._stack: contextlib.AsyncExitStack | None = None
        self._ids = itertools.count(1)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="web-hall", daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        """The server's HTTP address, e.g. http://127.0.0.1:41234."""
        return f"http://127.0.0.1:{self.port}"

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float = 15) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> None:
        """Start (again, on the same port and file once it has them)."""

        async def start() -> None:
            stack = contextlib.AsyncExitStack()
            run: Running = await stack.enter_async_context(
                running(self.tmp_path, self.hall, port=self.port)
            )
            self.run = run
            self.port = int(run.url.rsplit(":", 1)[1].split("/")[0])
            self._stack = stack

        self.call(start())

    def stop(self) -> None:
        async def stop() -> None:
            if self._stack is not None:
                await self._stack.aclose()
            self._stack, self.run = None, None

        self.call(stop())

    def close(self) -> None:
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    @property
    def running(self) -> Running:
        assert self.run is not None, "the server is not running"
        return self.run

    def clerk(self, window: int, staff: str | None = None) -> HallClient:
        """A clerk logged in at `window` (the window opens); staff s1… by default."""
        staff = staff or f"s{window}"
        assert staff in PINS
        client: HallClient = self.call(self.running.clerk(window, staff))
        return client

    def request(self, client: HallClient, kind: str, **fields: Any) -> dict[str, Any]:
        reply: dict[str, Any] = self.call(client.request(kind, **fields))
        return reply

    def take(self, service: str = "SB", kiosk: str = "kiosk-1") -> dict[str, Any]:
        """A citizen takes a number; the ticket, with its phone `token` and `status_url`."""
        run = self.running
        client = next((c for c in run.clients if c.device == kiosk), None)
        if client is None:
            client = self.call(run.client(kiosk))
        reply = self.request(
            client, "take_ticket", service=service, request_id=f"w{next(self._ids)}"
        )
        return dict(reply["ticket"])


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
