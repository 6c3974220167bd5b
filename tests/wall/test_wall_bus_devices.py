"""The wall's device health with the bus devices and the announcer: a real bridge on a pty
(in the server's loop) and a real server; an evaluator that stops answering at an open window
shows as 无响应 with its alert, healthy boards of the bus on one line, the announcer apart from
its board, and all of the bridge's devices unknown once it is gone. Screenshot of the panel in
``artifacts/wall/``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from bridgekit import DEVICES, bridge_toml
from pytestqt.qtbot import QtBot
from wallkit import HallThread, MakeWall, screenshot, shows, texts_of

from drivers.bridge import Bridge, parse_bridge_config
from drivers.bus.evaluator import FOUR_KEY
from drivers.bus.fake import FakeBus, FakeEvaluator, FakeKeypad
from drivers.bus.keypad import KeypadAction

# Window 4 gets a third board, so that the boards' healthy line says 共 3 台.
BOARD_4 = '\n[[displays]]\naddress = 0x24\nwindow = 4\ntype = "bus"\n'
QUICK = "silent_after_s = 1.0\n" + DEVICES + BOARD_4


@pytest.fixture
def bus() -> Iterator[FakeBus]:
    with FakeBus() as bus:
        yield bus


class Running:
    """The bridge as a task of the server's loop (the test's thread runs Qt)."""

    def __init__(self, hall: HallThread, port: str) -> None:
        config = parse_bridge_config(bridge_toml(hall.running, port, QUICK), "bridge.toml")
        self.hall = hall
        self.bridge = Bridge(config, min_backoff=0.05, max_backoff=0.3)
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        async def start() -> None:
            self.task = asyncio.get_running_loop().create_task(self.bridge.run())
            await self.bridge.wait_for(lambda: self.bridge.parts_reported >= 1)

        self.hall.call(start())

    def stop(self) -> None:
        async def stop() -> None:
            self.bridge.stop()
            assert self.task is not None
            await asyncio.wait_for(self.task, 10)

        self.hall.call(stop())


def test_the_wall_shows_bus_devices_and_the_announcer(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall, bus: FakeBus, tmp_path: Path
) -> None:
    evaluator = bus.attach(FakeEvaluator(0x11, FOUR_KEY))
    hall.clerk(1)  # window 1 open: its evaluator's silence counts
    hall.clerk(3)
    wall = make_wall()
    board = hall.call(hall.running.client("board-1"))
    announcer = {"part": "announcer", "kind": "announcer", "status": "speaking", "online": True}
    hall.request(board, "device_parts", parts=[{**announcer, "detail": "一楼"}])
    running = Running(hall, bus.port_path)
    running.start()
    try:
        evaluator.press_level(5)
        keypad_3 = bus.attach(FakeKeypad(3))
        keypad_3.press(KeypadAction.RECALL)  # refused (nobody called), but heard
        qtbot.waitUntil(lambda: shows(wall, "1号窗口 #17", "无响应"), timeout=10_000)
        qtbot.waitUntil(lambda: shows(wall, "1号窗口评价器无响应"), timeout=10_000)
        assert shows(wall, "评价器", "呼叫器", "窗口屏", "共 3 台", "语音播报", "一楼区 board-1")
        assert shows(wall, "播报中", "最后响应")
        path = screenshot(wall.view.devices, "wall-devices-bus")
        assert path.exists()
    finally:
        running.stop()
    qtbot.waitUntil(lambda: "离线" in texts_of(wall.view.devices), timeout=10_000)  # the bridge
    qtbot.waitUntil(lambda: "无响应" not in texts_of(wall.view.devices))
    panel = texts_of(wall.view.devices)  # stale, not offline: the bridge's absence is the news
    assert panel.count("状态未知") == 7 and panel.count("未用过") == 2
    screenshot(wall.view.devices, "wall-devices-bridge-gone")
