"""The clerk app with 一件事 and 帮办代办 tickets against a real server: the steps done and to
come, what finishing a step does next, and the agent who took a ticket."""

from __future__ import annotations

from collections.abc import Callable

from clerkkit import HallThread, login, screenshot
from hallkit import AGENT, AGENT_PIN, bundle_hall
from pytestqt.qtbot import QtBot

from clerk.app import ClerkApp


def click(qtbot: QtBot, app: ClerkApp, command: str) -> None:
    app.main.buttons[command].click()
    qtbot.waitUntil(lambda: not app.model.busy)


def test_a_bundle_served_at_one_window_step_by_step_and_an_agents_ticket(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    hall.stop()
    hall.hall = bundle_hall()  # 一件事 BIRTH: 户籍, 社保, 医保; window 3 serves all three
    hall.start()
    kiosk = hall.client("kiosk-1")
    hall.request(kiosk, "take_bundle", bundle="BIRTH", request_id="b1")
    agent = hall.client("agent-1")
    hall.request(agent, "agent_login", staff=AGENT, pin=AGENT_PIN)
    hall.request(agent, "take_for_citizen", request_id="p1", citizen_id="13800138000", service="SB")

    app = make_clerk(window=3)
    main = app.main
    qtbot.waitExposed(main)
    login(qtbot, app)
    qtbot.waitUntil(lambda: main.buttons["call_next"].isEnabled())
    click(qtbot, app, "call_next")
    qtbot.waitUntil(lambda: main.number.text() == "X001")
    steps = main.steps.text()
    assert "新生儿出生一件事" in steps
    assert "户籍（本窗口办理） → 社保（待办） → 医保（待办）" in steps
    assert "下一步 社保 继续在本窗口办理" in steps
    screenshot(main, "zh-bundle-step-1")

    click(qtbot, app, "finish")  # 户籍 done: 社保 at this window, the same number
    qtbot.waitUntil(lambda: "户籍（已办） → 社保（本窗口办理）" in main.steps.text())
    assert main.number.text() == "X001"
    click(qtbot, app, "finish")
    click(qtbot, app, "finish")  # the last step: done
    qtbot.waitUntil(lambda: main.number.text() != "X001")

    click(qtbot, app, "call_next")  # the agent's ticket: a normal number, marked 代办
    qtbot.waitUntil(lambda: main.number.text() == "A001")
    assert main.steps.text() == f"帮办代办 · 代办员 {AGENT}"
    screenshot(main, "zh-proxy")
