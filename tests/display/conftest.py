"""Fixtures: hallkit's server in a background thread, boards against it."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boardkit import HallThread, MakeBoard
from pytestqt.qtbot import QtBot

from display.app import DisplayApp
from display.config import DisplayConfig


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


def board_config(hall: HallThread, **overrides: Any) -> DisplayConfig:
    values: dict[str, Any] = {
        "server": hall.url,
        "device": "board-1",
        "token": hall.token("board-1"),
        "highlight_s": 30.0,
    }
    values.update(overrides)
    return dataclasses.replace(DisplayConfig(), **values).check()


@pytest.fixture
def make_board(qtbot: QtBot, hall: HallThread) -> Iterator[MakeBoard]:
    boards: list[DisplayApp] = []

    def make(size: tuple[int, int] = (1920, 1080), **overrides: Any) -> DisplayApp:
        board = DisplayApp(board_config(hall, **overrides))
        boards.append(board)
        synced_paints: list[int] = []  # a paint of what the server said, not of nothing yet

        def painted() -> None:
            if board.model.synced:
                synced_paints.append(board.model.seq)

        board.screen.paint_hooks.append(painted)
        qtbot.addWidget(board.screen)
        board.show(size)
        board.start()
        qtbot.waitUntil(lambda: board.screen.online is True and bool(synced_paints), timeout=10_000)
        return board

    yield make
    for board in boards:
        board.stop()
        assert not board.screen.timers_active()
