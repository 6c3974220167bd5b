"""Board test kit: hallkit's real server (`running()`) on its own asyncio thread, boards on
the test's Qt thread, and the hall's clerks and kiosks as other clients.

The Qt test owns the main thread, so the server's loop runs in a background thread. It can be
stopped and started again on the same port with the same SQLite file (offline tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from hallkit import PINS, Running, make_hall, running
from PySide6.QtWidgets import QApplication

from display.app import DisplayApp
from queue_server.client import HallClient

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "display"

#: The `make_board` fixture: a started board (`size`, settings overriding the test's).
MakeBoard = Callable[..., DisplayApp]


def shows(board: DisplayApp, *texts: str) -> bool:
    """Whether the board's last paint showed every one of `texts` (as a whole text)."""
    painted = board.screen.painted
    return all(t in painted for t in texts)


class HallThread:
    """`hallkit.running()` on 127.0.0.1 in a thread of its own."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.hall = make_hall()
        self.port = 0
        self.run: Running | None = None
        self._stack: contextlib.AsyncExitStack | None = None
        self._ids = itertools.count(1)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="hall-server", daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float = 15) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> None:
        """Start (again, on the same port and file once it has them)."""

        async def start() -> None:
            stack = contextlib.AsyncExitStack()
            self.run = await stack.enter_async_context(
                running(self.tmp_path, self.hall, port=self.port)
            )
            self.port = int(self.run.url.rsplit(":", 1)[1].split("/")[0])
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

    def token(self, device: str) -> str:
        return next(d.token for d in self.hall.devices if d.id == device)

    # -- the rest of the hall --------------------------------------------------------------

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
        """A citizen takes a number; the ticket."""
        run = self.running
        client = next((c for c in run.clients if c.device == kiosk), None)
        if client is None:
            client = self.call(run.client(kiosk))
        reply = self.request(
            client, "take_ticket", service=service, request_id=f"t{next(self._ids)}"
        )
        return dict(reply["ticket"])


def screenshot(widget: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path
