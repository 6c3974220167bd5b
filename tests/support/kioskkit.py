"""Kiosk test kit: a real server on its own asyncio thread, a fake printer on a pty, a kiosk.

The Qt test owns the main thread, so the server runs its loop in a background thread. It can
be stopped and started again on the same port with the same SQLite file (offline tests).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from hallkit import make_hall, next_slot
from pytestqt.qtbot import QtBot

from drivers.printer.fake import FakePrinter
from kiosk.app import Kiosk, build
from kiosk.config import KioskConfig
from kiosk.flow import Effect, TakeTicket
from queue_server.client import HallClient
from queue_server.core.model import Device, Hall, OpeningPeriod, Service
from queue_server.server import HallServer
from queue_server.service import HallService
from queue_server.store import Store

NEVER_OPEN = (OpeningPeriod(frozenset(), dt.time(0, 0), dt.time(0, 1)),)
OFFICE_HOURS = (OpeningPeriod(frozenset(range(1, 8)), dt.time(9, 0), dt.time(17, 0)),)

T = TypeVar("T")


def booked_only_hall() -> Hall:
    """The test hall with window 2 calling booked tickets only, all day (预约延时服务)."""
    hall = make_hall()
    all_day = OpeningPeriod(frozenset(range(1, 8)), dt.time(0, 0), dt.time(23, 59))
    windows = tuple(
        dataclasses.replace(w, booked_only=(all_day,)) if w.number == 2 else w for w in hall.windows
    )
    return dataclasses.replace(hall, windows=windows)


def rich_hall() -> Hall:
    """hallkit's hall plus the services of a county hall, one closed and one out of quota."""
    hall = make_hall()
    sb, yb, hj = hall.services
    extra = (
        dataclasses.replace(yb, daily_quota=0),  # 今日号已取完
        hj,
        Service(
            "CR",
            "出入境",
            "Exit and Entry",
            "E",
            "公安服务",
            "二楼 5 号窗口",
            "Floor 2, window 5",
            hours=NEVER_OPEN,
            priority=False,
        ),
        Service(
            "BD",
            "不动产登记",
            "Real Estate Registration",
            "D",
            "不动产",
            "二楼 6–8 号窗口",
            "Floor 2, windows 6–8",
        ),
        Service(
            "SW", "税务", "Taxation", "F", "税务服务", "一楼 9–10 号窗口", "Floor 1, windows 9–10"
        ),
        Service(
            "GS",
            "营业执照",
            "Business Licence",
            "G",
            "市场监管",
            "三楼 11 号窗口",
            "Floor 3, window 11",
        ),
        Service(
            "GJ",
            "公积金提取",
            "Housing Fund Withdrawal",
            "H",
            "住房公积金",
            "三楼 12 号窗口",
            "Floor 3, window 12",
            appointments=False,
        ),
    )
    return dataclasses.replace(hall, services=(sb, *extra))


def english_hall() -> Hall:
    """hallkit's hall with an English name for one category; 公安服务 has none (old config)."""
    hall = make_hall()
    names = {"社会保障": "Social Security"}
    services = tuple(
        dataclasses.replace(s, category_en=names.get(s.category, "")) for s in hall.services
    )
    return dataclasses.replace(hall, services=services)


def office_hours_hall() -> Hall:
    """hallkit's hall with 社保 open 09:00–17:00 every day (the server's clock decides)."""
    hall = make_hall()
    sb, *others = hall.services
    return dataclasses.replace(
        hall, services=(dataclasses.replace(sb, hours=OFFICE_HOURS), *others)
    )


def demo_hall() -> Hall:
    """The demonstration hall of config/demo-hall.toml (long English names, many services)."""
    from queue_server.config import load_hall

    return load_hall(Path(__file__).resolve().parents[2] / "config" / "demo-hall.toml")


class CountingServer(HallServer):
    """A `HallServer` that counts the `snapshot` requests of each device."""

    def __init__(self, service: HallService, counts: Counter[str]) -> None:
        super().__init__(service)
        self.counts = counts

    def snapshot_reply(self, device: Device) -> Any:
        self.counts[device.id] += 1
        return super().snapshot_reply(device)


class HallThread:
    """A `HallServer` on 127.0.0.1 in a thread with its own event loop.

    `snapshots` counts the `snapshot` requests per device; setting `now` stops the server's
    clock there (None: the real time)."""

    def __init__(self, tmp_path: Path, hall: Hall | None = None) -> None:
        self.hall = hall or make_hall()
        self.db = tmp_path / "hall.sqlite"
        self.port = 0
        self.now: float | None = None
        self.snapshots: Counter[str] = Counter()
        self.server: HallServer | None = None
        self.clerks: list[HallClient] = []
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="test-hall-server", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> None:
        """Start (again, on the same port once it has one)."""

        async def start() -> None:
            service = HallService(self.hall, Store.open(self.db), clock=self.clock)
            self.server = CountingServer(service, self.snapshots)
            self.port = await self.server.start("127.0.0.1", self.port)

        self.run(start())

    @property
    def service(self) -> HallService:
        """The running server's service (its engine, store and sequence)."""
        assert self.server is not None, "the server is not running"
        return self.server.service

    def clock(self) -> float:
        return time.time() if self.now is None else self.now

    def open_window(self, window: int, staff: str) -> None:
        """A clerk logs in at `window` and stays connected (the window is open)."""
        from hallkit import PINS

        async def login() -> HallClient:
            client = HallClient(self.url, "clerk", f"clerk-{window}", self.token(f"clerk-{window}"))
            await client.connect()
            await client.request("login", window=window, staff=staff, pin=PINS[staff])
            return client

        self.clerks.append(self.run(login()))

    def stop(self) -> None:
        for client in self.clerks:
            self.run(client.close())
        self.clerks.clear()
        server, self.server = self.server, None
        if server is not None:
            self.run(server.stop())

    def close(self) -> None:
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    def token(self, device: str) -> str:
        return next(d.token for d in self.hall.devices if d.id == device)

    # -- what was committed, read from the file like any other reader ----------------------

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(self.db)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        [(data,)] = self.query("SELECT data FROM tickets WHERE id = ?", ticket_id)
        return dict(json.loads(data))

    def tickets(self) -> list[dict[str, Any]]:
        return [json.loads(d) for (d,) in self.query("SELECT data FROM tickets ORDER BY issued_at")]

    def events(self, kind: str) -> list[dict[str, Any]]:
        rows = self.query("SELECT data FROM events WHERE type = ? ORDER BY seq", kind)
        return [json.loads(d) for (d,) in rows]

    def book(self, service: str = "SB", day: str | None = None, slot: str | None = None) -> str:
        """预约 a slot for a caller (by a clerk's device): its code. By default the next slot
        to start, so that checking in now is within the tolerance."""
        if day is None or slot is None:
            day, slot = next_slot(self.clock())

        async def book() -> str:
            client = HallClient(self.url, "clerk", "clerk-4", self.token("clerk-4"))
            await client.connect()
            try:
                who = f"1390000{len(self.events('appointment_booked')):04d}"
                reply = await client.request(
                    "book_appointment", service=service, day=day, slot=slot, citizen_id=who
                )
                return str(reply["booking"]["code"])
            finally:
                await client.close()

        return self.run(book())

    def take(self, device: str, service: str, request_id: str) -> dict[str, Any]:
        """Take a ticket as another kiosk would (to change the waiting counts)."""

        async def take() -> dict[str, Any]:
            client = HallClient(self.url, "kiosk", device, self.token(device))
            await client.connect()
            try:
                reply = await client.request("take_ticket", service=service, request_id=request_id)
                return dict(reply["ticket"])
            finally:
                await client.close()

        return dict(self.run(take()))


def kiosk_config(server: HallThread, fake: FakePrinter, **overrides: Any) -> KioskConfig:
    values: dict[str, Any] = {
        "server": server.url,
        "device": "kiosk-1",
        "token": server.token("kiosk-1"),
        "printer": fake.port_path,
        "idle_timeout_s": 30.0,
        "done_timeout_s": 30.0,
        "printer_poll_s": 30.0,
        "out_of_service_poll_s": 0.2,
        "snapshot_refresh_s": 60.0,
        "public_url": "http://hall.example.gov.cn",
    }
    values.update(overrides)
    return dataclasses.replace(KioskConfig(), **values).check()


class KioskRig:
    """A started kiosk plus what it talks to."""

    def __init__(
        self,
        qtbot: QtBot,
        server: HallThread,
        fake: FakePrinter,
        screen: tuple[int, int] | None = None,
        **overrides: Any,
    ) -> None:
        """`screen`: the size of the screen the kiosk fills (by default the design size of
        the orientation asked for, portrait when none)."""
        self.qtbot, self.server, self.printer = qtbot, server, fake
        self.config = kiosk_config(server, fake, **overrides)
        if screen is None:
            screen = (1920, 1080) if self.config.orientation == "landscape" else (1080, 1920)
        self.kiosk: Kiosk = build(self.config, screen=screen)
        self.window = self.kiosk.window
        self.controller = self.kiosk.controller
        self.flow = self.controller.flow
        qtbot.addWidget(self.window)
        self.window.show()
        self.kiosk.start()

    def wait_ready(self) -> None:
        from kiosk.flow import Stage

        self.qtbot.waitUntil(
            lambda: self.flow.stage is Stage.IDLE and bool(self.flow.services), timeout=5000
        )

    def stop(self) -> None:
        self.kiosk.stop()
        assert not self.controller.printer._thread.isRunning()
        assert not any(t.name == "server-link" and t.is_alive() for t in threading.enumerate())
        for timer in (
            self.controller.idle_timer,
            self.controller.poll_timer,
            self.controller.refresh_timer,
            self.window.topbar.timer,
        ):
            assert not timer.isActive()


def take_of(effects: Sequence[Effect]) -> TakeTicket:
    """The one effect of a tap, which asks the server for a number."""
    [effect] = effects
    assert isinstance(effect, TakeTicket), effect
    return effect
