"""The wall against a real server: what it shows of the hall, the manager's log-in, alerts and
actions, and the lost connection."""

from __future__ import annotations

from typing import Any

from hallkit import PINS
from pytestqt.qtbot import QtBot
from wallkit import HallThread, MakeWall, inject, shows

from wall.app import WallApp
from wall.dialogs import Contact, NoticeText, Resolution


def cell(wall: WallApp, table: str, key: Any, column: int) -> str:
    cells = wall.view.service_cells if table == "services" else wall.view.window_cells
    found = cells.get(key)
    return found[column].text() if found is not None else ""


def test_reflects_a_ticket_taken_and_a_call(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall
) -> None:
    wall = make_wall()
    assert cell(wall, "windows", 3, 1) == "未开窗"
    ticket = hall.take("SB")
    qtbot.waitUntil(lambda: cell(wall, "services", "SB", 1) == "1")
    assert cell(wall, "services", "SB", 2) in ("0秒", "1秒", "2秒")
    assert wall.view.tiles["waiting_now"].text() == "1"
    assert wall.view.tiles["issued"].text() == "1"

    clerk = hall.clerk(3)
    hall.request(clerk, "call_next", window=3)
    qtbot.waitUntil(lambda: cell(wall, "windows", 3, 3).startswith(ticket["number"]))
    assert cell(wall, "windows", 3, 1) == "服务中"
    assert cell(wall, "windows", 3, 2) == "职员s3"
    assert cell(wall, "services", "SB", 1) == "0"
    assert sum(wall.observed.calls[3].values()) == 1  # the calls chart has it

    hall.request(clerk, "finish", window=3)
    # today's figures: the server's kpis reply, asked again shortly after the finish
    qtbot.waitUntil(lambda: wall.view.tiles["served"].text() == "1", timeout=10_000)
    assert wall.controller.kpis is not None and wall.controller.kpis.total.issued == 1
    assert wall.view.tiles["wait_avg"].text() in ("0秒", "1秒", "2秒")
    hall.request(clerk, "pause", window=3, reason="lunch")
    qtbot.waitUntil(lambda: cell(wall, "windows", 3, 1) == "暂停 · 午休")
    assert wall.view.window_buttons[3].text() == "恢复"


def test_an_alert_shows_and_asks_for_a_manager(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall
) -> None:
    wall = make_wall()
    inject(
        wall.model,
        "alert_raised",
        alert="paper:kiosk-1",
        alert_kind="printer_paper",
        subject="kiosk-1",
        level="warning",
        text_zh="kiosk-1 打印机纸将用尽，请及时换纸",
        text_en="kiosk-1: printer paper running low",
    )
    qtbot.waitUntil(lambda: "paper:kiosk-1" in wall.view.ack_buttons)
    assert shows(wall, "kiosk-1 打印机纸将用尽", "告警 1 条")
    wall.view.ack_buttons["paper:kiosk-1"].click()  # nobody logged in: the log-in panel
    assert wall.view.login.isVisible()
    assert wall.view.status.text() == "请先登录管理员账号"


def test_stale_when_the_server_goes_away(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall
) -> None:
    wall = make_wall()
    hall.take("YB")
    qtbot.waitUntil(lambda: cell(wall, "services", "YB", 1) == "1")
    hall.stop()
    qtbot.waitUntil(lambda: wall.view.banner.isVisible(), timeout=10_000)
    assert wall.view.banner.text().startswith("与服务器的连接已断开 · 以下为 ")
    assert wall.view.link_pill.text() == "● 离线"
    assert cell(wall, "services", "YB", 1) == "1"  # the last state stays
    hall.start()
    qtbot.waitUntil(lambda: not wall.view.banner.isVisible(), timeout=15_000)


def test_an_action_while_offline_says_so(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall
) -> None:
    wall = make_wall()
    wall.controller.staff = "s1"  # as if logged in before the server went away
    hall.stop()
    qtbot.waitUntil(lambda: wall.view.online is False, timeout=10_000)
    wall.controller.post_notice("今日下午系统维护", None)
    qtbot.waitUntil(lambda: wall.view.status.text() == "网络中断，操作未发送")


def log_in(qtbot: QtBot, wall: WallApp, staff: str, pin: str) -> None:
    wall.view.login_button.click()
    panel = wall.view.login
    assert panel.isVisible()
    panel.staff_edit.setText(staff)
    panel.pin_edit.setText(pin)
    panel.sign_in.click()


def test_log_in_refused_with_the_wrong_pin_shows_the_text(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall
) -> None:
    wall = make_wall()
    log_in(qtbot, wall, "s4", "0000")
    qtbot.waitUntil(lambda: wall.view.login.error.text() == "工号或密码错误")
    assert wall.view.login.isVisible() and wall.controller.staff is None
    wall.view.login.pin_edit.setText(PINS["s1"])  # a clerk, not a manager
    wall.view.login.staff_edit.setText("s1")
    wall.view.login.sign_in.click()
    qtbot.waitUntil(lambda: wall.view.login.error.text() == "工号 s1 没有大厅管理员权限")
    assert wall.view.manager_line.text() == "仅查看 · 登录后可操作"


def test_a_manager_acknowledges_an_alert(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall
) -> None:
    wall = make_wall()
    kiosk = hall.call(hall.running.client("kiosk-1"))
    hall.request(kiosk, "device_status", status="printer_paper_near_end")
    qtbot.waitUntil(lambda: "paper:kiosk-1" in wall.view.ack_buttons, timeout=20_000)
    assert shows(wall, "kiosk-1 打印机纸将用尽")
    log_in(qtbot, wall, "s4", PINS["s4"])
    qtbot.waitUntil(lambda: wall.controller.staff == "s4")
    assert not wall.view.login.isVisible()
    assert wall.view.manager_line.text() == "值班管理员：职员s4（s4）"
    asked: list[str] = []

    button = wall.view.ack_buttons["paper:kiosk-1"]

    def note(parent: object, texts: object, alert: str) -> str:
        asked.append(alert)
        wall.refresh()  # the clock ticks on while the dialog is up: its row stays
        assert wall.view.ack_buttons["paper:kiosk-1"] is button
        return "已换纸"

    wall.ask_ack_note = note
    wall.view.ack_buttons["paper:kiosk-1"].click()
    qtbot.waitUntil(lambda: "paper:kiosk-1" not in wall.model.alerts)
    qtbot.waitUntil(lambda: shows(wall, "告警 0 条", "已确认告警"))
    assert asked == ["kiosk-1 打印机纸将用尽，请及时换纸"]


def test_a_manager_pauses_a_window_posts_the_notice_and_logs_out(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall
) -> None:
    wall = make_wall()
    hall.clerk(1)
    qtbot.waitUntil(lambda: cell(wall, "windows", 1, 1) == "空闲")
    log_in(qtbot, wall, "s4", PINS["s4"])
    qtbot.waitUntil(lambda: wall.controller.staff == "s4")
    wall.ask_pause_reason = lambda parent, texts, window: "meeting"
    wall.view.window_buttons[1].click()
    qtbot.waitUntil(lambda: cell(wall, "windows", 1, 1) == "暂停 · 会议")
    wall.view.window_buttons[1].click()  # 恢复
    qtbot.waitUntil(lambda: cell(wall, "windows", 1, 1) == "空闲")

    wall.ask_notice = lambda parent, texts, current: NoticeText("今日下午三点后暂停办理户籍", None)
    wall.view.notice_button.click()
    qtbot.waitUntil(lambda: wall.view.notice_text.text() == "今日下午三点后暂停办理户籍")

    wall.view.login_button.click()  # 退出登录
    assert wall.controller.staff is None and not wall.controller.remembers_login
    assert wall.view.manager_line.text() == "仅查看 · 登录后可操作"
    wall.view.window_buttons[1].click()  # no manager: asks for one, sends nothing
    assert wall.view.login.isVisible()


def test_a_manager_follows_up_a_bad_rating(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall
) -> None:
    wall = make_wall()
    ticket = hall.take("SB")
    clerk = hall.clerk(1)
    hall.request(clerk, "call_next", window=1)
    hall.request(clerk, "finish", window=1)
    evaluator = hall.call(hall.running.client("bridge-1"))  # the window's evaluator
    hall.request(evaluator, "rate", window=1, score=1)  # 非常不满意: a 差评 work order
    qtbot.waitUntil(lambda: bool(wall.view.followup_buttons), timeout=10_000)
    (key,) = {k for k, _ in wall.view.followup_buttons}
    assert shows(wall, f"{ticket['number']} 社保 · 1号窗口  非常不满意", "差评整改 1 件")
    assert shows(wall, "责任人：s1")  # 谁办理谁负责
    log_in(qtbot, wall, "s4", PINS["s4"])
    qtbot.waitUntil(lambda: wall.controller.staff == "s4")

    wall.ask_owner = lambda parent, texts, number, staff, current: "s2"
    wall.view.followup_buttons[(key, "assign")].click()
    qtbot.waitUntil(lambda: wall.model.followups[key].owner == "s2")
    qtbot.waitUntil(lambda: shows(wall, "责任人：s2"))

    wall.ask_contact = lambda parent, texts, number: Contact("phone", "群众表示等候太久")
    wall.view.followup_buttons[(key, "contact")].click()
    qtbot.waitUntil(lambda: len(wall.model.followups[key].contacts) == 1)
    qtbot.waitUntil(lambda: shows(wall, "已回访 1 次"))

    wall.ask_resolution = lambda parent, texts, number: Resolution("fixed", "已增开窗口")
    wall.view.followup_buttons[(key, "resolve")].click()
    qtbot.waitUntil(lambda: wall.model.followups[key].outcome == "fixed")
    qtbot.waitUntil(lambda: shows(wall, "差评整改 0 件", f"{ticket['number']} 已办结"))


def test_the_manager_stays_logged_in_across_a_server_restart(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall
) -> None:
    wall = make_wall()
    log_in(qtbot, wall, "s4", PINS["s4"])
    qtbot.waitUntil(lambda: wall.controller.staff == "s4")
    hall.stop()
    qtbot.waitUntil(lambda: wall.view.online is False, timeout=10_000)
    hall.start()
    qtbot.waitUntil(lambda: wall.view.online is True, timeout=15_000)
    wall.ask_notice = lambda parent, texts, current: NoticeText("系统已恢复", "Back to normal")
    assert wall.controller.staff == "s4"  # the silent log-in went first on the new connection
    wall.view.notice_button.click()
    qtbot.waitUntil(lambda: wall.view.notice_text.text() == "系统已恢复", timeout=10_000)
