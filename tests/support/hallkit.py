"""Test kit: a small literal hall and a server on localhost:0 with a real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from queue_server.client import HallClient
from queue_server.core.model import (
    Bundle,
    CallPolicy,
    Device,
    Hall,
    RatingMoment,
    RatingPolicy,
    RemotePolicy,
    Role,
    Service,
    SlotRule,
    Staff,
    StaffRole,
    Window,
    Zone,
)
from queue_server.pins import hash_pin
from queue_server.server import HallServer
from queue_server.service import HallService
from queue_server.store import Store

REMOTE_SECRET = "test-remote-secret-0001"  # 远程取号: keys phone hashes and the door code
PINS = {"s1": "1001", "s2": "1002", "s3": "1003", "s4": "1004"}
MANAGERS = frozenset({"s4"})  # staff with the manager role (and the clerk's)

T = TypeVar("T")


def must(value: T | None) -> T:
    """`value`, which the test expects to be there by now."""
    assert value is not None
    return value


# 预约 around the clock (an end of 00:00 is midnight): a slot starts every 15 min
ALL_DAY = (SlotRule(frozenset(range(1, 8)), time_of_day(0), time_of_day(0), 15, 4),)


def make_hall() -> Hall:
    services = (
        Service(
            "SB",
            "社保",
            "Social Insurance",
            "A",
            "社会保障",
            "一楼 1–4 号窗口",
            appointment_slots=ALL_DAY,
        ),
        Service("YB", "医保", "Medical Insurance", "B", "社会保障", "一楼 1–4 号窗口"),
        Service(
            "HJ",
            "户籍",
            "Household Registration",
            "C",
            "公安服务",
            "二楼 5 号窗口",
            appointment_slots=ALL_DAY,
        ),
    )
    windows = (
        Window(1, "1号窗口", {"SB": 1, "YB": 1}),
        Window(2, "2号窗口", {"SB": 1, "YB": 1}),
        Window(3, "3号窗口", {"SB": 1, "YB": 1, "HJ": 1}),
        Window(4, "4号窗口", {"HJ": 1}),
    )
    staff = tuple(Staff(sid, f"职员{sid}", hash_pin(pin), _roles(sid)) for sid, pin in PINS.items())
    devices = (
        *(Device(f"kiosk-{i}", Role.KIOSK, f"kiosk-token-{i:04d}-abcdef") for i in range(1, 9)),
        *(
            Device(f"clerk-{w}", Role.CLERK, f"clerk-token-{w:04d}-abcdef", window=w)
            for w in range(1, 5)
        ),
        Device("board-1", Role.DISPLAY, "board-token-0001-abcdef"),
        Device("bridge-1", Role.BRIDGE, "bridge-token-0001-abcdef"),
        Device("manager-1", Role.MANAGER, "manager-token-0001-abcdef"),
    )
    return Hall(
        name_zh="测试县政务服务中心",
        name_en="Test County Service Center",
        services=services,
        windows=windows,
        staff=staff,
        devices=devices,
        policy=CallPolicy(normal_per_priority=2, max_wait_s=3600),
        ratings=RatingPolicy(
            invite_window_s=120,
            resolve_days=3,
            moments=frozenset({RatingMoment.BEFORE, RatingMoment.DURING, RatingMoment.AFTER}),
        ),
        remote=RemotePolicy(enabled=True, secret=REMOTE_SECRET),
    )


FRONT, BACK = (1, 2), (3, 4)  # `zoned_hall`'s zones


def zoned_hall() -> Hall:
    """`make_hall` in two zones, ``front`` (windows 1–2) and ``back`` (3–4), with boards kept
    to them: ``board-front`` and ``board-front-2``, ``board-back``; ``board-1`` has no zone."""
    hall = make_hall()
    boards = (
        Device("board-front", Role.DISPLAY, "board-token-front-abcdef", zone="front"),
        Device("board-front-2", Role.DISPLAY, "board-token-front-2-abcdef", zone="front"),
        Device("board-back", Role.DISPLAY, "board-token-back-abcdef", zone="back"),
    )
    zones = (Zone("front", "前厅", FRONT, "Front"), Zone("back", "后厅", BACK, "Back"))
    return replace(hall, zones=zones, devices=(*hall.devices, *boards))


AGENT, AGENT_PIN = "s5", "1005"  # a 帮办代办员 in `bundle_hall`
BIRTH = Bundle("BIRTH", "新生儿出生一件事", "Newborn: one visit", "X", ("HJ", "SB", "YB"))


def bundle_hall() -> Hall:
    """`make_hall` with a 一件事 bundle (户籍 at window 4 or 3, then 社保 and 医保 at a window
    that serves both), a 帮办代办员 ``s5`` and an agent device ``agent-1``."""
    hall = make_hall()
    agent = Staff(AGENT, "帮办员", hash_pin(AGENT_PIN), frozenset({StaffRole.AGENT}))
    device = Device("agent-1", Role.AGENT, "agent-token-0001-abcdef")
    return replace(
        hall, bundles=(BIRTH,), staff=(*hall.staff, agent), devices=(*hall.devices, device)
    )


def next_slot(now: float | None = None, every_min: int = 15) -> tuple[str, str]:
    """(day, HH:MM) of the next slot to start after ``now`` in the test hall (Shanghai)."""
    local = datetime.fromtimestamp(time.time() if now is None else now, ZoneInfo("Asia/Shanghai"))
    start = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while start.minute % every_min:
        start += timedelta(minutes=1)
    return f"{start:%Y-%m-%d}", f"{start:%H:%M}"


def _roles(staff: str) -> frozenset[StaffRole]:
    return frozenset(StaffRole) if staff in MANAGERS else frozenset({StaffRole.CLERK})


@dataclass
class Running:
    server: HallServer
    url: str
    hall: Hall
    db: Path
    clients: list[HallClient] = field(default_factory=list)

    def token(self, device: str) -> str:
        return next(d.token for d in self.hall.devices if d.id == device)

    def logged(self, after: int = 0) -> list[dict[str, Any]]:
        """The events committed to the log after ``after``, read through a second connection."""
        with Store.open(self.db) as store:
            return store.events_after(after)

    def role(self, device: str) -> str:
        return next(d.role.value for d in self.hall.devices if d.id == device)

    async def client(self, device: str, last_seq: int | None = None) -> HallClient:
        client = HallClient(self.url, self.role(device), device, self.token(device), last_seq)
        await client.connect()
        self.clients.append(client)
        return client

    async def manager(self, staff: str = "s4", device: str = "manager-1") -> HallClient:
        """A manager device with ``staff`` logged in (s4 has the manager role)."""
        client = await self.client(device)
        await client.request("manager_login", staff=staff, pin=PINS[staff])
        return client

    async def clerk(self, window: int, staff: str) -> HallClient:
        client = await self.client(f"clerk-{window}")
        await client.request("login", window=window, staff=staff, pin=PINS[staff])
        return client


@contextlib.asynccontextmanager
async def running(
    tmp_path: Path,
    hall: Hall | None = None,
    clock: Callable[[], float] | None = None,
    day_check_s: float = 30.0,
    port: int = 0,
    alert_check_s: float = 15.0,
    **server_options: Any,
) -> AsyncIterator[Running]:
    hall = hall or make_hall()
    db = tmp_path / "hall.sqlite"
    service = HallService(
        hall, Store.open(db), clock or time.time, day_check_s, alert_check_s=alert_check_s
    )
    server = HallServer(service, **server_options)
    port = await server.start("127.0.0.1", port)
    run = Running(server, f"ws://127.0.0.1:{port}/ws", hall, db)
    try:
        yield run
    finally:
        for client in run.clients:
            await client.close()
        await server.stop()


def run(coro: object) -> None:
    """Run one async test body on a fresh event loop."""
    asyncio.run(coro)  # type: ignore[arg-type]


class HallThread:
    """`running()` on 127.0.0.1 in a thread of its own, for tests whose own thread is Qt's or a
    browser driver's. It can be stopped and started again on the same port with the same
    SQLite file, to show that clients ride out a restart."""

    def __init__(self, tmp_path: Path, hall: Hall | None = None) -> None:
        self.tmp_path = tmp_path
        self.hall = hall or make_hall()
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
        """The WebSocket address, e.g. ws://127.0.0.1:41234/ws."""
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def base(self) -> str:
        """The HTTP address, e.g. http://127.0.0.1:41234."""
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

    def token(self, device: str) -> str:
        return next(d.token for d in self.hall.devices if d.id == device)

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

    def manager(self, staff: str = "s4") -> HallClient:
        """The manager device with ``staff`` (who has the manager role) logged in."""
        client: HallClient = self.call(self.running.manager(staff))
        return client

    def request(self, client: HallClient, kind: str, **fields: Any) -> dict[str, Any]:
        reply: dict[str, Any] = self.call(client.request(kind, **fields))
        return reply

    def take(self, service: str = "SB", kiosk: str = "kiosk-1") -> dict[str, Any]:
        """A citizen takes a number; the ticket (with its phone `token` and `status_url`)."""
        run = self.running
        client = next((c for c in run.clients if c.device == kiosk), None)
        if client is None:
            client = self.call(run.client(kiosk))
        reply = self.request(
            client, "take_ticket", service=service, request_id=f"t{next(self._ids)}"
        )
        return dict(reply["ticket"])


DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo-hall.toml"


async def server_process(
    db: Path, config: Path = DEMO_CONFIG
) -> tuple[asyncio.subprocess.Process, str]:
    """`python -m queue_server` as a hall runs it, on a free port: the process and its ws URL."""
    proc = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "queue_server", "--config", str(config), "--db", str(db)),
        *("--host", "127.0.0.1", "--port", "0", "--log-level", "WARNING"),
        stdout=asyncio.subprocess.PIPE,
        cwd=config.parents[1],
    )
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    assert line.startswith("listening on ws://"), line
    return proc, line.split()[-1]
