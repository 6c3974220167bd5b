"""Fixtures: hallkit's server in a background thread, walls against it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from wallkit import HallThread, MakeWall, wall_config

from wall.app import WallApp

DIALOGS = (
    "ask_ack_note",
    "ask_pause_reason",
    "ask_notice",
    "ask_owner",
    "ask_contact",
    "ask_resolution",
)


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    yield
    left = [t.name for t in threading.enumerate() if t.name == "server-link" and t.is_alive()]
    assert not left, f"threads left running: {left}"


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallThread]:
    server = HallThread(tmp_path)
    server.start()
    yield server
    server.close()


def no_dialog(name: str) -> Callable[..., Any]:
    """Stands in for a real modal dialog, which would wait forever for a click in a test."""

    def unexpected(*args: Any) -> Any:
        raise AssertionError(f"{name} was asked, but the test did not answer it")

    return unexpected


@pytest.fixture
def make_wall(qtbot: QtBot, hall: HallThread) -> Iterator[MakeWall]:
    walls: list[WallApp] = []

    def make(size: tuple[int, int] = (1920, 1080), **overrides: Any) -> WallApp:
        wall = WallApp(wall_config(hall, **overrides))
        for name in DIALOGS:
            setattr(wall, name, no_dialog(name))
        walls.append(wall)
        qtbot.addWidget(wall.view)
        wall.show(size)
        wall.start()
        qtbot.waitUntil(lambda: wall.view.online is True and wall.model.synced, timeout=10_000)
        # and the first redraw of what the server said
        qtbot.waitUntil(lambda: bool(wall.view.window_cells) and not wall.redraw.isActive())
        return wall

    yield make
    for wall in walls:
        wall.stop()
        assert not wall.timers_active()
