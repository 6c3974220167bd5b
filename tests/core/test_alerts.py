"""The manager's alerts: raised once per key, kept until acknowledged, raised again only after
the condition has cleared and come back; and the manager's log-in and the boards' notice."""

from __future__ import annotations

import dataclasses
import json

import pytest
from core_hall import HALL, Clerk, at

from queue_server.core import (
    AckAlert,
    CallNext,
    CheckAlerts,
    ContactFollowup,
    DomainError,
    Engine,
    Finish,
    ManagerLogIn,
    ManagerLogOut,
    MarkPresence,
    OpenWindow,
    PostNotice,
    Rate,
    ReportDeviceStatus,
    TakeTicket,
)
from queue_server.core.model import AlertPolicy, Device, Role, Staff, StaffRole

HALL_WITH_DEVICES = dataclasses.replace(
    HALL,
    staff=(*HALL.staff, Staff("m1", "赵主任", "scrypt$00$00", frozenset(StaffRole))),
    devices=(
        Device("kiosk-1", Role.KIOSK, "k" * 16),
        Device("board-1", Role.DISPLAY, "b" * 16),
        Device("clerk-1", Role.CLERK, "c" * 16, window=1),
    ),
    alerts=AlertPolicy(wait_s=30 * 60, quota_left=2, silent_s=5 * 60, followup_warn_s=3600),
)


@pytest.fixture
def run() -> Clerk:
    return Clerk(Engine(HALL_WITH_DEVICES))


def raised(run: Clerk, after: float = 0) -> list[tuple[str, str, str]]:
    """Check now (``after`` seconds on); the (type, key, level or "") of what it emitted."""
    result = run(CheckAlerts(), after=after, actor="system")
    return [(e["type"], e["alert"], e.get("level", "")) for e in result.events]


def online(run: Clerk) -> None:
    run(MarkPresence("kiosk-1", "kiosk", online=True))
    run(MarkPresence("board-1", "display", online=True))


def test_a_long_wait_is_raised_once_then_critical(run: Clerk) -> None:
    online(run)
    run(TakeTicket("tax", "r1"))
    assert raised(run) == []
    assert raised(run, after=30 * 60) == [("alert_raised", "wait:tax", "warning")]
    assert raised(run, after=60) == []  # one open alert per key
    wait = run.engine.state.alerts["wait:tax"]
    assert wait["text_zh"] == "A 类业务（税务登记）已有市民等候超过 30 分钟"
    assert wait["text_en"] == "Tax registration (A): a citizen has waited over 30 min"
    assert raised(run, after=30 * 60) == [("alert_raised", "wait:tax", "critical")]
    assert [a["alert"] for a in run.engine.open_alerts()] == ["wait:tax"]


def test_an_acknowledged_alert_comes_back_only_after_it_cleared(run: Clerk) -> None:
    online(run)
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    raised(run, after=31 * 60)
    ack = run(AckAlert("wait:tax", "已加开窗口"), actor="m1")
    assert ack.events[0]["type"] == "alert_acknowledged"
    assert ack.events[0]["actor"] == "m1" and ack.events[0]["note"] == "已加开窗口"
    assert ack.reply["alert"]["acknowledged_by"] == "m1"
    assert run.engine.open_alerts() == []
    assert raised(run, after=60) == []  # still waiting, but acknowledged: not raised again
    with pytest.raises(DomainError) as refused:
        run(AckAlert("wait:tax"), actor="m1")
    assert refused.value.code == "unknown_alert"
    run(CallNext(1))  # the wait is over: the condition clears
    assert raised(run) == [("alert_cleared", "wait:tax", "")]
    run(TakeTicket("tax", "r2"))
    assert raised(run, after=29 * 60) == []
    assert raised(run, after=60) == [("alert_raised", "wait:tax", "warning")]


def test_an_unacknowledged_alert_stays_after_its_condition_cleared(run: Clerk) -> None:
    online(run)
    run(ReportDeviceStatus("kiosk-1", "kiosk", "printer_paper_out"))
    assert raised(run) == [("alert_raised", "paper:kiosk-1", "critical")]
    run(ReportDeviceStatus("kiosk-1", "kiosk", "ok"))
    assert raised(run) == []
    assert [a["alert"] for a in run.engine.open_alerts()] == ["paper:kiosk-1"]
    run(AckAlert("paper:kiosk-1"), actor="m1")
    assert raised(run) == [("alert_cleared", "paper:kiosk-1", "")]
    run(ReportDeviceStatus("kiosk-1", "kiosk", "printer_paper_near_end"))
    assert raised(run) == [("alert_raised", "paper:kiosk-1", "warning")]


def test_quota_near_then_reached(run: Clerk) -> None:
    online(run)
    run.now = at(23, 10)  # the licence service is open 9–12 with a quota of 3
    assert raised(run) == []
    run(TakeTicket("licence", "r1"))
    assert raised(run) == [("alert_raised", "quota:licence", "warning")]
    assert run.engine.state.alerts["quota:licence"]["text_zh"] == "营业执照今日号源仅剩 2 个"
    run(TakeTicket("licence", "r2"))
    assert raised(run) == []
    run(TakeTicket("licence", "r3"))
    assert raised(run) == [("alert_raised", "quota:licence", "critical")]


def test_silent_devices(run: Clerk) -> None:
    run.now = at(23, 6, 0)  # the business day starts at 06:00
    run(MarkPresence("kiosk-1", "kiosk", online=True))
    assert raised(run, after=4 * 60) == []
    # The board never connected: silent from the day's start; clerk PCs are not watched.
    assert raised(run, after=60) == [("alert_raised", "silent:board-1", "warning")]
    assert run.engine.state.alerts["silent:board-1"]["text_zh"] == "board-1 已超过 5 分钟未连接"
    run(MarkPresence("kiosk-1", "kiosk", online=False))
    assert raised(run, after=5 * 60) == [("alert_raised", "silent:kiosk-1", "warning")]
    run(AckAlert("silent:kiosk-1"), actor="m1")
    run(MarkPresence("kiosk-1", "kiosk", online=True))
    assert raised(run) == [("alert_cleared", "silent:kiosk-1", "")]


def test_a_device_never_seen_counts_from_the_server_start(run: Clerk) -> None:
    run.now = at(23, 9)
    run(MarkPresence("kiosk-1", "kiosk", online=True))
    started = run.now
    result = run(CheckAlerts(since=started), after=4 * 60)
    assert result.events == []
    result = run(CheckAlerts(since=started), after=60)
    assert [e["alert"] for e in result.events] == ["silent:board-1"]


def test_manager_log_in_needs_the_role(run: Clerk) -> None:
    with pytest.raises(DomainError) as refused:
        run(ManagerLogIn("manager-1", "s1"), actor="s1")
    assert refused.value.code == "not_manager"
    assert "s1" in refused.value.message_zh
    with pytest.raises(DomainError) as unknown:
        run(ManagerLogIn("manager-1", "nobody"), actor="nobody")
    assert unknown.value.code == "unknown_staff"
    result = run(ManagerLogIn("manager-1", "m1"), actor="m1")
    event = result.events[-1]  # after the day's start
    assert (event["type"], event["actor"], event["staff"], event["staff_name"]) == (
        "manager_logged_in",
        "m1",
        "m1",
        "赵主任",
    )
    assert result.reply == {"staff": "m1", "staff_name": "赵主任"}
    (out,) = run(ManagerLogOut("manager-1", "m1"), actor="m1").events
    assert (out["type"], out["staff"], out["device"]) == ("manager_logged_out", "m1", "manager-1")


def test_the_notice_is_in_every_snapshot_until_cleared(run: Clerk) -> None:
    result = run(PostNotice("今日下午系统升级", "System upgrade this afternoon"), actor="m1")
    assert result.events[0]["actor"] == "m1"
    notice = run.engine.snapshot(run.now)["notice"]
    assert notice == {
        "text_zh": "今日下午系统升级",
        "text_en": "System upgrade this afternoon",
        "at": run.now,
    }
    run(PostNotice(None, "ignored without Chinese"), actor="m1")
    assert run.engine.snapshot(run.now)["notice"]["text_zh"] is None
    assert run.engine.snapshot(run.now)["notice"]["text_en"] is None


def test_replay_equals_live_with_alerts(run: Clerk) -> None:
    online(run)
    run(TakeTicket("tax", "r1"))
    raised(run, after=31 * 60)
    run(AckAlert("wait:tax", "note"), actor="m1")
    run(ReportDeviceStatus("kiosk-1", "kiosk", "printer_cover_open"))
    raised(run)
    run(PostNotice("通知"), actor="m1")
    fresh = Engine(HALL_WITH_DEVICES)
    for event in json.loads(json.dumps(run.events, ensure_ascii=False)):
        fresh.apply(event)
    assert fresh.state == run.engine.state
    assert fresh.open_alerts() == run.engine.open_alerts()


def test_a_followup_near_then_past_its_contact_deadline(run: Clerk) -> None:
    """差评 at 09:30 on a Monday: contact due within 2 working hours, at 11:30."""
    online(run)
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(CallNext(1))
    run(Finish(1), after=60)
    run(Rate(1, 1), after=10)  # 非常不满意: a work order opens
    (followup,) = run.engine.state.followups
    key = f"followup:{followup}:contact"
    due = run.engine.state.followups[followup].contact_due
    assert due is not None
    run.now = due - 3601
    assert raised(run) == []
    assert raised(run, after=2) == [("alert_raised", key, "warning")]
    assert run.engine.state.alerts[key]["text_zh"].startswith(
        f"差评工单 {followup} 的回访联系期限将至"
    )
    assert raised(run, after=3600) == [("alert_raised", key, "critical")]
    assert "已超期" in run.engine.state.alerts[key]["text_zh"]
    run(AckAlert(key, "正在联系"), actor="m1")
    assert raised(run, after=60) == []
    run(ContactFollowup(followup, "已电话联系市民"), actor="m1")  # the contact clock stops
    assert raised(run) == [("alert_cleared", key, "")]
