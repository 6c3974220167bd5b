"""What a hall hits on its first day: a shared desk, a slip of the finger, a clerk who pauses.

The clerk app (offscreen) against a real queue server on localhost with a real SQLite file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clerkkit import HallThread, login
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clerk.app import ClerkApp
from clerk.model import LinkState, WindowMode
from clerk.texts import PAUSE_REASONS, Texts
from queue_server import protocol


def window_3(hall: HallThread) -> dict[str, Any]:
    """Window 3 as the manager sees it (boards are not told staff ids)."""
    snap = hall.request(hall.client("manager-1"), "snapshot")
    window: dict[str, Any] = next(w for w in snap["windows"] if w["number"] == 3)
    return window


def click(qtbot: QtBot, app: ClerkApp, command: str) -> None:
    """Click a button and wait until its request, if one was sent, has been answered."""
    button = app.main.buttons[command]
    assert button.isEnabled(), f"{command} is off"
    button.click()
    qtbot.waitUntil(lambda: not app.model.busy)


def press(qtbot: QtBot, app: ClerkApp, key: Qt.Key) -> None:
    main = app.main
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    QTest.keyClick(main, key)
    qtbot.waitUntil(lambda: not app.model.busy)


def serving(qtbot: QtBot, hall: HallThread, app: ClerkApp, count: int = 1) -> None:
    for _ in range(count):
        hall.take("SB")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == str(count))
    click(qtbot, app, "call_next")
    assert app.model.mode is WindowMode.SERVING


# -- 签退 leaves nothing behind -------------------------------------------------------------


def test_after_signing_out_the_next_person_cannot_log_in_with_one_click(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    main = app.main
    login(qtbot, app)
    assert main.pin_edit.text() == ""  # not even kept on the hidden page while signed in
    main.logout_button.click()
    qtbot.waitUntil(lambda: main.pages.currentWidget() is main.login_page)
    assert main.pin_edit.text() == "" and main.login_error.text() == ""
    assert not app.controller.remembers_login
    main.login_button.click()  # the next person, one click
    assert main.login_error.text() == "请输入工号和密码"
    qtbot.waitUntil(lambda: not app.model.busy)
    assert not app.model.logged_in and window_3(hall)["state"] == "closed"


def test_a_window_closed_at_the_keypad_is_not_reopened_after_a_reconnect(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    main = app.main
    login(qtbot, app)
    hall.request(hall.client("bridge-1"), "logout", window=3)
    qtbot.waitUntil(lambda: main.pages.currentWidget() is main.login_page)
    assert main.pin_edit.text() == "" and not app.controller.remembers_login

    hall.stop()
    qtbot.waitUntil(lambda: app.model.link is LinkState.OFFLINE, timeout=10_000)
    hall.start()
    qtbot.waitUntil(lambda: app.model.link is LinkState.ONLINE, timeout=20_000)
    # A silent re-login would have been sent with the welcome just handled; none was.
    assert not app.controller.remembers_login and not app.model.logged_in
    assert main.pages.currentWidget() is main.login_page and main.pin_edit.text() == ""


def test_a_refused_relogin_returns_to_an_empty_login_form(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    main = app.main
    login(qtbot, app)
    hall.stop()
    qtbot.waitUntil(lambda: app.model.link is LinkState.OFFLINE, timeout=10_000)
    hall.start()
    # Before the app's event loop sees the server again, another clerk takes window 3.
    hall.request(hall.client("bridge-1"), "logout", window=3)
    hall.request(hall.client("clerk-3"), "login", window=3, staff="s1", pin="1001")
    qtbot.waitUntil(lambda: "自动重新登录失败" in main.login_error.text(), timeout=20_000)
    assert main.pages.currentWidget() is main.login_page
    assert main.pin_edit.text() == "" and not app.controller.remembers_login
    assert window_3(hall)["staff"] == "s1"


# -- 弃号 asks first --------------------------------------------------------------------------


def test_no_show_asks_first_and_a_no_sends_nothing(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    serving(qtbot, hall, app)
    asked: list[str] = []

    def declined(parent: QWidget | None, texts: Texts, number: str) -> bool:
        asked.append(number)
        return False

    app.confirm_no_show = declined
    seq = hall.service.seq
    app.main.buttons["no_show"].click()
    assert asked == ["A001"] and not app.model.busy
    assert hall.service.seq == seq and app.main.number.text() == "A001"

    def confirmed(parent: QWidget | None, texts: Texts, number: str) -> bool:
        asked.append(number)
        return True

    app.confirm_no_show = confirmed
    click(qtbot, app, "no_show")
    assert asked == ["A001", "A001"] and app.main.notice.text() == "A001 已弃号"
    assert app.model.mode is WindowMode.IDLE


def test_f3_asks_too_and_so_does_the_compact_strip(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    serving(qtbot, hall, app, count=2)
    asked: list[str] = []

    def declined(parent: QWidget | None, texts: Texts, number: str) -> bool:
        asked.append(number)
        return False

    app.confirm_no_show = declined
    seq = hall.service.seq
    press(qtbot, app, Qt.Key.Key_F3)
    assert asked == ["A001"] and hall.service.seq == seq
    app.set_compact(True)
    qtbot.waitExposed(app.compact)
    app.compact.buttons["no_show"].click()
    assert asked == ["A001", "A001"] and hall.service.seq == seq
    app.set_compact(False)

    def confirmed(parent: QWidget | None, texts: Texts, number: str) -> bool:
        asked.append(number)
        return True

    app.confirm_no_show = confirmed
    press(qtbot, app, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: app.main.notice.text() == "A001 已弃号")


def test_a_yes_to_one_number_never_drops_the_next(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    """While the dialog is up, the desk keypad marks A001 itself and calls A002."""
    app = make_clerk()
    login(qtbot, app)
    serving(qtbot, hall, app, count=2)
    keypad = hall.client("bridge-1")

    def meanwhile(parent: QWidget | None, texts: Texts, number: str) -> bool:
        hall.request(keypad, "no_show", window=3)
        hall.request(keypad, "call_next", window=3)
        qtbot.waitUntil(
            lambda: app.model.current is not None and app.model.current.number == "A002"
        )
        return True

    app.confirm_no_show = meanwhile
    seq = hall.service.seq
    app.main.buttons["no_show"].click()
    assert hall.service.seq == seq + 2 and not app.model.busy
    assert window_3(hall)["current"]["number"] == "A002"


# -- 签退 while paused --------------------------------------------------------------------------


def test_sign_out_while_paused(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    main = app.main
    login(qtbot, app)
    app.ask_pause_reason = lambda parent, texts: "lunch"
    click(qtbot, app, "pause_resume")
    assert app.model.mode is WindowMode.PAUSED
    assert main.logout_button.isEnabled()
    main.logout_button.click()
    qtbot.waitUntil(lambda: main.pages.currentWidget() is main.login_page)
    assert main.notice.text() == "已签退" and window_3(hall)["state"] == "closed"


def test_no_sign_out_while_a_paused_window_still_serves(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    login(qtbot, app)
    serving(qtbot, hall, app)
    hall.request(hall.client("bridge-1"), "pause", window=3, reason="fault")
    qtbot.waitUntil(lambda: app.model.mode is WindowMode.PAUSED)
    assert not app.main.logout_button.isEnabled()


# -- why a window pauses ----------------------------------------------------------------------


def test_the_app_knows_the_servers_pause_reasons() -> None:
    assert set(PAUSE_REASONS) == set(protocol.PAUSE_REASONS)


def test_pause_asks_why_sends_it_and_shows_it(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    main, compact = app.main, app.compact
    login(qtbot, app)
    asked: list[QWidget | None] = []

    def ask_pause_reason(parent: QWidget | None, texts: Texts) -> str | None:
        asked.append(parent)
        return None  # cancelled

    app.ask_pause_reason = ask_pause_reason
    seq = hall.service.seq
    main.buttons["pause_resume"].click()
    assert asked == [main] and hall.service.seq == seq and app.model.mode is WindowMode.IDLE

    app.ask_pause_reason = lambda parent, texts: "lunch"
    click(qtbot, app, "pause_resume")
    assert window_3(hall)["pause_reason"] == "lunch"
    assert main.mode_pill.text() == "暂停中 · 午休"
    assert main.hint.text() == "暂停原因：午休，按 F9 恢复服务"
    assert compact.service.text() == "暂停中 · 午休"

    click(qtbot, app, "pause_resume")  # resume
    assert app.model.mode is WindowMode.IDLE and main.mode_pill.text() == "空闲"
    app.ask_pause_reason = lambda parent, texts: "meeting"
    press(qtbot, app, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: main.mode_pill.text() == "暂停中 · 会议")
    assert window_3(hall)["pause_reason"] == "meeting"


def test_a_pause_at_the_keypad_shows_its_reason_too(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk(lang="en")
    login(qtbot, app)
    keypad = hall.client("bridge-1")
    hall.request(keypad, "pause", window=3, reason="fault")
    qtbot.waitUntil(lambda: app.main.mode_pill.text() == "Paused · System fault")
    assert app.compact.service.text() == "Paused\nSystem fault"
    hall.request(keypad, "resume", window=3)
    qtbot.waitUntil(lambda: app.main.mode_pill.text() == "Idle")
    assert app.compact.service.text() == "Idle"
