"""The shipped hall configurations load, and say what they promise in their comments."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hallkit import must

from queue_server.config import load_hall
from queue_server.core.model import OpeningPeriod, Role, StaffRole
from queue_server.pins import verify_pin

CONFIG = Path(__file__).resolve().parents[2] / "config"
DEMO = CONFIG / "demo-hall.toml"
EXAMPLE = CONFIG / "example-county-hours.toml"
WEEKDAYS = frozenset(range(1, 6))


def commented_pins(path: Path) -> dict[str, tuple[str, str]]:
    """staff id -> (pin_hash, PIN from the `# PIN nnnn` comment beside it)."""
    text = path.read_text(encoding="utf-8")
    found = re.findall(r'id = "([^"]+)"\nname = "[^"]+"\npin_hash = "([^"]+)"\s+# PIN (\d+)', text)
    return {staff_id: (pin_hash, pin) for staff_id, pin_hash, pin in found}


@pytest.mark.parametrize("path", [DEMO, EXAMPLE], ids=["demo", "example"])
def test_shipped_hall_has_the_promised_size(path: Path) -> None:
    hall = load_hall(path)
    assert len(hall.services) == 14
    assert len(hall.windows) == 15
    agents = [s for s in hall.staff if StaffRole.AGENT in s.roles]  # 帮办代办 (the demo's)
    assert len(hall.staff) == 16 + len(agents)
    tablets = [d for d in hall.devices if d.role is Role.AGENT]
    assert len(hall.devices) == 2 + 15 + 2 + 1 + 1 + len(tablets)
    assert bool(agents) == bool(tablets)
    assert len({d.token for d in hall.devices}) == len(hall.devices)
    clerks = {d.window for d in hall.devices if d.role is Role.CLERK}
    assert clerks == {w.number for w in hall.windows}
    assert [d.id for d in hall.devices if d.role is Role.KIOSK] == ["kiosk-1", "kiosk-2"]
    assert hall.policy.normal_per_priority == 2
    assert hall.policy.max_wait_s == 3600
    assert hall.policy.day_start == dt.time(0, 0)
    assert hall.policy.timezone == "Asia/Shanghai"
    comprehensive = [w for w in hall.windows if len(w.services) > 1]
    assert len(comprehensive) == 13


@pytest.mark.parametrize("path", [DEMO, EXAMPLE], ids=["demo", "example"])
def test_every_staff_pin_in_the_comments_verifies(path: Path) -> None:
    hall = load_hall(path)
    pins = commented_pins(path)
    assert sorted(pins) == sorted(s.id for s in hall.staff)
    for staff in hall.staff:
        pin_hash, pin = pins[staff.id]
        assert staff.pin_hash == pin_hash
        assert verify_pin(pin, staff.pin_hash), staff.id
        assert not verify_pin(pin + "0", staff.pin_hash)


def test_demo_hall_is_open_around_the_clock_without_quotas() -> None:
    hall = load_hall(DEMO)
    assert hall.name_zh == "某某县政务服务中心（演示）"
    assert all(s.hours == () and s.daily_quota is None for s in hall.services)
    sb = hall.service("SB")
    assert sb is not None
    assert (sb.name_zh, sb.name_en, sb.prefix, sb.category) == (
        "社会保险",
        "Social Insurance",
        "F",
        "社会保障",
    )
    assert sb.location_zh == "二楼东区 8–10 号窗口"
    assert sb.priority and sb.appointments
    assert must(hall.window(8)).services == {"SB": 3, "YB": 2, "CJR": 1}
    assert must(hall.window(13)).services == {"CRJ": 1}
    clerk = next(d for d in hall.devices if d.id == "clerk-01")
    assert (clerk.role, clerk.window) == (Role.CLERK, 1)


def test_example_hall_has_opening_hours_lunch_service_and_quotas() -> None:
    hall = load_hall(EXAMPLE)
    quotas = {s.code: s.daily_quota for s in hall.services if s.daily_quota is not None}
    assert quotas == {"BDC": 120, "GCJS": 40, "CRJ": 80}
    am = OpeningPeriod(WEEKDAYS, dt.time(9), dt.time(12))
    pm = OpeningPeriod(WEEKDAYS, dt.time(13, 30), dt.time(17, 30))
    lunch = OpeningPeriod(WEEKDAYS, dt.time(12), dt.time(13, 30))
    saturday = OpeningPeriod(frozenset({6}), dt.time(9), dt.time(12))
    assert must(hall.service("BDC")).hours == (am, pm)
    assert must(hall.service("SB")).hours == (am, lunch, pm, saturday)
    assert must(hall.service("CRJ")).hours == (am, pm, saturday)
    assert all(s.hours for s in hall.services)
    assert must(hall.service("GCJS")).priority is False
    assert must(hall.service("JJ")).appointments is False


def test_the_demo_hall_has_one_visit_bundles_and_an_agent() -> None:
    """一件事: 新生儿出生 passed from the 户籍 windows on; 残疾人服务 at one window (8 or 10)."""
    hall = load_hall(DEMO)
    birth, disabled = hall.bundles
    assert (birth.code, birth.prefix, birth.services) == ("BIRTH", "X", ("HJ", "YB", "SB"))
    assert not any(set(birth.services) <= set(w.services) for w in hall.windows)
    whole = [w.number for w in hall.windows if set(disabled.services) <= set(w.services)]
    assert whole == [8, 10]
    assert [s.id for s in hall.staff if StaffRole.AGENT in s.roles] == ["2001"]
