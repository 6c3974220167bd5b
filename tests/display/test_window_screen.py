"""The window screen (窗口屏) against a real server: open with the number served, the clerk's
name, paused with the reason, closed with where to go instead."""

from __future__ import annotations

from pathlib import Path

from boardkit import HallThread, MakeBoard, shows
from pytestqt.qtbot import QtBot

from display.window_view import WindowScreen


def test_open_window_shows_clerk_and_number(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board(window=3)
    qtbot.waitUntil(lambda: shows(board, "本窗口暂停服务"))
    clerk = hall.clerk(3, "s2")
    qtbot.waitUntil(lambda: shows(board, "职员s2", "请留意叫号", "3号窗口"))
    assert shows(board, "办理事项：社保、医保、户籍")
    ticket = hall.take("HJ")
    hall.request(clerk, "call_next", window=3)
    qtbot.waitUntil(lambda: shows(board, ticket["number"], "户籍", "正在办理  Now serving"))
    assert board.screen.blinking


def test_calls_at_other_windows_do_not_show(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board(window=3)
    three, one = hall.clerk(3), hall.clerk(1)
    ticket = hall.take("SB")
    hall.request(one, "call_next", window=1)
    qtbot.wait(50)
    hall.take("SB")
    qtbot.waitUntil(lambda: shows(board, "请留意叫号"))
    assert ticket["number"] not in board.screen.painted
    del three


def test_paused_window_shows_the_reason(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board(window=2)
    clerk = hall.clerk(2)
    hall.request(clerk, "pause", window=2, reason="away")
    qtbot.waitUntil(lambda: shows(board, "暂停服务", "临时离开 · Away briefly"))
    hall.request(clerk, "resume", window=2)
    qtbot.waitUntil(lambda: shows(board, "请留意叫号"))


def test_closed_window_sends_to_the_nearest_open_one(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board(window=2)
    qtbot.waitUntil(lambda: shows(board, "本窗口暂停服务", "请到其他窗口办理"))
    hall.clerk(4)  # serves 户籍 only: nothing window 2 serves
    hall.clerk(3)  # serves 社保 and 医保 like window 2
    qtbot.waitUntil(lambda: shows(board, "请到 3 号窗口办理"))
    hall.clerk(1)  # serves the same, and is as near
    qtbot.waitUntil(lambda: shows(board, "请到 1 号窗口办理"))


def test_closed_window_sends_to_the_configured_one(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board(window=2, redirect=4)
    qtbot.waitUntil(lambda: shows(board, "本窗口暂停服务", "请到 4 号窗口办理"))


def test_window_closes_when_the_clerk_logs_out(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board(window=1)
    clerk = hall.clerk(1)
    qtbot.waitUntil(lambda: shows(board, "职员s1"))
    hall.clerk(2)
    hall.request(clerk, "logout", window=1)
    qtbot.waitUntil(lambda: shows(board, "本窗口暂停服务", "请到 2 号窗口办理"))
    assert "职员s1" not in board.screen.painted


def test_the_clerks_photo_by_name(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard, tmp_path: Path
) -> None:
    from PySide6.QtGui import QColor, QImage

    photo = QImage(300, 400, QImage.Format.Format_RGB32)
    photo.fill(QColor("#c08040"))
    assert photo.save(str(tmp_path / "职员s3.png"))
    board = make_board(window=3, photos=str(tmp_path))
    hall.clerk(3)
    qtbot.waitUntil(lambda: shows(board, "职员s3"))
    screen = board.screen
    assert isinstance(screen, WindowScreen)
    assert screen.photo("职员s3") is not None
    assert screen.photo("职员s1") is None  # no photo: the silhouette and 照片
    assert "照片" not in board.screen.painted
