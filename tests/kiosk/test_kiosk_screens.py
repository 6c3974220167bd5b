"""Every screen and failure of the kiosk, offscreen, against a real server and a fake printer.

Taps are `button.click()`; waits are `qtbot.waitUntil`/`waitSignal`, never sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
from kioskkit import HallThread, KioskRig, take_of
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QGridLayout, QWidget
from pytestqt.qtbot import QtBot

from drivers.printer.fake import FakePrinter
from drivers.printer.stream import to_text
from kiosk.flow import Stage
from kiosk.screens import columns
from kiosk.theme import sizes
from queue_server.wording import wait_minutes, wait_phrase

RICH = pytest.mark.parametrize("hall_server", ["rich"], indirect=True)


def cell(grid: QGridLayout, widget: QWidget) -> tuple[int, int]:
    """The (row, column) of `widget` in `grid`."""
    row, column, _, _ = cast(tuple[int, int, int, int], grid.getItemPosition(grid.indexOf(widget)))
    return row, column


def wait_stage(rig: KioskRig, stage: Stage, timeout: int = 5000) -> None:
    rig.qtbot.waitUntil(lambda: rig.flow.stage is stage, timeout=timeout)


def take_sb(rig: KioskRig) -> None:
    rig.window.home.category_buttons["社会保障"].click()
    rig.window.category.service_buttons["SB"].click()


def test_home_shows_categories_with_waiting_counts_and_follows_the_server(kiosk: KioskRig) -> None:
    home = kiosk.window.home
    assert kiosk.window.screen_now is home
    assert home.title.text() == "请选择办理类别"
    assert list(home.category_buttons) == ["社会保障", "公安服务"]
    social = home.category_buttons["社会保障"]
    assert social.title.text() == "社会保障" and social.badge.text() == "0 人等候"
    assert social.isEnabled() and social.height() >= 150  # a big touch target
    assert home.priority_button.title.text() == "绿色通道"
    assert home.appointment_button.title.text() == "预约签到"
    assert not kiosk.window.banner.isVisible()
    assert kiosk.window.topbar.hall.text() == "测试县政务服务中心"
    kiosk.server.take("kiosk-2", "SB", "k2-1")
    kiosk.server.take("kiosk-2", "YB", "k2-2")
    kiosk.qtbot.waitUntil(lambda: social.badge.text() == "2 人等候", timeout=3000)


@RICH
def test_closed_and_quota_services_are_disabled_with_the_reason(kiosk: KioskRig) -> None:
    home = kiosk.window.home
    assert list(home.category_buttons) == [
        "社会保障",
        "公安服务",
        "不动产",
        "税务服务",
        "市场监管",
        "住房公积金",
    ]
    home.category_buttons["社会保障"].click()
    services = kiosk.window.category.service_buttons
    assert services["SB"].isEnabled() and services["SB"].badge.text() == "当前等候 0 人"
    assert not services["YB"].isEnabled() and services["YB"].badge.text() == "今日号已取完"
    services["YB"].click()  # a disabled button does nothing, and the flow would refuse anyway
    kiosk.controller.tap_service("YB")
    assert kiosk.flow.stage is Stage.CATEGORY
    kiosk.window.category.back_button.click()
    home.category_buttons["公安服务"].click()
    assert not services["CR"].isEnabled() if "CR" in services else True
    services = kiosk.window.category.service_buttons
    assert services["CR"].badge.text() == "休息中" and not services["CR"].isEnabled()
    assert services["HJ"].isEnabled()


def test_two_taps_show_printing_then_done_with_the_number_big(kiosk: KioskRig) -> None:
    home = kiosk.window.home
    home.category_buttons["社会保障"].click()
    category = kiosk.window.category
    assert kiosk.window.screen_now is category
    assert category.title.text() == "请选择办理事项" and category.subtitle.text() == "社会保障"
    assert [category.service_buttons[c].title.text() for c in ("SB", "YB")] == ["社保", "医保"]
    category.service_buttons["SB"].click()
    assert kiosk.window.screen_now is kiosk.window.printing  # at once, before any reply
    assert kiosk.window.printing.title.text() == "正在出票…"
    wait_stage(kiosk, Stage.DONE)
    done = kiosk.window.done
    assert kiosk.window.screen_now is done
    assert done.title.text() == "请取走您的票"
    assert done.number.text() == "A001" and done.service.text() == "社保"
    assert done.location.text() == "请到：一楼 1–4 号窗口"
    assert not done.chip.isVisible()
    assert kiosk.printer.wait_for_cut(1, 2)
    done.done_button.click()
    assert kiosk.window.screen_now is kiosk.window.home


def printed_text(rig: KioskRig, n: int) -> list[str]:
    """What the n-th printed ticket says, one line each."""
    assert rig.printer.wait_for_cut(n + 1, 2)
    return to_text(rig.printer.tickets()[n]).splitlines()


def test_no_open_window_is_said_on_screen_and_paper_then_one_estimate_in_one_wording(
    kiosk: KioskRig,
) -> None:
    take_sb(kiosk)
    wait_stage(kiosk, Stage.DONE)
    done = kiosk.window.done
    assert done.wait.text() == "暂无窗口开放，开放后按顺序叫号"  # never "预计等候约 5 分钟"
    assert "暂无窗口开放，开放后按顺序叫号" in printed_text(kiosk, 0)
    assert not any("分钟" in line for line in printed_text(kiosk, 0))
    done.done_button.click()

    kiosk.server.open_window(1, "s1")  # window 1 serves SB
    take_sb(kiosk)
    wait_stage(kiosk, Stage.DONE)
    ticket = kiosk.flow.ticket
    assert ticket is not None
    zh, _ = wait_phrase(ticket["ahead"], ticket["estimated_wait_s"], ticket["open_windows"])
    assert (ticket["ahead"], ticket["open_windows"]) == (1, 1)
    assert (
        done.wait.text()
        == zh
        == f"前面还有 1 人，预计等候约 {wait_minutes(ticket['estimated_wait_s'])} 分钟"
    )
    assert zh in printed_text(kiosk, 1)
    kiosk.window.topbar.language_button.click()
    assert done.wait.text() == wait_phrase(1, ticket["estimated_wait_s"], 1)[1]


def test_a_double_tap_takes_one_ticket(kiosk: KioskRig) -> None:
    kiosk.window.home.category_buttons["社会保障"].click()
    tile = kiosk.window.category.service_buttons["SB"]
    tile.click()
    tile.click()  # the second tap of a double tap, while the request is in flight
    kiosk.controller.tap_service("SB")
    wait_stage(kiosk, Stage.DONE)
    kiosk.controller.tap_service("SB")  # and a late one on the done screen
    assert [t["number"] for t in kiosk.server.tickets()] == ["A001"]
    assert kiosk.printer.wait_for_cut(1, 2) and len(kiosk.printer.tickets()) == 1


def test_language_switch_and_back(kiosk: KioskRig) -> None:
    window = kiosk.window
    window.topbar.language_button.click()
    assert window.topbar.language_button.text() == "中文"
    assert window.home.title.text() == "Choose a category"
    assert window.topbar.hall.text() == "Test County Service Center"
    social = window.home.category_buttons["社会保障"]
    assert social.detail.text() == "Social Insurance · Medical Insurance"
    assert social.badge.text() == "0 waiting"
    assert window.home.priority_button.title.text() == "Priority lane"
    social.click()
    sb = window.category.service_buttons["SB"]
    assert sb.title.text() == "Social Insurance" and sb.detail.text() == "社保"
    assert window.category.back_button.text() == "Back"
    sb.click()
    assert window.printing.title.text() == "Printing..."
    wait_stage(kiosk, Stage.DONE)
    assert window.done.title.text() == "Please take your ticket"
    assert window.done.service.text() == "Social Insurance"
    assert kiosk.printer.wait_for_cut(1, 2)
    assert b"Social Insurance" in kiosk.printer.tickets()[0]
    window.topbar.language_button.click()
    assert window.done.title.text() == "请取走您的票"


@pytest.mark.parametrize("hall_server", ["english"], indirect=True)
def test_english_mode_shows_categories_in_english_or_chinese_when_they_have_no_english(
    kiosk: KioskRig,
) -> None:
    window = kiosk.window
    window.topbar.language_button.click()
    social, police = (window.home.category_buttons[c] for c in ("社会保障", "公安服务"))
    assert social.title.text() == "Social Security"
    assert police.title.text() == "公安服务"  # no English name configured ...
    assert police.detail.text() == "Household Registration"  # ... so what is inside is said
    assert social.detail.text() == "2 services"
    social.click()
    assert window.category.subtitle.text() == "Social Security"
    window.topbar.language_button.click()
    assert window.category.subtitle.text() == "社会保障"
    window.category.back_button.click()
    assert window.home.category_buttons["社会保障"].title.text() == "社会保障"


def test_large_text_mode_makes_everything_bigger(kiosk: KioskRig) -> None:
    window = kiosk.window
    tile = window.home.category_buttons["社会保障"]
    normal_height = tile.height()
    window.topbar.large_text_button.click()
    assert kiosk.flow.large_text and window.topbar.large_text_button.isChecked()
    assert window.topbar.large_text_button.text() == "长者模式 · 已开启"
    tile = window.home.category_buttons["社会保障"]
    large = sizes(True).tile_height("portrait")
    assert tile.minimumHeight() == large > normal_height
    kiosk.qtbot.waitUntil(lambda: tile.height() == large, timeout=2000)  # laid out
    assert "font-size: 65px" in window.styleSheet()  # 50 px titles × 1.3
    assert columns("portrait", True) == 2  # one long column would need scrolling
    grid = window.home.grid.grid
    assert cell(grid, window.home.category_buttons["公安服务"]) == (
        0,
        1,
    )
    window.topbar.large_text_button.click()
    assert not kiosk.flow.large_text


def test_idle_time_brings_the_next_citizen_home_in_chinese(
    make_kiosk: Callable[..., KioskRig],
) -> None:
    rig = make_kiosk(idle_timeout_s=0.3)
    rig.wait_ready()
    rig.window.topbar.language_button.click()
    rig.window.topbar.large_text_button.click()
    rig.window.home.category_buttons["公安服务"].click()
    assert rig.window.screen_now is rig.window.category
    with rig.qtbot.waitSignal(rig.controller.idle_timer.timeout, timeout=3000):
        pass
    assert rig.window.screen_now is rig.window.home
    assert rig.window.home.title.text() == "请选择办理类别" and not rig.flow.large_text
    assert not rig.controller.idle_timer.isActive()  # at rest, nothing more to do


def test_a_touch_restarts_the_idle_countdown(make_kiosk: Callable[..., KioskRig]) -> None:
    rig = make_kiosk(idle_timeout_s=30)
    rig.wait_ready()
    rig.window.home.category_buttons["公安服务"].click()
    timer = rig.controller.idle_timer
    assert timer.isActive() and timer.interval() == 30_000
    timer.start(5_000)  # as if most of the idle time had passed ...
    QTest.mouseClick(rig.window.category.title, Qt.MouseButton.LeftButton)
    assert timer.remainingTime() > 20_000  # ... and then someone touched the screen


def test_count_updates_do_not_keep_an_idle_screen_awake(
    make_kiosk: Callable[..., KioskRig],
) -> None:
    rig = make_kiosk(idle_timeout_s=0.5)
    rig.wait_ready()
    rig.window.home.category_buttons["社会保障"].click()
    for n in range(3):
        rig.server.take("kiosk-2", "SB", f"k2-{n}")
    wait_stage(rig, Stage.IDLE, timeout=3000)


def test_priority_lane_issues_a_priority_ticket(kiosk: KioskRig) -> None:
    home = kiosk.window.home
    home.priority_button.click()
    assert home.title.text() == "绿色通道 · 请选择办理类别"
    assert home.chip.isVisible() and home.chip.text() == "绿色通道"
    assert not home.priority_button.isVisible()
    take_sb(kiosk)
    wait_stage(kiosk, Stage.DONE)
    assert kiosk.window.done.chip.isVisible() and kiosk.window.done.chip.text() == "绿色通道"
    [ticket] = kiosk.server.tickets()
    assert ticket["class"] == "priority"
    assert kiosk.printer.wait_for_cut(1, 2)
    assert "【绿色通道】".encode("gb18030") in kiosk.printer.tickets()[0]


def test_cancelling_a_lane_returns_to_normal(kiosk: KioskRig) -> None:
    home = kiosk.window.home
    home.appointment_button.click()
    assert home.cancel_lane.isVisible()
    home.cancel_lane.click()
    assert home.title.text() == "请选择办理类别" and home.priority_button.isVisible()


def test_appointment_check_in_with_the_keypad(kiosk: KioskRig) -> None:
    kiosk.window.home.appointment_button.click()
    take_sb(kiosk)
    screen = kiosk.window.appointment
    assert kiosk.window.screen_now is screen
    assert screen.title.text() == "请输入或扫描预约码"
    assert screen.subtitle.text() == "预约事项：社保"
    assert not screen.confirm_button.isEnabled()
    for key in "12":
        screen.keys[key].click()
    screen.confirm_button.click()
    assert screen.error.text() == "预约码应为 4–32 位数字或字母"
    assert kiosk.flow.stage is Stage.APPOINTMENT
    code = kiosk.server.book("SB")  # booked by phone for the next slot
    screen.keys["clear"].click()
    for key in ("9", "delete", *code):
        screen.keys[key].click()
    assert screen.code.text() == code
    screen.confirm_button.click()
    wait_stage(kiosk, Stage.DONE)
    assert kiosk.window.done.chip.text() == "预约"
    [ticket] = kiosk.server.tickets()
    assert ticket["class"] == "appointment"
    [issued] = kiosk.server.events("ticket_issued")
    assert issued["appointment_code"] == code
    assert screen.code.text() == ""  # the next citizen does not see it


def test_an_appointment_code_can_be_scanned(kiosk: KioskRig, qtbot: QtBot) -> None:
    kiosk.window.home.appointment_button.click()
    take_sb(kiosk)
    screen = kiosk.window.appointment
    screen.keys["clear"].click()
    code = kiosk.server.book("SB")
    QTest.keyClicks(screen.code, code)  # a scanner types like a keyboard ...
    QTest.keyClick(screen.code, Qt.Key.Key_Return)  # ... and ends with Enter
    wait_stage(kiosk, Stage.DONE)
    assert kiosk.server.events("ticket_issued")[0]["appointment_code"] == code


@pytest.mark.parametrize(
    ("code", "fields", "message"),
    [
        ("quota_reached", {}, "该事项今日号已取完"),
        ("service_closed", {}, "该事项当前不在办理时间"),
        ("already_holding", {"ticket": {"number": "A007"}}, "您已有该事项的号：A007"),
        ("weird_new_code", {}, "服务器的说明"),
    ],
)
def test_a_refusal_is_said_plainly_without_retry(
    kiosk: KioskRig, code: str, fields: dict[str, Any], message: str
) -> None:
    flow = kiosk.flow
    flow.choose_category("社会保障")
    take = take_of(flow.choose_service("SB"))  # the model changed directly; nothing is sent
    flow.take_failed(take.request.request_id, code, "服务器的说明", "the server says", **fields)
    failed = kiosk.window.failed
    assert kiosk.window.screen_now is failed
    assert failed.title.text() == "未能取号" and failed.message.text() == message
    assert not failed.retry_button.isVisible()
    failed.home_button.click()
    assert kiosk.window.screen_now is kiosk.window.home


def test_a_lost_reply_offers_a_retry_with_the_same_request_id(kiosk: KioskRig) -> None:
    flow = kiosk.flow
    flow.choose_category("社会保障")
    take = take_of(flow.choose_service("SB"))
    flow.take_failed(take.request.request_id, "offline")
    failed = kiosk.window.failed
    assert failed.message.text() == "网络连接中断，本次未能取号\n请稍后重试"
    assert failed.retry_button.isVisible() and failed.retry_button.text() == "重试"
    failed.retry_button.click()
    wait_stage(kiosk, Stage.DONE)
    [ticket] = kiosk.server.tickets()
    assert ticket["request_id"] == take.request.request_id


def test_an_abandoned_lost_request_is_settled_and_its_ticket_voided(
    kiosk: KioskRig, qtbot: QtBot
) -> None:
    """The request reached the server but its reply was lost; the citizen gave up."""
    flow = kiosk.flow
    flow.choose_category("社会保障")
    take = take_of(flow.choose_service("SB"))
    issued = kiosk.server.take("kiosk-1", "SB", take.request.request_id)  # it did arrive
    flow.take_failed(take.request.request_id, "offline")
    kiosk.window.failed.home_button.click()
    qtbot.waitUntil(lambda: kiosk.server.ticket(issued["id"])["state"] == "voided", timeout=3000)
    assert kiosk.server.events("ticket_voided")[0]["reason"] == "not_printed"
    assert kiosk.printer.tickets() == []


def test_paper_out_voids_the_ticket_and_goes_out_of_service_until_refilled(
    kiosk: KioskRig, qtbot: QtBot
) -> None:
    kiosk.printer.mode = "paper_out"
    take_sb(kiosk)
    wait_stage(kiosk, Stage.OUT_OF_SERVICE)
    oos = kiosk.window.out_of_service
    assert kiosk.window.screen_now is oos
    assert oos.title.text() == "暂停服务" and oos.reason.text() == "打印机缺纸"
    assert oos.voided.isVisible() and "已作废" in oos.voided.text()
    qtbot.waitUntil(lambda: kiosk.server.tickets()[0]["state"] == "voided", timeout=3000)
    qtbot.waitUntil(
        lambda: kiosk.server.events("device_status")[-1]["status"] == "printer_paper_out",
        timeout=3000,
    )
    assert kiosk.printer.tickets() == []  # refused before printing: nothing came out
    kiosk.printer.mode = "ok"  # staff put in a new roll; the 0.2 s check sees it
    wait_stage(kiosk, Stage.IDLE)
    qtbot.waitUntil(
        lambda: kiosk.server.events("device_status")[-1]["status"] == "ok", timeout=3000
    )
    assert kiosk.window.home.category_buttons["社会保障"].isEnabled()


def test_paper_out_just_after_the_cut_keeps_the_ticket_and_stops_the_next_citizen(
    kiosk: KioskRig, qtbot: QtBot
) -> None:
    """The roll ends right after a complete ticket: the citizen holds a valid ticket."""
    kiosk.printer.run_out_of_paper(after_cuts=1)
    take_sb(kiosk)
    wait_stage(kiosk, Stage.DONE)
    assert kiosk.window.screen_now is kiosk.window.done
    assert kiosk.window.done.number.text() == "A001"
    assert len(kiosk.printer.tickets()) == 1

    def reported() -> bool:
        return bool(kiosk.server.events("device_status")[-1]["status"] == "printer_paper_out")

    qtbot.waitUntil(reported, timeout=3000)
    [ticket] = kiosk.server.tickets()
    assert ticket["state"] == "waiting" and kiosk.server.events("ticket_voided") == []
    kiosk.window.done.done_button.click()  # the next citizen meets the empty printer
    oos = kiosk.window.out_of_service
    assert kiosk.window.screen_now is oos
    assert oos.reason.text() == "打印机缺纸" and not oos.voided.isVisible()
    assert kiosk.server.ticket(ticket["id"])["state"] == "waiting"


def test_paper_out_while_printing_voids_the_ticket(kiosk: KioskRig, qtbot: QtBot) -> None:
    kiosk.printer.run_out_of_paper(after_bytes=60)
    take_sb(kiosk)
    wait_stage(kiosk, Stage.OUT_OF_SERVICE)
    assert kiosk.window.out_of_service.voided.isVisible()
    qtbot.waitUntil(lambda: kiosk.server.tickets()[0]["state"] == "voided", timeout=3000)
    assert kiosk.printer.tickets() == []


@pytest.mark.parametrize(
    ("mode", "reason", "status"),
    [
        ("cover_open", "打印机纸仓盖未关好", "printer_cover_open"),
        ("error", "打印机故障（卡纸或切刀故障）", "out_of_service"),
        ("silent", "打印机无响应", "printer_unknown"),
    ],
)
def test_a_printer_fault_seen_while_idle_puts_the_kiosk_out_of_service(
    make_kiosk: Callable[..., KioskRig], mode: str, reason: str, status: str
) -> None:
    rig = make_kiosk(printer_poll_s=0.2)
    rig.wait_ready()
    rig.printer.mode = mode
    wait_stage(rig, Stage.OUT_OF_SERVICE)
    assert rig.window.out_of_service.reason.text() == reason
    assert not rig.window.out_of_service.voided.isVisible()
    rig.qtbot.waitUntil(
        lambda: any(e["status"] == status for e in rig.server.events("device_status")), timeout=3000
    )


def test_a_missing_printer_port_is_out_of_service(make_kiosk: Callable[..., KioskRig]) -> None:
    rig = make_kiosk(printer="/dev/nonexistent-printer")
    wait_stage(rig, Stage.OUT_OF_SERVICE)
    assert rig.window.out_of_service.reason.text() == "未连接打印机"


def test_offline_banner_disables_taking_and_clears_by_itself(kiosk: KioskRig, qtbot: QtBot) -> None:
    window = kiosk.window
    window.home.category_buttons["社会保障"].click()
    kiosk.server.stop()
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    assert window.banner.text() == "网络连接中断，暂停取号 / Offline"
    assert window.screen_now is window.home
    assert not window.home.category_buttons["社会保障"].isEnabled()
    assert not window.home.priority_button.isEnabled()
    kiosk.controller.tap_category("社会保障")
    assert kiosk.flow.stage is Stage.OFFLINE
    kiosk.server.start()  # same port, same SQLite file
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=15000)
    assert window.home.category_buttons["社会保障"].isEnabled()
    take_sb(kiosk)
    wait_stage(kiosk, Stage.DONE)


def test_connecting_banner_before_the_first_connection(
    qtbot: QtBot,
    hall_server: HallThread,
    fake_printer: FakePrinter,
    make_kiosk: Callable[..., KioskRig],
) -> None:
    hall_server.stop()
    rig = make_kiosk()
    assert rig.window.banner.isVisible()
    assert rig.window.banner.text() == "正在连接服务器… / Connecting..."
    hall_server.start()
    rig.wait_ready()
    assert not rig.window.banner.isVisible()


@RICH
def test_landscape_uses_three_columns(make_kiosk: Callable[..., KioskRig]) -> None:
    rig = make_kiosk(orientation="landscape")
    rig.wait_ready()
    assert (rig.window.width(), rig.window.height()) == (1920, 1080)
    grid = rig.window.home.grid.grid
    positions = [cell(grid, b) for b in rig.window.home.category_buttons.values()]
    assert positions[:4] == [(0, 0), (0, 1), (0, 2), (1, 0)]
