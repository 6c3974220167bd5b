"""预约延时服务 on the hall board: a window that calls booked tickets only says so, with the
times, among the windows' states (against a real server)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from boardkit import HallThread, MakeBoard, screenshot, shows
from hallkit import make_hall
from pytestqt.qtbot import QtBot

from queue_server.core.model import OpeningPeriod


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallThread]:
    """The test hall with window 2 calling booked tickets only, all day."""
    base = make_hall()
    all_day = OpeningPeriod(frozenset(range(1, 8)), dt.time(0, 0), dt.time(23, 59))
    windows = tuple(
        dataclasses.replace(w, booked_only=(all_day,)) if w.number == 2 else w for w in base.windows
    )
    server = HallThread(tmp_path, dataclasses.replace(base, windows=windows))
    server.start()
    yield server
    server.close()


def test_a_booked_only_window_says_so(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board()
    hall.clerk(2)
    qtbot.waitUntil(lambda: shows(board, "2号窗口", "00:00–23:59 仅办理预约业务"))
    assert shows(board, "未开放：1、3、4")
    screenshot(board.screen, "hall-booked-only")


def test_in_english(qtbot: QtBot, hall: HallThread, make_board: MakeBoard) -> None:
    board = make_board(lang="en", bilingual=False)
    hall.clerk(2)
    qtbot.waitUntil(lambda: shows(board, "Window 2", "00:00–23:59 appointments only"))
