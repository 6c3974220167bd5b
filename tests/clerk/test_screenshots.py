"""Screenshots of the clerk app in each state, for people to look at.

They are written to artifacts/screenshots/clerk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from clerkkit import HallThread, login, screenshot
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from clerk.app import ClerkApp
from clerk.model import LinkState, WindowMode


def click(qtbot: QtBot, app: ClerkApp, command: str) -> None:
    app.main.buttons[command].click()
    qtbot.waitUntil(lambda: not app.model.busy)


def serve_one_with_a_bad_rating(qtbot: QtBot, hall: HallThread, app: ClerkApp) -> None:
    hall.take("SB")
    qtbot.waitUntil(lambda: app.main.buttons["call_next"].isEnabled())
    click(qtbot, app, "call_next")
    click(qtbot, app, "finish")
    hall.rate(3, 1)
    qtbot.waitUntil(lambda: app.model.last_rating is not None)


def check(path: Path, width: int, height: int) -> None:
    image = QImage(str(path))
    assert (image.width(), image.height()) == (width, height)


def test_chinese_screens(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    main = app.main
    qtbot.waitExposed(main)
    check(screenshot(main, "zh-1-login"), main.width(), main.height())
    main.staff_edit.setText("s3")
    main.pin_edit.setText("9999")
    main.login_button.click()
    qtbot.waitUntil(lambda: main.login_error.text() != "")
    screenshot(main, "zh-2-login-wrong-pin")
    login(qtbot, app)
    for service, cls in (("SB", "normal"), ("YB", "normal"), ("HJ", "normal"), ("SB", "priority")):
        hall.take(service, cls=cls)
    qtbot.waitUntil(lambda: main.waiting_count.text() == "4")
    screenshot(main, "zh-3-idle")

    click(qtbot, app, "call_next")
    click(qtbot, app, "park")
    serve_one_with_a_bad_rating(qtbot, hall, app)
    hall.take("SB", cls="priority")
    hall.take("HJ", cls="appointment")
    qtbot.waitUntil(lambda: main.waiting_count.text() == "5")
    click(qtbot, app, "call_next")
    assert app.model.mode is WindowMode.SERVING
    screenshot(main, "zh-4-serving")
    main.resize(main.minimumSize())
    screenshot(main, "zh-4-serving-smallest")
    main.resize(1366, 740)
    screenshot(main, "zh-4-serving-wide")
    main.resize(1040, 700)

    app.set_compact(True)
    qtbot.waitExposed(app.compact)
    screenshot(app.compact, "zh-7-compact-serving")
    app.set_compact(False)

    click(qtbot, app, "finish")
    app.ask_pause_reason = lambda parent, texts: "lunch"
    click(qtbot, app, "pause_resume")
    assert app.model.mode is WindowMode.PAUSED and main.mode_pill.text() == "暂停中 · 午休"
    screenshot(main, "zh-5-paused")
    app.set_compact(True)
    qtbot.waitExposed(app.compact)
    screenshot(app.compact, "zh-7-compact-paused")
    app.set_compact(False)
    click(qtbot, app, "pause_resume")

    hall.stop()
    qtbot.waitUntil(lambda: app.model.link is LinkState.OFFLINE, timeout=10_000)
    screenshot(main, "zh-6-offline")
    app.set_compact(True)
    qtbot.waitExposed(app.compact)
    screenshot(app.compact, "zh-8-compact-offline")
    app.set_compact(False)
    hall.start()
    qtbot.waitUntil(lambda: app.model.link is LinkState.SIGNED_IN, timeout=20_000)

    main.logout_button.click()
    qtbot.waitUntil(lambda: main.pages.currentWidget() is main.login_page)
    assert main.pin_edit.text() == ""
    screenshot(main, "zh-11-login-after-sign-out")


def test_english_screens(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk(lang="en")
    main = app.main
    qtbot.waitExposed(main)
    screenshot(main, "en-1-login")
    login(qtbot, app)
    serve_one_with_a_bad_rating(qtbot, hall, app)
    hall.take("YB", cls="priority")
    hall.take("SB")
    qtbot.waitUntil(lambda: main.buttons["call_next"].isEnabled())
    click(qtbot, app, "call_next")
    screenshot(main, "en-2-serving")
    app.set_compact(True)
    qtbot.waitExposed(app.compact)
    screenshot(app.compact, "en-3-compact")
    app.set_compact(False)

    click(qtbot, app, "finish")
    app.ask_pause_reason = lambda parent, texts: "away"
    click(qtbot, app, "pause_resume")
    assert main.mode_pill.text() == "Paused · Away briefly"
    screenshot(main, "en-4-paused")
    app.set_compact(True)
    qtbot.waitExposed(app.compact)
    screenshot(app.compact, "en-5-compact-paused")
