"""What the wall reads from the live model, without Qt: literal model in, literal rows out."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from contract import events as ev
from contract.hall import Change, HallModel
from wall import figures as fig
from wall.config import ConfigError, load
from wall.texts import Texts

T0 = 1_796_200_000.0  # 2026-12-02 08:26:40 UTC, 16:26:40 in Shanghai
TZ = ZoneInfo("Asia/Shanghai")


def welcome(**snapshot: Any) -> dict[str, Any]:
    return {
        "type": "welcome",
        "protocol": 1,
        "seq": 10,
        "device": "manager-1",
        "role": "manager",
        "snapshot": {"day": "2026-12-02", **snapshot},
    }


def model(**snapshot: Any) -> HallModel:
    return HallModel.from_welcome(welcome(**snapshot))


def event(m: HallModel, kind: str, **fields: Any) -> None:
    assert m.apply_event({"kind": kind, "seq": m.seq + 1, "at": T0, "day": m.day, **fields})


SERVICES = [
    {"code": "SB", "name_zh": "社保", "waiting": 2, "issued_today": 9},
    {
        "code": "HJ",
        "name_zh": "户籍",
        "waiting": 0,
        "issued_today": 30,
        "quota": 30,
        "closed_reason": "quota",
        "open": False,
    },
]
WAITING = [
    {"id": "t1", "number": "A001", "service": "SB", "issued_at": T0 - 40 * 60},
    {"id": "t2", "number": "A002", "service": "SB", "issued_at": T0 - 5 * 60},
]


def test_services_waiting_and_the_longest_wait_past_the_threshold() -> None:
    rows = fig.service_rows(model(services=SERVICES, waiting=WAITING), T0, 30 * 60)
    sb, hj = rows
    assert (sb.code, sb.waiting, sb.longest_s, sb.over, sb.open) == ("SB", 2, 2400.0, True, True)
    assert (hj.waiting, hj.longest_s, hj.over, hj.open, hj.closed_reason) == (
        0,
        None,
        False,
        False,
        "quota",
    )
    assert fig.service_rows(model(services=SERVICES, waiting=WAITING), T0, 60 * 60)[0].over is False


def test_devices_worst_first_and_unknown_is_not_ok() -> None:
    devices = [
        {"device": "kiosk-1", "role": "kiosk", "status": "printer_paper_near_end", "online": True},
        {"device": "kiosk-2", "role": "kiosk", "status": "ok", "online": True},
        {"device": "kiosk-3", "role": "kiosk", "status": "ok", "online": False, "seen_at": T0},
        {"device": "bridge-1", "role": "bridge", "status": "device_missing", "online": True},
        {"device": "board-1", "role": "display"},
        {"device": "manager-1", "role": "manager", "online": True},
    ]
    rows = fig.device_rows(model(devices=devices), own="manager-1")
    assert [(r.device, r.health) for r in rows] == [
        ("bridge-1", fig.Health.FAULT),
        ("kiosk-3", fig.Health.OFFLINE),
        ("kiosk-1", fig.Health.WARN),
        ("board-1", fig.Health.UNKNOWN),
        ("kiosk-2", fig.Health.OK),
    ]


def test_open_bad_ratings_by_their_next_deadline() -> None:
    m = model()
    common = {
        "service": "SB",
        "window": 1,
        "deadline": "2026-12-16",
        "resolve_due": T0 + 10 * 86400,
    }
    event(
        m,
        "followup_opened",
        followup="late",
        ticket="t1",
        number="A001",
        score=1,
        contact_due=T0 - 60,
        feedback_due=T0 + 86400,
        **common,
    )
    event(
        m,
        "followup_opened",
        followup="soon",
        ticket="t2",
        number="A002",
        score=2,
        contact_due=T0 + 30 * 60,
        feedback_due=T0 + 86400,
        **common,
    )
    event(
        m,
        "followup_opened",
        followup="called",
        ticket="t3",
        number="A003",
        score=2,
        contact_due=T0 - 3600,
        feedback_due=T0 + 5 * 3600,
        **common,
    )
    event(m, "followup_contacted", followup="called", channel="phone", note="已致歉")
    event(
        m,
        "followup_opened",
        followup="done",
        ticket="t4",
        number="A004",
        score=1,
        contact_due=T0 - 60,
        **common,
    )
    event(m, "followup_resolved", followup="done", outcome="fixed", note="已整改")
    rows = fig.open_followups(m, T0, near_s=2 * 3600)
    assert [(r.followup.followup, r.step, r.urgency) for r in rows] == [
        ("late", "contact", fig.Due.PAST),
        ("soon", "contact", fig.Due.NEAR),
        ("called", "feedback", fig.Due.OK),
    ]


def test_alerts_newest_first_and_gone_once_acknowledged() -> None:
    m = model()
    for key, at in (("a", T0), ("b", T0 + 5)):
        assert m.apply_event(
            {
                "kind": "alert_raised",
                "seq": m.seq + 1,
                "at": at,
                "day": m.day,
                "alert": key,
                "alert_kind": "wait_long",
                "subject": "SB",
                "level": "warning",
                "text_zh": key,
                "text_en": key,
            }
        )
    assert [a.alert for a in fig.alerts_newest_first(m)] == ["b", "a"]
    event(m, "alert_acknowledged", alert="b", note="已加开窗口")
    assert [a.alert for a in fig.alerts_newest_first(m)] == ["a"]


def test_observed_calls_per_window_per_hour_and_waiting_samples() -> None:
    m = model(services=SERVICES, waiting=WAITING)
    seen = fig.Observed()
    seen.observe(m, Change(seq=m.seq, everything=True), T0, TZ)
    event(
        m,
        "ticket_called",
        ticket="t1",
        number="A001",
        window=2,
        service="SB",
        reason={"rule": "normal"},
        recall=False,
    )
    seen.observe(m, Change(seq=m.seq, event=None, services=frozenset({"SB"})), T0, TZ)
    called = ev.decode_event(
        {
            "kind": "ticket_called",
            "seq": 12,
            "at": T0,
            "day": m.day,
            "ticket": "t2",
            "number": "A002",
            "window": 2,
            "service": "SB",
            "reason": {},
            "recall": False,
        }
    )
    seen.observe(m, Change(seq=12, event=called), T0 + 1, TZ)
    assert seen.calls == {2: {16: 1}}
    assert seen.waiting["SB"] == [(T0, 2), (T0, 1)]
    assert seen.series(None)["SB"] == [(T0, 2), (T0, 1)]


@pytest.mark.parametrize(
    ("seconds", "zh", "en"),
    [
        (None, "—", "—"),
        (42, "42秒", "42 s"),
        (14 * 60 + 20, "14分钟", "14 min"),
        (3900, "1小时05分", "1 h 05 min"),
    ],
)
def test_durations_as_people_say_them(seconds: float | None, zh: str, en: str) -> None:
    assert (Texts("zh").duration(seconds), Texts("en").duration(seconds)) == (zh, en)


def test_a_refusal_shows_the_servers_words_else_the_protocols() -> None:
    texts = Texts("zh")
    assert texts.error("bad_pin") == "工号或密码错误"
    assert texts.error("forbidden", "此设备无权执行该操作", "no") == "此设备无权执行该操作"
    assert texts.error("offline") == "网络中断，操作未发送"
    assert Texts("en").error("bad_pin", "工号或密码错误", "wrong staff id or PIN") == (
        "wrong staff id or PIN"
    )


def test_settings_from_a_file_with_the_line_of_a_bad_value(tmp_path: Path) -> None:
    good = tmp_path / "wall.toml"
    good.write_text(
        '[wall]\nserver = "ws://10.0.0.2:8765/ws"\ndevice = "manager-1"\n'
        'token = "manager-token-0001"\nwait-alert-min = 20\n',
        encoding="utf-8",
    )
    config = load(["--config", str(good), "--lang", "en"])
    assert (config.device, config.wait_alert_min, config.lang) == ("manager-1", 20.0, "en")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[wall]\nserver = "ws://x/ws"\ndevice = "m"\ntoken = "t"\nkpis_s = 1\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"bad.toml:5: kpis_s"):
        load(["--config", str(bad)])


def test_healthy_devices_of_a_role_are_one_line() -> None:
    devices = [
        *(
            {"device": f"clerk-{n}", "role": "clerk", "status": "ok", "online": True}
            for n in (10, 2, 1)
        ),
        {"device": "clerk-3", "role": "clerk", "online": False, "seen_at": T0},
        {"device": "kiosk-1", "role": "kiosk", "status": "ok", "online": True},
    ]
    rows = fig.device_rows(model(devices=devices))
    assert [r.device for r in rows] == ["clerk-3", "clerk-1", "clerk-2", "clerk-10", "kiosk-1"]
    shown, grouped = fig.group_healthy(rows, 3)
    assert [r.device for r in shown] == ["clerk-3", "kiosk-1"]
    assert grouped == {"clerk": 3}


def test_a_station_kiosk_its_watchdog_restarted_stands_out_among_healthy_kiosks() -> None:
    """24小时便民服务站: "recovered" is amber, shown on its own line, worded for the manager."""
    devices = [
        *(
            {"device": f"kiosk-{n}", "role": "kiosk", "status": "ok", "online": True}
            for n in (1, 2, 3)
        ),
        {"device": "station-1", "role": "kiosk", "status": "recovered", "online": True},
    ]
    rows = fig.device_rows(model(devices=devices))
    assert (rows[0].device, rows[0].health) == ("station-1", fig.Health.WARN)
    shown, grouped = fig.group_healthy(rows, 3)
    assert [r.device for r in shown] == ["station-1"] and grouped == {"kiosk": 3}
    assert Texts("zh")("status_recovered") == "已自动重启恢复"


@pytest.mark.parametrize(
    ("status", "online", "health"),
    [
        ("heard", True, fig.Health.OK),
        ("silent", False, fig.Health.OFFLINE),
        ("unheard", None, fig.Health.UNKNOWN),
        ("heard", None, fig.Health.UNKNOWN),  # its bridge went away: stale, never ok
        ("line_ok", None, fig.Health.UNKNOWN),
        ("line_down", None, fig.Health.UNKNOWN),
        ("speaking", True, fig.Health.OK),
        ("no_sound", False, fig.Health.OFFLINE),
    ],
)
def test_a_part_is_ok_only_while_it_says_so_and_its_device_is_there(
    status: str, online: bool | None, health: fig.Health
) -> None:
    assert fig.device_health(status, online, part=True) is health


def test_parts_are_listed_problems_first_then_by_kind_and_window() -> None:
    model = HallModel()
    snapshot = {"day": "2026-12-02"}
    model.apply_welcome(
        {"protocol": 1, "seq": 0, "device": "m", "role": "manager", "snapshot": snapshot}
    )
    parts = [
        {"part": "board-34", "kind": "board", "status": "line_ok", "online": True, "window": 2},
        {"part": "keypad-2", "kind": "keypad", "status": "heard", "online": True, "window": 2},
        {"part": "keypad-1", "kind": "keypad", "status": "heard", "online": True, "window": 1},
        {"part": "evaluator-17", "kind": "evaluator", "status": "silent", "online": False},
    ]
    event = {"kind": "device_parts", "seq": 1, "at": 1.0, "day": "2026-12-02"}
    assert model.apply_event({**event, "device": "bridge-1", "role": "bridge", "parts": parts})
    rows = fig.device_rows(model)
    assert [r.device for r in rows] == [
        "bridge-1/evaluator-17",
        "bridge-1/keypad-1",
        "bridge-1/keypad-2",
        "bridge-1/board-34",
    ]
    assert rows[0].part == "evaluator-17" and rows[1].window == 1
