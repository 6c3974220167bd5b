"""Screenshots of the boards for people to look at (artifacts/screenshots/display/): the hall
board landscape and portrait at 1080p, landscape at 4K, a busy hall with 12 call rows, a paused
window, the stale state, and the window screen open, paused and closed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from boardkit import HallThread, MakeBoard, screenshot, shows
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from display.app import DisplayApp

NOTICE = (
    "温馨提示：请提前准备好身份证件及相关材料，留意叫号屏与语音提示，过号请重新取号。"
    "  Please have your ID ready and watch for your number."
)


def busy_hall(qtbot: QtBot, hall: HallThread, board: DisplayApp, calls: int) -> dict[int, Any]:
    """Windows 1–4 open; `calls` numbers called in turn; more waiting; window 4 at lunch."""
    clerks = {w: hall.clerk(w) for w in (1, 2, 3, 4)}
    for n in range(calls + 6):
        hall.take(("SB", "YB", "HJ")[n % 3])
    for n in range(calls):
        w = (1, 2, 3, 4)[n % 4]
        if n >= 4:
            hall.request(clerks[w], "finish", window=w)
        hall.request(clerks[w], "call_next", window=w)
    hall.request(clerks[2], "recall", window=2)
    hall.request(clerks[4], "finish", window=4)
    hall.request(clerks[4], "pause", window=4, reason="lunch")
    qtbot.waitUntil(lambda: board.model.windows[4].pause_reason == "lunch")
    return clerks


def check(path: Path, width: int, height: int) -> None:
    image = QImage(str(path))
    assert (image.width(), image.height()) == (width, height)


@pytest.mark.parametrize(
    ("name", "size", "rows"),
    [
        ("hall-landscape-1080p", (1920, 1080), 8),
        ("hall-portrait-1080p", (1080, 1920), 8),
        ("hall-landscape-4k", (3840, 2160), 8),
        ("hall-busy-12-rows", (1920, 1080), 12),
        ("hall-busy-12-rows-portrait", (1080, 1920), 12),
    ],
)
def test_hall_board(
    qtbot: QtBot,
    hall: HallThread,
    make_board: MakeBoard,
    name: str,
    size: tuple[int, int],
    rows: int,
) -> None:
    board = make_board(size=size, rows=rows, notice=NOTICE)
    busy_hall(qtbot, hall, board, calls=rows + 2)
    board.screen.blink_on = True  # the newest call as it is while lit
    check(screenshot(board.screen, name), *size)


def test_hall_board_quiet_and_stale(qtbot: QtBot, hall: HallThread, make_board: MakeBoard) -> None:
    board = make_board(notice=NOTICE)
    check(screenshot(board.screen, "hall-empty"), 1920, 1080)
    clerk = hall.clerk(3)
    hall.take("SB")
    hall.request(clerk, "call_next", window=3)
    hall.request(hall.clerk(1), "pause", window=1, reason="meeting")
    qtbot.waitUntil(lambda: shows(board, "暂停服务 · 会议"))
    board.screen.blink.stop()
    board.screen.blink_on = False
    check(screenshot(board.screen, "hall-paused-window"), 1920, 1080)
    hall.stop()
    qtbot.waitUntil(lambda: board.screen.online is False, timeout=10_000)
    check(screenshot(board.screen, "hall-stale"), 1920, 1080)


def test_hall_board_english(qtbot: QtBot, hall: HallThread, make_board: MakeBoard) -> None:
    board = make_board(lang="en", notice="Please have your ID ready.")
    busy_hall(qtbot, hall, board, calls=6)
    check(screenshot(board.screen, "hall-landscape-english"), 1920, 1080)


@pytest.mark.parametrize(("suffix", "size"), [("", (1920, 1080)), ("-portrait", (1080, 1920))])
def test_window_screen(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard, suffix: str, size: tuple[int, int]
) -> None:
    board = make_board(size=size, window=3)
    qtbot.waitUntil(lambda: shows(board, "本窗口暂停服务"))
    check(screenshot(board.screen, f"window-closed{suffix}"), *size)
    hall.clerk(2)
    qtbot.waitUntil(lambda: shows(board, "请到 2 号窗口办理"))
    check(screenshot(board.screen, f"window-closed-redirect{suffix}"), *size)
    clerk = hall.clerk(3)
    hall.take("HJ")
    hall.request(clerk, "call_next", window=3)
    qtbot.waitUntil(lambda: shows(board, "正在办理  Now serving"))
    board.screen.blink.stop()
    board.screen.blink_on = False
    check(screenshot(board.screen, f"window-open{suffix}"), *size)
    hall.request(clerk, "finish", window=3)
    hall.request(clerk, "pause", window=3, reason="lunch")
    qtbot.waitUntil(lambda: shows(board, "午休 · Lunch break"))
    check(screenshot(board.screen, f"window-paused{suffix}"), *size)
    hall.stop()
    qtbot.waitUntil(lambda: board.screen.online is False, timeout=10_000)
    check(screenshot(board.screen, f"window-stale{suffix}"), *size)
