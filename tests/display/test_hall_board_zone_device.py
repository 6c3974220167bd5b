"""A hall board whose device is kept to a zone by the hall's configuration: with no ``zone``
setting of its own it shows its zone's windows, the only ones the server sends it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from boardkit import HallThread, MakeBoard, shows
from hallkit import BACK, zoned_hall
from pytestqt.qtbot import QtBot


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallThread]:
    server = HallThread(tmp_path, zoned_hall())
    server.start()
    yield server
    server.close()


def test_a_zones_board_shows_its_windows_without_a_zone_setting(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board(device="board-back", token=hall.token("board-back"))
    assert set(board.model.windows) == set(BACK)
    one, three = hall.clerk(1), hall.clerk(3)
    a, c = hall.take("SB"), hall.take("HJ")
    hall.request(one, "call_next", window=1)
    hall.request(one, "pause", window=1, reason="lunch")
    hall.request(three, "call_next", window=3)
    # The call and the pause at window 1 came first: the board was never sent them.
    qtbot.waitUntil(lambda: shows(board, c["number"], "3号窗口"))
    assert a["number"] not in board.screen.painted
    assert not any(t.startswith("暂停服务") for t in board.screen.painted)
    assert [call.window for call in board.state.calls] == [3]
    assert shows(board, "未开放：4")
