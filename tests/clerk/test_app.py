"""The clerk app (offscreen) against a real queue server on localhost with a real SQLite file."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from clerkkit import HallThread, login
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clerk import app as clerk_app
from clerk.app import ClerkApp
from clerk.dialogs import TransferChoice
from clerk.model import Action, LinkState, WindowMode
from clerk.texts import Texts

ALL = (
    "call_next",
    "recall",
    "no_show",
    "finish",
    "transfer",
    "park",
    "call_parked",
    "call_number",
    "pause_resume",
    "invite_rating",
)


def enabled(app: ClerkApp) -> set[str]:
    """The ids of the main window's action buttons that are on."""
    return {cid for cid, button in app.main.buttons.items() if button.isEnabled()}


def click(qtbot: QtBot, app: ClerkApp, command: str) -> None:
    """Click a button and wait until its request has been answered."""
    button = app.main.buttons[command]
    assert button.isEnabled(), f"{command} is off"
    button.click()
    qtbot.waitUntil(lambda: not app.model.busy)


def test_login_with_a_wrong_pin_says_so_and_the_right_one_opens_the_window(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    main = app.main
    assert main.pages.currentWidget() is main.login_page
    assert main.login_button.isEnabled() and enabled(app) == set()
    assert main.login_subtitle.text() == "测试县政务服务中心 · 3号窗口"
    main.staff_edit.setText("s3")
    main.pin_edit.setText("0000")
    main.login_button.click()
    qtbot.waitUntil(lambda: main.login_error.text() == "工号或密码错误")
    assert main.pages.currentWidget() is main.login_page and main.pin_edit.text() == ""
    main.pin_edit.setText("1003")
    main.login_button.click()
    qtbot.waitUntil(lambda: main.pages.currentWidget() is main.console)
    assert app.model.mode is WindowMode.IDLE and main.mode_pill.text() == "空闲"
    assert "职员s3" in main.staff_line.text()
    assert main.number.text() == "暂无办理"
    assert main.notice.text() == "欢迎，职员s3"
    # The server recorded the window as open under that clerk (staff ids: the manager's view).
    snap = hall.request(hall.client("manager-1"), "snapshot")
    assert snap["windows"][2]["state"] == "open" and snap["windows"][2]["staff"] == "s3"


def test_another_clerks_open_window_is_refused_plainly(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    other = hall.client("clerk-3")
    hall.request(other, "login", window=3, staff="s1", pin="1001")
    app = make_clerk()
    app.main.staff_edit.setText("s3")
    app.main.pin_edit.setText("1003")
    app.main.login_button.click()
    qtbot.waitUntil(lambda: "已由其他工作人员登录" in app.main.login_error.text())
    assert not app.model.logged_in


def test_call_next_shows_the_ticket_its_service_and_a_live_counter(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    now = [time.time()]
    app = make_clerk(clock=lambda: now[0])
    login(qtbot, app)
    assert app.main.waiting_count.text() == "0" and enabled(app) == {"pause_resume"}
    # 预约: checked in before its slot, called when no walk-in waits (due ones go first)
    a1 = hall.take("SB", cls="appointment")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "1")
    assert enabled(app) == {"call_next", "call_number", "pause_resume"}

    click(qtbot, app, "call_next")
    main = app.main
    hall.take("YB")
    hall.take("HJ", kiosk="kiosk-2")
    hall.take("SB", kiosk="kiosk-3")  # window 3 serves SB, YB and HJ
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "3")
    assert app.main.breakdown.text() == "社保 1  ·  医保 1  ·  户籍 1"
    assert main.number.text() == a1["number"] == "A001"
    assert main.service_line.text() == "社保" and main.class_tag.text() == "预约"
    assert main.class_tag.isVisibleTo(main)
    assert main.mode_pill.text() == "办理中" and main.waiting_count.text() == "3"
    assert main.notice.text() == "已呼叫 A001"
    assert main.reason.text()  # why the server chose it
    assert app.model.current is not None and app.model.current.called_at is not None
    called_at = app.model.current.called_at
    now[0] = called_at - app.model.clock_offset + 65.4
    main.tick()
    assert main.timer.text() == "01:05"
    now[0] += 3600
    main.tick()
    assert main.timer.text() == "1:01:05"
    assert enabled(app) == {"recall", "no_show", "finish", "transfer", "park"}


def test_recall_finish_invite_and_a_bad_rating_shows_highlighted(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    board = hall.client("board-1")
    hall.take("SB")
    qtbot.waitUntil(lambda: app.main.buttons["call_next"].isEnabled())
    click(qtbot, app, "call_next")
    assert app.model.current is not None
    called_at = app.model.current.called_at
    click(qtbot, app, "recall")
    assert app.main.notice.text() == "已重呼 A001"
    assert app.model.current is not None and app.model.current.called_at == called_at
    recall = hall.call(board.next_event("ticket_called"))
    assert recall["recall"] is False  # the first call
    assert hall.call(board.next_event("ticket_called"))["recall"] is True

    click(qtbot, app, "finish")
    assert app.main.notice.text() == "A001 已办结" and app.model.mode is WindowMode.IDLE
    assert app.main.number.text() == "暂无办理"
    assert enabled(app) == {"invite_rating", "pause_resume"}
    click(qtbot, app, "invite_rating")
    assert app.main.notice.text() == "已邀请 A001 评价"
    assert app.main.invited.text() == "已邀请 A001 评价"

    assert app.main.rating.text() == "暂无评价" and not app.main.bad_tag.isVisibleTo(app.main)
    hall.rate(3, 2)
    qtbot.waitUntil(lambda: app.main.rating.text() == "A001：不满意")
    assert app.main.bad_tag.isVisibleTo(app.main) and app.main.bad_tag.text() == "差评"
    assert app.main.rating.property("bad") == "true"
    assert app.main.rating_card.property("bad") == "true"
    assert "invite_rating" not in enabled(app)  # 一次一评

    hall.take("YB")
    qtbot.waitUntil(lambda: app.main.buttons["call_next"].isEnabled())
    click(qtbot, app, "call_next")
    click(qtbot, app, "finish")
    hall.rate(3, 5)
    qtbot.waitUntil(lambda: app.main.rating.text() == "B001：非常满意")
    assert not app.main.bad_tag.isVisibleTo(app.main) and app.main.rating.property("bad") == "false"


def test_no_show_park_and_call_back(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    for _ in range(3):
        hall.take("SB")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "3")
    click(qtbot, app, "call_next")
    app.confirm_no_show = lambda parent, texts, number: True
    click(qtbot, app, "no_show")
    assert app.main.notice.text() == "A001 已弃号" and app.model.mode is WindowMode.IDLE

    click(qtbot, app, "call_next")
    assert app.main.number.text() == "A002"
    click(qtbot, app, "park")
    assert app.main.notice.text() == "A002 已挂起"
    assert app.main.parked.text() == "A002" and "call_parked" in enabled(app)

    click(qtbot, app, "call_next")
    assert app.main.number.text() == "A003"
    assert "call_parked" not in enabled(app)  # not while serving
    click(qtbot, app, "finish")

    asked: list[list[str]] = []

    def ask_parked(parent: QWidget | None, texts: Texts, numbers: list[str]) -> str | None:
        asked.append(numbers)
        return numbers[0]

    app.ask_parked = ask_parked
    click(qtbot, app, "call_parked")
    assert asked == [["A002"]]
    assert app.main.number.text() == "A002" and app.main.parked.text() == "无"
    assert app.main.notice.text() == "已呼叫 A002"


def test_transfer_to_a_service_and_to_a_window(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    hall.take("SB")
    hall.take("YB")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "2")
    click(qtbot, app, "call_next")
    asked: list[tuple[str, list[tuple[str, str]], list[tuple[int, str]]]] = []

    def to_service(
        parent: QWidget | None,
        texts: Texts,
        number: str,
        services: list[tuple[str, str]],
        windows: list[tuple[int, str]],
    ) -> TransferChoice:
        asked.append((number, services, windows))
        return TransferChoice(to_service="HJ")

    app.ask_transfer = to_service
    click(qtbot, app, "transfer")
    number, services, windows = asked[0]
    assert number == "A001"
    assert services == [("YB", "医保"), ("HJ", "户籍")]
    assert windows == [(1, "1号窗口"), (2, "2号窗口"), (4, "4号窗口")]
    assert app.main.notice.text() == "A001 已转移至 户籍"
    # Still waiting, now for 户籍, which window 3 serves too.
    assert app.model.mode is WindowMode.IDLE and app.main.waiting_count.text() == "2"

    click(qtbot, app, "call_next")  # A001 keeps its place by issue time
    assert app.main.number.text() == "A001" and app.main.service_line.text() == "户籍"
    app.ask_transfer = lambda *args: TransferChoice(to_window=1)
    click(qtbot, app, "transfer")
    assert app.main.notice.text() == "A001 已转移至 1号窗口"
    assert app.main.waiting_count.text() == "1"  # reserved for window 1 now
    clerk1 = hall.client("clerk-1")
    hall.request(clerk1, "login", window=1, staff="s1", pin="1001")
    assert hall.request(clerk1, "call_next", window=1)["ticket"]["number"] == "A001"

    app.ask_transfer = lambda *args: None  # cancelled: nothing is sent
    click(qtbot, app, "call_next")
    seq = hall.service.seq
    app.main.buttons["transfer"].click()
    assert hall.service.seq == seq and app.main.number.text() == "B001"


def test_call_a_chosen_number(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    for service in ("SB", "SB", "YB"):
        hall.take(service)
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "3")
    offered: list[list[str]] = []

    def ask_number(parent: QWidget | None, texts: Texts, numbers: list[str]) -> str | None:
        offered.append(numbers)
        return "B001"

    app.ask_number = ask_number
    click(qtbot, app, "call_number")
    assert offered == [["A001", "A002", "B001"]]
    assert app.main.number.text() == "B001" and app.main.notice.text() == "已呼叫 B001"
    click(qtbot, app, "finish")
    app.ask_number = lambda *args: "C999"
    click(qtbot, app, "call_number")
    assert app.main.notice.property("level") == "error" and "C999" in app.main.notice.text()
    assert app.model.mode is WindowMode.IDLE


def test_pause_leaves_only_resume(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    hall.take("SB")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "1")
    assert app.main.buttons["pause_resume"].label_text() == "暂停"
    app.ask_pause_reason = lambda parent, texts: "away"
    click(qtbot, app, "pause_resume")
    assert app.model.mode is WindowMode.PAUSED and app.main.mode_pill.text() == "暂停中 · 临时离开"
    assert enabled(app) == {"pause_resume"}
    assert app.main.buttons["pause_resume"].label_text() == "恢复"
    assert app.main.logout_button.isEnabled()  # 签退 needs no resume first
    assert app.main.number.text() == "暂停服务"
    click(qtbot, app, "pause_resume")
    assert app.model.mode is WindowMode.IDLE and app.main.notice.text() == "窗口已恢复服务"
    assert enabled(app) == {"call_next", "call_number", "pause_resume"}


def test_shortcuts_trigger_the_actions(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    hall.take("SB")
    hall.take("SB")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "2")
    main = app.main
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)

    def key(k: Qt.Key) -> None:
        QTest.keyClick(main, k)
        qtbot.waitUntil(lambda: not app.model.busy)

    key(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: main.number.text() == "A001")
    key(Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: main.notice.text() == "已重呼 A001")
    key(Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: main.parked.text() == "A001")
    app.ask_parked = lambda parent, texts, numbers: numbers[0]
    key(Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: main.number.text() == "A001")
    key(Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: app.model.mode is WindowMode.IDLE)
    key(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: main.notice.text() == "已邀请 A001 评价")
    app.ask_pause_reason = lambda parent, texts: "meeting"
    key(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: app.model.mode is WindowMode.PAUSED)
    seq = hall.service.seq
    QTest.keyClick(main, Qt.Key.Key_F1)  # off while paused: nothing is sent
    assert hall.service.seq == seq and not app.model.busy
    key(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: app.model.mode is WindowMode.IDLE)
    app.ask_number = lambda parent, texts, numbers: numbers[0]
    key(Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: main.number.text() == "A002")
    app.ask_transfer = lambda *args: TransferChoice(to_service="YB")
    key(Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: main.notice.text() == "A002 已转移至 医保")
    key(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: main.number.text() == "A002")
    app.confirm_no_show = lambda parent, texts, number: True
    key(Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: main.notice.text() == "A002 已弃号")


def test_offline_banner_then_silent_relogin_after_a_restart_on_the_same_port(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    hall.take("SB")
    hall.take("SB")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "2")
    click(qtbot, app, "call_next")
    port = hall.port

    hall.stop()
    qtbot.waitUntil(lambda: app.model.link is LinkState.OFFLINE, timeout=10_000)
    main = app.main
    assert main.banner.isVisibleTo(main) and main.banner.text().startswith("网络中断")
    assert main.banner.property("level") == "offline"
    assert enabled(app) == set() and main.number.text() == "A001"  # last known state stays
    assert not app.compact.buttons["finish"].isEnabled()
    app.controller.act(Action.FINISH)  # sends nothing while offline
    assert not app.model.busy

    hall.start()
    assert hall.port == port
    qtbot.waitUntil(lambda: app.model.link is LinkState.SIGNED_IN, timeout=20_000)
    qtbot.waitUntil(lambda: main.notice.text() == "网络已恢复")
    assert not main.banner.isVisibleTo(main)
    assert main.number.text() == "A001" and app.model.mode is WindowMode.SERVING
    hall.take("SB")  # seen live after the reconnect
    qtbot.waitUntil(lambda: main.waiting_count.text() == "2")
    click(qtbot, app, "finish")  # the session works again
    assert main.notice.text() == "A001 已办结"


def test_compact_mode_is_a_small_always_on_top_strip(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    hall.take("SB")
    qtbot.waitUntil(lambda: app.compact.buttons["call_next"].isEnabled())
    app.main.compact_button.click()
    compact = app.compact
    qtbot.waitExposed(compact)
    assert compact.isVisible() and not app.main.isVisible()
    flags = compact.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint and flags & Qt.WindowType.FramelessWindowHint
    assert compact.height() < 120 and compact.width() < 900, compact.size()
    assert set(compact.buttons) == {
        "call_next",
        "recall",
        "no_show",
        "finish",
        "pause_resume",
        "invite_rating",
    }
    compact.buttons["call_next"].click()
    qtbot.waitUntil(lambda: not app.model.busy)
    assert compact.number.text() == "A001"
    assert compact.service.text() == "社保" and compact.timer.text().startswith("办理时长")
    assert {c for c, b in compact.buttons.items() if b.isEnabled()} == {
        "recall",
        "no_show",
        "finish",
    }
    compact.activateWindow()
    qtbot.waitUntil(compact.isActiveWindow)
    QTest.keyClick(compact, Qt.Key.Key_F4)  # the shortcuts work on the strip too
    qtbot.waitUntil(lambda: app.model.mode is WindowMode.IDLE)
    assert compact.number.text() == "——"
    compact.expand.click()
    assert app.main.isVisible() and not compact.isVisible()


def test_starting_compact_and_in_english(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk(lang="en", compact=True)
    assert app.compact.isVisible() and not app.main.isVisible()
    assert app.compact.buttons["call_next"].label_text() == "Call next"
    app.set_compact(False)
    login(qtbot, app)
    assert app.main.mode_pill.text() == "Idle" and app.main.window_name.text() == "Window 3"
    assert app.compact.buttons["invite_rating"].label_text() == "Invite"
    assert app.main.notice.text() == "Welcome, 职员s3"


def test_signing_out_returns_to_the_login_page(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    app.main.logout_button.click()
    qtbot.waitUntil(lambda: app.main.pages.currentWidget() is app.main.login_page)
    assert app.model.mode is WindowMode.CLOSED and app.main.notice.text() == "已签退"
    assert set(ALL) >= enabled(app) == set()


def test_a_window_closed_elsewhere_returns_to_the_login_page(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    bridge = hall.client("bridge-1")  # e.g. the hardware keypad on the desk signs out
    hall.request(bridge, "logout", window=3)
    qtbot.waitUntil(lambda: app.main.pages.currentWidget() is app.main.login_page)
    assert not app.model.logged_in and enabled(app) == set()


def lose_events(monkeypatch: pytest.MonkeyPatch, app: ClerkApp) -> list[dict[str, Any]]:
    """From now on the live hall model never sees the pushed events; they are collected instead."""
    lost: list[dict[str, Any]] = []

    def apply_event(event: dict[str, Any]) -> bool:
        lost.append(event)
        return True

    monkeypatch.setattr(app.link.model, "apply_event", apply_event)
    return lost


def test_missed_events_are_noticed_and_a_snapshot_repairs_the_screen(
    qtbot: QtBot,
    hall: HallThread,
    make_clerk: Callable[..., ClerkApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_clerk()
    login(qtbot, app)
    hall.take("SB")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "1")
    lost = lose_events(monkeypatch, app)
    hall.take("SB")
    hall.take("YB")
    qtbot.waitUntil(lambda: len(lost) == 2)
    monkeypatch.undo()
    assert app.main.waiting_count.text() == "1"
    hall.take("HJ")  # the next event shows the gap
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "4")
    assert app.link.model.seq == hall.service.seq


def test_starting_while_the_server_is_down_says_offline_then_connects(
    qtbot: QtBot, hall: HallThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clerk_app, "CONNECT_GRACE_MS", 200)
    hall.stop()
    app = clerk_app.ClerkApp(hall.url, 3, "clerk-3", hall.token("clerk-3"))
    qtbot.addWidget(app.main)
    qtbot.addWidget(app.compact)
    try:
        app.start()
        assert app.main.banner.text() == "正在连接服务器…"
        assert not app.main.login_button.isEnabled()
        qtbot.waitUntil(lambda: app.main.banner.text().startswith("网络中断"))
        app.controller.login("s3", "1003")  # nothing can be sent
        assert app.main.login_error.text() == "网络中断，操作未发送"
        hall.start()
        qtbot.waitUntil(lambda: app.model.link is LinkState.ONLINE, timeout=20_000)
        assert not app.main.banner.isVisibleTo(app.main) and app.main.login_button.isEnabled()
        login(qtbot, app)
    finally:
        app.shutdown()


def test_the_counter_runs_live_and_a_double_click_calls_once(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    hall.take("SB")
    hall.take("SB")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "2")
    seq = hall.service.seq
    button = app.main.buttons["call_next"]
    button.click()
    button.click()  # off while the first call is on its way
    qtbot.waitUntil(lambda: app.model.mode is WindowMode.SERVING)
    qtbot.waitUntil(lambda: hall.service.seq >= seq + 1)
    assert hall.service.seq == seq + 1 and app.main.waiting_count.text() == "1"
    assert app.main.timer.text() in ("00:00", "00:01")
    qtbot.waitUntil(lambda: app.main.timer.text() in ("00:01", "00:02"), timeout=4000)
    assert app.compact.timer.text().startswith("办理时长 00:0")


def test_a_refused_action_resyncs_the_screen_from_a_snapshot(
    qtbot: QtBot,
    hall: HallThread,
    make_clerk: Callable[..., ClerkApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_clerk()
    login(qtbot, app)
    hall.take("SB")
    qtbot.waitUntil(lambda: app.main.buttons["call_next"].isEnabled())
    lost = lose_events(monkeypatch, app)  # the app misses that the keypad paused the window
    hall.request(hall.client("bridge-1"), "pause", window=3)
    qtbot.waitUntil(lambda: "window_paused" in [e["kind"] for e in lost])
    monkeypatch.undo()
    assert app.model.mode is WindowMode.IDLE
    click(qtbot, app, "call_next")
    qtbot.waitUntil(lambda: app.model.mode is WindowMode.PAUSED)
    assert app.main.notice.property("level") == "error" and "暂停" in app.main.notice.text()
    assert enabled(app) == {"pause_resume"}
