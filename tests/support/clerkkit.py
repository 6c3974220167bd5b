"""Test kit of the clerk app: a real queue server in a background thread, and helpers."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from hallkit import PINS, make_hall, next_slot
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clerk.app import ClerkApp
from clerk.model import LinkState
from queue_server.client import HallClient
from queue_server.server import HallServer
from queue_server.service import HallService
from queue_server.store import Store

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "clerk"

T = TypeVar("T")


class HallThread:
    """The server on 127.0.0.1 with a real SQLite file; it can stop and start on the same port."""

    def __init__(self, tmp_path: Path) -> None:
        self.hall = make_hall()
        self.db = tmp_path / "hall.sqlite"
        self.port = 0
        self.server: HallServer | None = None
        self.clients: list[HallClient] = []
        self._ids = itertools.count(1)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="hall-server", daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 15) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> None:
        async def start() -> None:
            self.server = HallServer(HallService(self.hall, Store.open(self.db)))
            self.port = await self.server.start("127.0.0.1", self.port)

        self.call(start())

    def stop(self) -> None:
        async def stop() -> None:
            for client in self.clients:
                await client.close()
            self.clients.clear()
            if self.server is not None:
                await self.server.stop()
                self.server = None

        self.call(stop())

    def close(self) -> None:
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    # -- other devices of the hall -----------------------------------------------------------

    @property
    def service(self) -> HallService:
        """The running server's service (its engine, store and sequence)."""
        assert self.server is not None, "the server is not running"
        return self.server.service

    def token(self, device: str) -> str:
        return next(d.token for d in self.hall.devices if d.id == device)

    def client(self, device: str) -> HallClient:
        role = next(d.role.value for d in self.hall.devices if d.id == device)
        client = HallClient(self.url, role, device, self.token(device))
        self.call(client.connect())
        self.clients.append(client)
        return client

    def request(self, client: HallClient, kind: str, **fields: Any) -> dict[str, Any]:
        return self.call(client.request(kind, **fields))

    def take(
        self, service: str = "SB", kiosk: str = "kiosk-1", cls: str = "normal"
    ) -> dict[str, Any]:
        """A citizen takes a number at a kiosk; the ticket dict."""
        client = next((c for c in self.clients if c.device == kiosk), None) or self.client(kiosk)
        code = {}
        if cls == "appointment":  # 预约: booked for the next slot (by phone, a clerk), then in
            desk = next((c for c in self.clients if c.device == "clerk-4"), None)
            day, slot = next_slot()
            who = f"1380000{next(self._ids):04d}"
            booked = self.request(
                desk or self.client("clerk-4"),
                "book_appointment",
                service=service,
                day=day,
                slot=slot,
                citizen_id=who,
            )
            code = {"appointment_code": booked["booking"]["code"]}
        reply = self.request(
            client,
            "take_ticket",
            service=service,
            request_id=f"t-{next(self._ids)}",
            **{"class": cls},
            **code,
        )
        ticket: dict[str, Any] = reply["ticket"]
        return ticket

    def rate(self, window: int, score: int) -> dict[str, Any]:
        """The citizen presses the evaluator on the desk (through the bus bridge)."""
        bridge = next((c for c in self.clients if c.device == "bridge-1"), None) or self.client(
            "bridge-1"
        )
        return self.request(bridge, "rate", window=window, score=score, source="evaluator")


def login(qtbot: QtBot, app: ClerkApp, staff: str = "s3") -> None:
    app.main.staff_edit.setText(staff)
    app.main.pin_edit.setText(PINS[staff])
    app.main.login_button.click()
    qtbot.waitUntil(lambda: app.model.link is LinkState.SIGNED_IN)


def screenshot(widget: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # pending layout requests, as a real screen would have had
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path
