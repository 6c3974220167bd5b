"""The 帮办代办 agent app against a real server: log in with the agent role, take numbers for
citizens (a service's and a 一件事 bundle's) and see the ones held; a screenshot to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hallkit import AGENT, AGENT_PIN, PINS, bundle_hall
from kioskkit import HallThread
from pytestqt.qtbot import QtBot

from agent.app import AgentWindow
from appkit.link import ServerLink
from queue_server.bookings import citizen_hash, secret_of

OUT = Path(__file__).resolve().parents[2] / "artifacts" / "agent"


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallThread]:
    server = HallThread(tmp_path, bundle_hall())
    server.start()
    yield server
    server.close()


@pytest.fixture
def window(qtbot: QtBot, hall: HallThread) -> Iterator[AgentWindow]:
    link = ServerLink(hall.url, "agent", "agent-1", hall.token("agent-1"))
    shown = AgentWindow(link, "agent-1")
    qtbot.addWidget(shown)
    shown.show()
    link.start()
    yield shown
    link.stop()


def test_an_agent_logs_in_takes_numbers_for_citizens_and_sees_them(
    qtbot: QtBot, hall: HallThread, window: AgentWindow
) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    qtbot.waitUntil(lambda: window.choice.count() == 4)  # the bundle, then three services
    window.staff_edit.setText("s1")  # a clerk, not an agent
    window.pin_edit.setText(PINS["s1"])
    window.login_button.click()
    qtbot.waitUntil(lambda: "不是帮办代办员" in window.login_error.text())
    window.staff_edit.setText(AGENT)
    window.pin_edit.setText(AGENT_PIN)
    window.login_button.click()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1)
    assert window.who.text() == f"帮办代办员：帮办员（{AGENT}）"

    window.take_button.click()  # nobody named yet: nothing sent
    assert window.result.text() == "请填写办事群众身份"
    assert window.choice.currentText() == "一件事 · 新生儿出生一件事"
    window.citizen_edit.setText("110105 19491231 0021")  # a wrong check digit: nothing sent
    window.take_button.click()
    assert window.result.text() == "请输入11位手机号码或18位身份证号码，请核对"
    window.citizen_edit.setText("110105 19491231 002x")
    window.take_button.click()
    qtbot.waitUntil(lambda: window.result.text() == "已取号 X001")
    window.choice.setCurrentIndex(window.choice.findText("社保"))
    window.citizen_edit.setText("13800000000")
    window.take_button.click()
    qtbot.waitUntil(lambda: window.held.count() == 2)
    assert window.choice.currentText() == "社保"  # kept while the waiting counts move
    lines = [window.held.item(i).text() for i in range(2)]
    assert lines == ["X001  新生儿出生一件事  · 等候中 · 步骤 1/3", "A001  社保  · 等候中"]
    assert window.grab().save(str(OUT / "agent-zh.png"))

    [bundle, single] = hall.events("ticket_issued")
    assert (bundle["proxy"], single["proxy"]) == (AGENT, AGENT)
    # Hashed by the server with the hall's secret, as 预约 hashes it; the number is not kept.
    assert bundle["citizen_hash"] == citizen_hash(secret_of(hall.hall), "11010519491231002X")
    assert single["citizen_hash"] == citizen_hash(secret_of(hall.hall), "13800000000")
    assert "19491231" not in str(bundle) and "13800000000" not in str(single)

    hall.open_window(4, "s2")  # 户籍: X001 is called there; the held list follows
    clerk = hall.clerks[-1]
    hall.run(clerk.request("call_next", window=4))
    qtbot.waitUntil(lambda: "请到 4 号窗口" in window.held.item(0).text())
