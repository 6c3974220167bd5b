"""预约 in the hall file: slots per service, booked-only windows, the [appointments] table."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server.config import ConfigError, parse_hall
from queue_server.core.model import AppointmentPolicy, OpeningPeriod, SlotRule

# Line numbers below are literal: keep this text's lines where they are.
HALL = """\
[hall]
name_zh = "测试县政务服务中心"
name_en = "Test County Service Center"

[appointments]
early_minutes = 20
late_minutes = 10
days_ahead = 5
secret = "a-hall-secret-of-some-length"

[[services]]
code = "SB"
name_zh = "社会保险"
name_en = "Social Insurance"
prefix = "A"
category = "社会保障"
location_zh = "二楼东区"
appointment_slots = [
  { days = "1-5", start = "09:00", end = "11:30", every = 30, capacity = 4 },
  { days = "6", start = "09:00", end = "10:00", every = 20, capacity = 2 },
]

[[windows]]
number = 1
name = "综合窗口 1"
services = { SB = 1 }
booked_only_hours = [{ days = "1-5", start = "12:00", end = "13:30" }]
"""


def edited(changes: dict[int, str]) -> str:
    lines = HALL.splitlines()
    for number, text in changes.items():
        lines[number - 1] = text
    return "\n".join(lines) + "\n"


def test_slots_windows_and_tolerances_are_read() -> None:
    hall = parse_hall(HALL)
    weekdays = frozenset({1, 2, 3, 4, 5})
    assert hall.services[0].appointment_slots == (
        SlotRule(weekdays, dt.time(9), dt.time(11, 30), 30, 4),
        SlotRule(frozenset({6}), dt.time(9), dt.time(10), 20, 2),
    )
    assert hall.windows[0].booked_only == (OpeningPeriod(weekdays, dt.time(12), dt.time(13, 30)),)
    assert hall.appointments == AppointmentPolicy(
        20 * 60, 10 * 60, 5, "a-hall-secret-of-some-length"
    )
    assert "a-hall-secret" not in repr(hall)


def test_defaults() -> None:
    hall = parse_hall(
        edited({5: "", 6: "", 7: "", 8: "", 9: "", 18: "", 19: "", 20: "", 21: "", 27: ""})
    )
    assert hall.appointments == AppointmentPolicy()
    assert (hall.services[0].appointment_slots, hall.windows[0].booked_only) == ((), ())


@pytest.mark.parametrize(
    ("changes", "field", "line", "phrase"),
    [
        (
            {19: '  { days = "1-5", start = "11:30", end = "09:00", every = 30, capacity = 4 },'},
            "services[0].appointment_slots[0]",
            19,
            "must be before end",
        ),
        (
            {19: '  { days = "1-5", start = "09:00", end = "09:20", every = 30, capacity = 4 },'},
            "services[0].appointment_slots[0].every",
            19,
            "does not fit",
        ),
        (
            {19: '  { days = "1-5", start = "09:00", end = "11:30", every = 30, capacity = 0 },'},
            "services[0].appointment_slots[0].capacity",
            19,
            "between 1 and 999",
        ),
        (
            {20: '  { days = "5-6", start = "09:00", end = "10:00", every = 20, capacity = 2 },'},
            "services[0].appointment_slots[1]",
            20,
            "overlaps services[0].appointment_slots[0] on weekday 5",
        ),
        (
            {20: '  { days = "8", start = "09:00", end = "10:00", every = 20, capacity = 2 },'},
            "services[0].appointment_slots[1].days",
            20,
            "ISO weekdays",
        ),
        (
            {27: 'booked_only_hours = [{ days = "1-5", start = "13:30", end = "12:00" }]'},
            "windows[0].booked_only_hours[0]",
            27,
            "must be before end",
        ),
        ({6: "early_minutes = -1"}, "appointments.early_minutes", 6, "between 0 and 240"),
        ({9: 'secret = "short"'}, "appointments.secret", 9, "16"),
        (
            {17: 'location_zh = "二楼东区"\nappointments = false'},
            "services[0].appointment_slots",
            19,
            "appointments = false",
        ),
    ],
)
def test_bad_slots_are_refused_with_their_line(
    changes: dict[int, str], field: str, line: int, phrase: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_hall(edited(changes), "hall.toml")
    error = caught.value
    assert (error.field, error.line) == (field, line), str(error)
    assert phrase in error.problem, error.problem
    assert "short" not in str(error)  # a secret is never echoed
