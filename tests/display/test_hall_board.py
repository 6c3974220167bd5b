"""The hall board against a real server: calls, recalls, paused and closed windows, zones,
the offline banner and recovery. Assertions read what the board painted (`screen.painted`)."""

from __future__ import annotations

import functools

import pytest
from boardkit import HallThread, MakeBoard, shows
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from display.app import DisplayApp


def test_a_call_appears_on_the_board_and_blinks(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board()
    assert shows(board, "暂无呼叫，请留意叫号")
    clerk = hall.clerk(1)
    ticket = hall.take("SB")
    qtbot.waitUntil(lambda: shows(board, "1 人"))  # waiting for 社保
    hall.request(clerk, "call_next", window=1)
    qtbot.waitUntil(lambda: shows(board, ticket["number"], "1号窗口", "社保"))
    assert board.screen.blinking
    qtbot.waitUntil(lambda: shows(board, "0 人"))


def test_newest_call_is_on_top(qtbot: QtBot, hall: HallThread, make_board: MakeBoard) -> None:
    board = make_board()
    first, second = hall.clerk(1), hall.clerk(2)
    a, b = hall.take("SB"), hall.take("SB")
    hall.request(first, "call_next", window=1)
    hall.request(second, "call_next", window=2)
    qtbot.waitUntil(lambda: shows(board, a["number"], b["number"]))
    painted = board.screen.painted
    assert painted.index(b["number"]) < painted.index(a["number"])
    assert [c.number for c in board.state.calls] == [b["number"], a["number"]]


def test_a_recall_is_marked(qtbot: QtBot, hall: HallThread, make_board: MakeBoard) -> None:
    board = make_board()
    clerk = hall.clerk(1)
    ticket = hall.take("SB")
    hall.request(clerk, "call_next", window=1)
    qtbot.waitUntil(lambda: shows(board, ticket["number"]))
    assert not any("再次呼叫" in t for t in board.screen.painted)
    hall.request(clerk, "recall", window=1)
    qtbot.waitUntil(lambda: shows(board, "再次呼叫 Recall"))
    assert board.state.calls[0].recall


def test_a_paused_window_with_its_reason(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board()
    clerk = hall.clerk(2)
    qtbot.waitUntil(lambda: shows(board, "未开放：1、3、4"))
    hall.request(clerk, "pause", window=2, reason="lunch")
    qtbot.waitUntil(lambda: shows(board, "2号窗口", "暂停服务 · 午休"))
    hall.request(clerk, "pause", window=2, reason="meeting")
    qtbot.waitUntil(lambda: shows(board, "暂停服务 · 会议"))
    hall.request(clerk, "resume", window=2)
    qtbot.waitUntil(lambda: not any(t.startswith("暂停服务") for t in board.screen.painted))


def test_english_board(qtbot: QtBot, hall: HallThread, make_board: MakeBoard) -> None:
    board = make_board(lang="en", bilingual=False)
    clerk = hall.clerk(3)
    hall.request(clerk, "pause", window=3, reason="fault")
    qtbot.waitUntil(lambda: shows(board, "Window 3", "Paused · System fault", "Closed: 1, 2, 4"))


def test_zone_shows_only_its_windows(qtbot: QtBot, hall: HallThread, make_board: MakeBoard) -> None:
    board = make_board(zone=(3, 4))
    one, three = hall.clerk(1), hall.clerk(3)
    a, c = hall.take("SB"), hall.take("HJ")
    hall.request(one, "call_next", window=1)
    hall.request(three, "call_next", window=3)
    qtbot.waitUntil(lambda: shows(board, c["number"], "3号窗口"))
    assert a["number"] not in board.screen.painted
    assert [call.window for call in board.state.calls] == [3]
    # windows 3 and 4 serve 社保, 医保 and 户籍; window 1 is not listed as closed or open
    assert shows(board, "社保", "医保", "户籍", "未开放：4")
    hall.request(one, "pause", window=1, reason="lunch")
    qtbot.wait(50)  # nothing to wait for: the board must not show it
    assert not any(t.startswith("暂停服务") for t in board.screen.painted)


def test_a_change_outside_the_zone_does_not_repaint(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board(zone=(4,))
    paints: list[int] = []
    board.screen.paint_hooks.append(lambda: paints.append(1))
    one, four = hall.clerk(1), hall.clerk(4)
    qtbot.waitUntil(lambda: shows(board, "各窗口正常服务"))
    board.screen.clock.stop()  # no minute turning in the middle
    paints.clear()
    hall.take("SB")  # only windows 1–3 serve 社保
    hall.request(one, "call_next", window=1)
    hall.take("HJ")
    qtbot.waitUntil(lambda: shows(board, "1 人"))  # 户籍, served by window 4
    assert len(paints) == 1
    del four


def test_stale_banner_when_the_server_stops_and_recovery(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board()
    clerk = hall.clerk(1)
    ticket = hall.take("SB")
    hall.request(clerk, "call_next", window=1)
    qtbot.waitUntil(lambda: shows(board, ticket["number"]))
    hall.stop()
    qtbot.waitUntil(lambda: board.screen.online is False, timeout=10_000)
    qtbot.waitUntil(
        lambda: any(t.startswith("与服务器的连接已断开 · 最后更新 ") for t in board.screen.painted)
    )
    assert shows(board, ticket["number"], "1号窗口")  # the last state stays
    hall.start()
    qtbot.waitUntil(lambda: board.screen.online is True, timeout=15_000)
    qtbot.waitUntil(lambda: not any("连接已断开" in t for t in board.screen.painted))
    hall.take("SB")  # the board follows the hall again
    qtbot.waitUntil(lambda: shows(board, ticket["number"], "1 人"))


def test_notice_scrolls_and_stops(qtbot: QtBot, hall: HallThread, make_board: MakeBoard) -> None:
    board = make_board(notice="请提前准备好身份证件。  Please have your ID ready.")
    assert board.screen.marquee.isVisible()
    assert board.screen.marquee.timer.isActive()
    board.stop()
    assert not board.screen.timers_active()


def test_a_note_of_the_board_and_the_offline_banner_before_it(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board()
    board.screen.note(
        ("无声音输出设备，语音叫号暂停", "No sound output device: voice calls are off")
    )
    qtbot.waitUntil(
        lambda: shows(
            board, "无声音输出设备，语音叫号暂停  /  No sound output device: voice calls are off"
        )
    )
    hall.stop()
    qtbot.waitUntil(lambda: any("连接已断开" in t for t in board.screen.painted), timeout=10_000)
    assert not any("语音叫号暂停" in t for t in board.screen.painted)
    board.screen.note(None)
    hall.start()
    qtbot.waitUntil(lambda: board.screen.online is True, timeout=15_000)
    qtbot.waitUntil(lambda: not any("连接已断开" in t for t in board.screen.painted))
    assert board.screen.banner_text() is None  # no note, no banner


def test_a_part_that_shrinks_leaves_nothing_behind(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    """What the screen shows after a partial repaint equals a full repaint of the same state."""
    board = make_board()
    screen = board.screen
    clerk = hall.clerk(2)
    qtbot.waitUntil(lambda: shows(board, "未开放：1、3、4"))
    before = {key: rect for rect, key in screen.current_sections()}
    hall.request(clerk, "pause", window=2, reason="lunch")  # the windows panel grows
    qtbot.waitUntil(lambda: shows(board, "暂停服务 · 午休"))
    after = {key: rect for rect, key in screen.current_sections()}
    assert before != after  # some part moved or changed size
    shown = QGuiApplication.primaryScreen().grabWindow(screen.winId()).toImage()
    screen.repaint()  # all of it, from nothing
    full = QGuiApplication.primaryScreen().grabWindow(screen.winId()).toImage()
    assert shown == full


def test_a_board_started_after_three_calls_shows_them_and_so_after_a_restart(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    one, two = hall.clerk(1), hall.clerk(2)
    a, b, c = hall.take("SB"), hall.take("YB"), hall.take("SB")
    hall.request(one, "call_next", window=1)
    hall.request(two, "call_next", window=2)
    hall.request(one, "finish", window=1)  # no window calls a any more: only the log knows it
    hall.request(one, "call_next", window=1)
    newest_first = [c["number"], b["number"], a["number"]]

    def in_order(board: DisplayApp) -> bool:
        painted = board.screen.painted
        return all(n in painted for n in newest_first) and [
            painted.index(n) for n in newest_first
        ] == sorted(painted.index(n) for n in newest_first)

    board = make_board()
    qtbot.waitUntil(lambda: in_order(board))
    assert [x.number for x in board.state.calls] == newest_first
    assert not board.screen.blinking  # nothing blinks for what was called before it started
    board.stop()
    hall.stop()
    hall.start()  # the server restarts from its SQLite file
    again = make_board()
    qtbot.waitUntil(lambda: in_order(again))
    assert [x.number for x in again.state.calls] == newest_first


@pytest.mark.parametrize(("rows", "highlight_s"), [(8, 30.0), (12, 30.0), (8, 0.0)])
def test_calls_moved_down_a_row_look_as_painted_anew(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard, rows: int, highlight_s: float
) -> None:
    """A new call moves the rows below down on the screen instead of painting them again;
    what the screen shows then equals a full repaint, in one column and in two, with the
    newest call blinking or not."""
    board = make_board(rows=rows, highlight_s=highlight_s)
    screen = board.screen
    clerks = {w: hall.clerk(w) for w in (1, 2, 3)}
    for n in range(rows + 3):
        hall.take(("SB", "YB", "SB", "SB")[n % 4])  # names of different lengths on the rows
    numbers: list[str] = []
    for n in range(rows + 2):
        w = (1, 2, 3)[n % 3]
        if n >= 3:
            hall.request(clerks[w], "finish", window=w)
        number = str(hall.request(clerks[w], "call_next", window=w)["ticket"]["number"])
        numbers.append(number)
        qtbot.waitUntil(functools.partial(shows, board, number))
        if n == rows:
            hall.request(clerks[w], "recall", window=w)  # the newest again: no row moves
            qtbot.waitUntil(lambda: any(t.startswith("再次呼叫") for t in screen.painted))
    assert screen.blinking == bool(highlight_s)
    assert [c.number for c in board.state.calls] == numbers[::-1][:rows]
    assert all(n in screen.painted for n in numbers[::-1][:rows])
    shown = QGuiApplication.primaryScreen().grabWindow(screen.winId()).toImage()
    screen.repaint()  # all of it, from nothing
    full = QGuiApplication.primaryScreen().grabWindow(screen.winId()).toImage()
    assert shown == full


def test_a_notice_the_manager_posts_scrolls_on_the_board_and_clearing_it_brings_back_the_own(
    qtbot: QtBot, hall: HallThread, make_board: MakeBoard
) -> None:
    board = make_board(notice="请保管好随身物品")
    late = make_board(lang="en")
    qtbot.waitUntil(lambda: board.screen.marquee.notice == "请保管好随身物品")
    manager = hall.manager()
    hall.request(
        manager,
        "post_notice",
        text_zh="今日 12:00 起暂停办理公积金业务",
        text_en="No HPF after 12:00",
    )
    qtbot.waitUntil(
        lambda: (
            board.screen.marquee.notice == "今日 12:00 起暂停办理公积金业务 · No HPF after 12:00"
        )
    )
    assert board.screen.marquee.isVisible()
    qtbot.waitUntil(
        lambda: late.screen.marquee.notice == "No HPF after 12:00 · 今日 12:00 起暂停办理公积金业务"
    )
    # A board that opens after the notice was posted shows it from its snapshot.
    fresh = make_board()
    qtbot.waitUntil(lambda: fresh.screen.marquee.notice.startswith("今日 12:00"))
    hall.request(manager, "post_notice")  # cleared: the board's own notice again
    qtbot.waitUntil(lambda: board.screen.marquee.notice == "请保管好随身物品")
    qtbot.waitUntil(lambda: not fresh.screen.marquee.notice)
    assert not fresh.screen.marquee.isVisible()
