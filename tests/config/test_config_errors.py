"""Bad hall files are refused with the field, the line and the problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hallkit import must

from queue_server.config import ConfigError, load_hall, parse_hall
from queue_server.pins import hash_pin

PIN_HASH = hash_pin("1001", salt=bytes(16))

# Line numbers below are literal: keep this text's lines where they are.
GOOD = f"""\
[hall]
name_zh = "测试县政务服务中心"
name_en = "Test County Government Service Center"

[policy]
normal_per_priority = 2
max_wait_minutes = 60
day_start = "00:00"
timezone = "Asia/Shanghai"

[[services]]
code = "SB"
name_zh = "社会保险"
name_en = "Social Insurance"
prefix = "A"
category = "社会保障"
location_zh = "二楼东区 3–6 号窗口"
hours = [
  {{ days = "1-5", start = "09:00", end = "12:00" }},
  {{ days = "1-5", start = "13:30", end = "17:30" }},
]

[[services]]
code = "YB"
name_zh = "医疗保障"
name_en = "Medical Insurance"
prefix = "B"
category = "社会保障"
location_zh = "二楼东区 3–6 号窗口"
daily_quota = 80

[[windows]]
number = 1
name = "综合窗口 1"
services = {{ SB = 3, YB = 2 }}

[[windows]]
number = 2
name = "综合窗口 2"
services = {{ YB = 1 }}

[[staff]]
id = "1001"
name = "张伟"
pin_hash = "{PIN_HASH}"

[[devices]]
id = "kiosk-1"
role = "kiosk"
token = "k1-0123456789abcdef"

[[devices]]
id = "clerk-1"
role = "clerk"
token = "c1-0123456789abcdef"
window = 1
"""


def edited(changes: dict[int, str]) -> str:
    """GOOD with whole lines replaced (1-based); a replacement may hold several lines."""
    lines = GOOD.splitlines()
    for number, text in changes.items():
        lines[number - 1] = text
    return "\n".join(lines) + "\n"


def test_the_good_file_is_good() -> None:
    hall = parse_hall(GOOD)
    assert [s.code for s in hall.services] == ["SB", "YB"]
    assert hall.services[1].daily_quota == 80
    assert must(hall.window(1)).services == {"SB": 3, "YB": 2}
    assert hall.devices[1].window == 1


BAD = [
    # (id, {line: replacement}, field, line, phrase)
    ("syntax", {15: 'prefix = "A'}, None, 15, "TOML syntax error"),
    ("duplicate-key", {16: 'prefix = "C"'}, None, 16, "TOML syntax error: Cannot overwrite"),
    (
        "missing-field",
        {16: "# no category"},
        "services[0].category",
        11,
        "required field is missing",
    ),
    ("missing-hall", {1: "", 2: "", 3: ""}, "hall", None, "required table [hall] is missing"),
    (
        "no-windows",
        dict.fromkeys(range(32, 57), ""),
        "windows",
        None,
        "at least one [[windows]] table is required",
    ),
    (
        "unknown-key",
        {30: "daily_qouta = 80"},
        "services[1].daily_qouta",
        30,
        "unknown key (typo?); allowed here: appointment_slots, appointments, category, category_en, code",
    ),
    ("unknown-table", {4: "[board]"}, "board", 4, "unknown key"),
    ("wrong-type", {13: "name_zh = 12"}, "services[0].name_zh", 13, "must be a string, got 12"),
    ("blank-name", {2: 'name_zh = "  "'}, "hall.name_zh", 2, "must not be empty"),
    (
        "flag-not-bool",
        {30: 'daily_quota = 80\npriority = "no"'},
        "services[1].priority",
        31,
        'must be true or false, got "no"',
    ),
    (
        "ratio-bool",
        {6: "normal_per_priority = true"},
        "policy.normal_per_priority",
        6,
        "must be a whole number between 1 and 100, got true",
    ),
    ("hall-not-table", {1: "hall = 3", 2: "", 3: ""}, "hall", 1, "must be a table, got 3"),
    ("hours-item-not-table", {19: "  3,"}, "services[0].hours[0]", 19, "must be a table, got 3"),
    (
        "hours-days-number",
        {20: '  { days = 5, start = "13:30", end = "17:30" },'},
        "services[0].hours[1].days",
        20,
        'must be a string, got 5 (quote it: "5")',
    ),
    (
        "window-services-empty",
        {35: "services = {}"},
        "windows[0].services",
        35,
        "must be a table of service code = weight, like { SB = 3, YB = 1 }, got a table",
    ),
    ("token-number", {55: "token = 12345678901234567"}, "devices[1].token", 55, "must be a string"),
    (
        "duplicate-code",
        {24: 'code = "SB"'},
        "services[1].code",
        24,
        'duplicate service code "SB", already used by services[0] (line 11)',
    ),
    (
        "duplicate-prefix",
        {27: 'prefix = "A"'},
        "services[1].prefix",
        27,
        'duplicate ticket prefix "A", already used by services[0] (line 11)',
    ),
    (
        "bad-prefix",
        {15: 'prefix = "a1"'},
        "services[0].prefix",
        15,
        'must be 1–2 uppercase Latin letters, got "a1"',
    ),
    (
        "long-prefix",
        {15: 'prefix = "ABC"'},
        "services[0].prefix",
        15,
        "must be 1–2 uppercase Latin letters",
    ),
    (
        "quota-string",
        {30: 'daily_quota = "80"'},
        "services[1].daily_quota",
        30,
        'must be a whole number between 1 and 9999, got "80"',
    ),
    (
        "quota-zero",
        {30: "daily_quota = 0"},
        "services[1].daily_quota",
        30,
        "must be between 1 and 9999, got 0",
    ),
    (
        "window-unknown-service",
        {40: "services = { YB = 1, GJJ = 2 }"},
        "windows[1].services.GJJ",
        40,
        'unknown service code "GJJ"',
    ),
    (
        "window-weight-zero",
        {35: "services = { SB = 0, YB = 2 }"},
        "windows[0].services.SB",
        35,
        "must be between 1 and 1000, got 0",
    ),
    (
        "window-weight-float",
        {35: "services = { SB = 1.5, YB = 2 }"},
        "windows[0].services.SB",
        35,
        "must be a whole number between 1 and 1000, got 1.5",
    ),
    (
        "window-duplicate-number",
        {38: "number = 1"},
        "windows[1].number",
        38,
        "duplicate window number 1, already used by windows[0] (line 32)",
    ),
    (
        "service-not-served",
        {35: "services = { YB = 2 }"},
        "services[0].code",
        12,
        "no window serves this service",
    ),
    (
        "hours-bad-days",
        {20: '  { days = "1-8", start = "13:30", end = "17:30" },'},
        "services[0].hours[1].days",
        20,
        'must be ISO weekdays like "1-5"',
    ),
    (
        "hours-start-after-end",
        {19: '  { days = "1-5", start = "12:00", end = "09:00" },'},
        "services[0].hours[0]",
        19,
        "start 12:00 must be before end 09:00",
    ),
    (
        "hours-equal",
        {20: '  { days = "1-5", start = "13:30", end = "13:30" },'},
        "services[0].hours[1]",
        20,
        "must be before end",
    ),
    (
        "hours-bad-time",
        {20: '  { days = "1-5", start = "13:60", end = "17:30" },'},
        "services[0].hours[1].start",
        20,
        'must be a time "HH:MM" (00:00–23:59), got "13:60"',
    ),
    (
        "hours-overlap",
        {20: '  { days = "5-6", start = "11:00", end = "17:30" },'},
        "services[0].hours[1]",
        20,
        "overlaps services[0].hours[0] on weekday 5",
    ),
    (
        "hours-unknown-key",
        {20: '  { day = "1-5", start = "13:30", end = "17:30" },'},
        "services[0].hours[1].day",
        20,
        "unknown key",
    ),
    (
        "hours-not-array",
        {18: 'hours = "09:00-17:00"', 19: "", 20: "", 21: ""},
        "services[0].hours",
        18,
        "must be an array",
    ),
    (
        "hours-span-day-start",
        {8: 'day_start = "10:00"'},
        "services[0].hours[0]",
        19,
        "must not span the start of the business day 10:00",
    ),
    (
        "bad-timezone",
        {9: 'timezone = "Asia/Beijing"'},
        "policy.timezone",
        9,
        'unknown time zone "Asia/Beijing"',
    ),
    ("bad-day-start", {8: 'day_start = "9:00"'}, "policy.day_start", 8, 'must be a time "HH:MM"'),
    (
        "ratio-zero",
        {6: "normal_per_priority = 0"},
        "policy.normal_per_priority",
        6,
        "must be between 1 and 100, got 0",
    ),
    (
        "max-wait-zero",
        {7: "max_wait_minutes = 0"},
        "policy.max_wait_minutes",
        7,
        "must be between 1 and 1440",
    ),
    (
        "followup-too-long",
        {56: "window = 1\n\n[ratings]\nfollowup_working_days = 30"},
        "ratings.followup_working_days",
        59,
        "must be between 1 and 15, got 30",
    ),
    (
        "bad-public-url",
        {3: 'name_en = "X"\npublic_url = "localhost:8765"'},
        "hall.public_url",
        4,
        "must be an http:// or https:// address",
    ),
    (
        "plain-pin",
        {45: 'pin = "1234"'},
        "staff[0].pin",
        45,
        "hash it with `python -m queue_server.pins`",
    ),
    (
        "bad-pin-hash",
        {45: 'pin_hash = "1234"'},
        "staff[0].pin_hash",
        45,
        'must look like "scrypt$<salt hex>$<hash hex>"',
    ),
    (
        "staff-id-number",
        {43: "id = 1001"},
        "staff[0].id",
        43,
        'must be a string, got 1001 (quote it: "1001")',
    ),
    (
        "short-token",
        {55: 'token = "short"'},
        "devices[1].token",
        55,
        "must be at least 16 characters, got 5",
    ),
    (
        "token-with-space",
        {55: 'token = "c1 0123456789abcdef"'},
        "devices[1].token",
        55,
        "printable ASCII without spaces",
    ),
    (
        "duplicate-token",
        {55: 'token = "k1-0123456789abcdef"'},
        "devices[1].token",
        55,
        "duplicate token, already used by devices[0] (line 47)",
    ),
    (
        "duplicate-device-id",
        {53: 'id = "kiosk-1"'},
        "devices[1].id",
        53,
        'duplicate device id "kiosk-1"',
    ),
    (
        "bad-role",
        {49: 'role = "printer"'},
        "devices[0].role",
        49,
        'must be "kiosk", "clerk", "display", "bridge", "manager" or "agent", got "printer"',
    ),
    (
        "unknown-device-window",
        {56: "window = 9"},
        "devices[1].window",
        56,
        "no [[windows]] entry has number 9",
    ),
    (
        "kiosk-with-window",
        {50: 'token = "k1-0123456789abcdef"\nwindow = 1'},
        "devices[0].window",
        51,
        "a kiosk device does not belong to a window",
    ),
    (
        "unknown-device-zone",
        {49: 'role = "display"', 50: 'token = "k1-0123456789abcdef"\nzone = "floor9"'},
        "devices[0].zone",
        51,
        'device "kiosk-1": no [[zones]] entry has name "floor9"',
    ),
    (
        "kiosk-with-zone",
        {50: 'token = "k1-0123456789abcdef"\nzone = "floor9"'},
        "devices[0].zone",
        51,
        "a kiosk device has no zone",
    ),
    (
        "unknown-staff-role",
        {44: 'name = "张伟"\nroles = ["clerk", "boss"]'},
        "staff[0].roles[1]",
        45,
        'must be "clerk", "manager" or "agent", got "boss"',
    ),
    (
        "no-staff-role",
        {44: 'name = "张伟"\nroles = []'},
        "staff[0].roles",
        45,
        "must not be empty",
    ),
    (
        "alert-wait-zero",
        {56: "window = 1\n\n[alerts]\nwait_minutes = 0"},
        "alerts.wait_minutes",
        59,
        "must be between 1 and 1440, got 0",
    ),
    (
        "alert-unknown-key",
        {56: "window = 1\n\n[alerts]\nsilent_seconds = 30"},
        "alerts.silent_seconds",
        59,
        "",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "line", "phrase"), [case[1:] for case in BAD], ids=[c[0] for c in BAD]
)
def test_bad_file_is_refused_naming_field_line_and_problem(
    changes: dict[int, str], field: str | None, line: int, phrase: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_hall(edited(changes), "hall.toml")
    error = caught.value
    assert (error.field, error.line) == (field, line), str(error)
    assert phrase in error.problem
    where = "hall.toml" if line is None else f"hall.toml:{line}"
    assert str(error) == (
        f"{where}: {error.problem}" if field is None else f"{where}: {field}: {error.problem}"
    )


def test_message_reads_file_line_field_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_hall(edited({15: 'prefix = "a1"'}), "config/demo-hall.toml")
    assert str(caught.value) == (
        "config/demo-hall.toml:15: services[0].prefix: must be 1–2 uppercase Latin letters, "
        'got "a1"'
    )
    assert caught.value.source == "config/demo-hall.toml"


def test_duplicate_token_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_hall(edited({55: 'token = "k1-0123456789abcdef"'}))
    assert "0123456789abcdef" not in str(caught.value)


def test_sub_table_style_window_services_point_to_their_own_line() -> None:
    text = edited({35: "[windows.services]\nSB = 3\nYB = 2\nGJJ = 1"})
    with pytest.raises(ConfigError) as caught:
        parse_hall(text)
    assert (caught.value.field, caught.value.line) == ("windows[0].services.GJJ", 38)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_hall(tmp_path / "nope.toml")
    assert caught.value.line is None
    assert "cannot read the file" in str(caught.value)


def test_file_not_in_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes(GOOD.encode("gbk"))
    with pytest.raises(ConfigError) as caught:
        load_hall(path)
    assert caught.value.line == 2  # the first Chinese text
    assert "not UTF-8" in caught.value.problem


def test_file_saved_with_a_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    assert load_hall(path).name_zh == "测试县政务服务中心"


def test_weekday_names_and_lists_are_understood() -> None:
    hall = parse_hall(edited({20: '  { days = "mon,wed-fri,7", start = "13:30", end = "17:30" },'}))
    assert hall.services[0].hours[1].weekdays == frozenset({1, 3, 4, 5, 7})


def test_toml_local_times_are_accepted() -> None:
    hall = parse_hall(edited({20: '  { days = "1-5", start = 13:30:00, end = 17:30:00 },'}))
    assert str(hall.services[0].hours[1].start) == "13:30:00"


def test_the_hall_id_is_read_and_checked(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[2] / "config" / "demo-hall.toml"
    assert load_hall(demo).id == "demo-county-centre"
    bad = tmp_path / "hall.toml"
    text = demo.read_text(encoding="utf-8").replace('id = "demo-county-centre"', 'id = "县中心"')
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_hall(bad)
    assert caught.value.line == 15 and "hall.id" in str(caught.value)


# -- 好差评 moments, the 差评 clocks and the working calendar --------------------------------

GOOD_LINES = len(GOOD.splitlines())


def with_tables(text: str) -> str:
    """GOOD with ``text`` appended; its first line is GOOD_LINES + 1."""
    return GOOD + text


def test_staff_roles_and_alert_thresholds() -> None:
    hall = parse_hall(GOOD)
    assert [s.is_manager for s in hall.staff] == [False]
    assert (hall.alerts.wait_s, hall.alerts.quota_left) == (30 * 60, 5)
    assert (hall.alerts.silent_s, hall.alerts.followup_warn_s) == (5 * 60, 3600)
    text = edited(
        {
            44: 'name = "张伟"\nroles = ["clerk", "manager"]',
            56: "window = 1\n\n[alerts]\nwait_minutes = 20\nquota_left = 0\n"
            "silent_minutes = 10\nfollowup_warn_hours = 2",
        }
    )
    hall = parse_hall(text)
    assert [s.is_manager for s in hall.staff] == [True]
    assert (hall.alerts.wait_s, hall.alerts.quota_left) == (20 * 60, 0)
    assert (hall.alerts.silent_s, hall.alerts.followup_warn_s) == (10 * 60, 2 * 3600)


def test_ratings_and_calendar_defaults() -> None:
    hall = parse_hall(GOOD)
    assert hall.ratings.moments == {"after"}
    assert (hall.ratings.contact_hours, hall.ratings.feedback_days) == (2.0, 1)
    assert hall.ratings.resolve_days == 10
    assert hall.calendar.hours == (
        (dt.time(9, 0), dt.time(12, 0)),
        (dt.time(13, 30), dt.time(17, 30)),
    )
    assert hall.calendar.weekdays == {1, 2, 3, 4, 5}
    assert hall.calendar.holidays == hall.calendar.workdays == frozenset()


def test_ratings_and_calendar_are_read() -> None:
    hall = parse_hall(
        with_tables(
            "[ratings]\n"
            'moments = ["before", "during", "after"]\n'
            "contact_hours = 1.5\nfeedback_days = 2\nresolve_days = 5\n"
            "[calendar]\n"
            'hours = [{ start = "08:30", end = "12:00" }, { start = 14:00:00, end = "18:00" }]\n'
            'weekdays = "1-6"\n'
            'holidays = [2026-10-01, "2026-10-02"]\n'
            'workdays = ["2026-10-11"]\n'
        )
    )
    assert hall.ratings.moments == {"before", "during", "after"}
    assert (hall.ratings.contact_hours, hall.ratings.feedback_days) == (1.5, 2)
    assert hall.ratings.resolve_days == 5
    assert hall.calendar.hours[1] == (dt.time(14, 0), dt.time(18, 0))
    assert hall.calendar.weekdays == {1, 2, 3, 4, 5, 6}
    assert hall.calendar.holidays == {dt.date(2026, 10, 1), dt.date(2026, 10, 2)}
    assert hall.calendar.workdays == {dt.date(2026, 10, 11)}


def test_the_older_name_of_resolve_days_is_still_read() -> None:
    hall = parse_hall(with_tables("[ratings]\nfollowup_working_days = 3\n"))
    assert hall.ratings.resolve_days == 3


RATINGS_BAD = [
    # (id, appended text, field, line offset from GOOD_LINES, phrase)
    (
        "unknown-moment",
        '[ratings]\nmoments = ["after", "later"]\n',
        "ratings.moments[1]",
        2,
        'must be "before", "during" or "after", got "later"',
    ),
    ("no-moment", "[ratings]\nmoments = []\n", "ratings.moments", 2, "must not be empty"),
    (
        "moment-twice",
        '[ratings]\nmoments = ["after",\n  "after"]\n',
        "ratings.moments[1]",
        3,
        'duplicate rating moment "after"',
    ),
    (
        "contact-zero",
        "[ratings]\ncontact_hours = 0\n",
        "ratings.contact_hours",
        2,
        "must be more than 0 and at most 72, got 0",
    ),
    (
        "resolve-too-long",
        "[ratings]\nresolve_days = 16\n",
        "ratings.resolve_days",
        2,
        "must be between 1 and 15, got 16",
    ),
    (
        "both-names",
        "[ratings]\nresolve_days = 5\nfollowup_working_days = 5\n",
        "ratings.followup_working_days",
        3,
        "older name of resolve_days",
    ),
    (
        "feedback-after-resolution",
        "[ratings]\nfeedback_days = 4\nresolve_days = 3\n",
        "ratings.feedback_days",
        2,
        "must not be after the resolution (3 working days)",
    ),
    (
        "bad-holiday",
        '[calendar]\nholidays = [\n  2026-10-01,\n  "2026-10-32",\n]\n',
        "calendar.holidays[1]",
        4,
        'must be a date like 2026-10-01 or "2026-10-01", got "2026-10-32"',
    ),
    (
        "holiday-twice",
        '[calendar]\nholidays = [2026-10-01, "2026-10-01"]\n',
        "calendar.holidays[1]",
        2,
        'duplicate holiday "2026-10-01"',
    ),
    (
        "workday-is-a-holiday",
        "[calendar]\nholidays = [2026-10-10]\nworkdays = [2026-10-10]\n",
        "calendar.workdays[0]",
        3,
        "2026-10-10 is also listed in calendar.holidays",
    ),
    (
        "workday-is-a-weekday",
        "[calendar]\nworkdays = [2026-10-09]\n",
        "calendar.workdays[0]",
        2,
        "is a working weekday already",
    ),
    (
        "hours-reversed",
        '[calendar]\nhours = [\n  { start = "12:00", end = "09:00" },\n]\n',
        "calendar.hours[0]",
        3,
        "start 12:00 must be before end 09:00",
    ),
    (
        "hours-overlap",
        '[calendar]\nhours = [{ start = "09:00", end = "12:00" },\n  { start = "11:00", end = "17:00" }]\n',
        "calendar.hours[1]",
        3,
        "must start at or after the end of calendar.hours[0]",
    ),
    ("no-hours", "[calendar]\nhours = []\n", "calendar.hours", 2, "must be at least one period"),
    (
        "bad-weekdays",
        '[calendar]\nweekdays = "mon-xyz"\n',
        "calendar.weekdays",
        2,
        "must be ISO weekdays",
    ),
    (
        "calendar-typo",
        "[calendar]\nholiday = [2026-10-01]\n",
        "calendar.holiday",
        2,
        "unknown key (typo?); allowed here: holidays, hours, weekdays, workdays",
    ),
]


@pytest.mark.parametrize(
    ("text", "field", "offset", "phrase"),
    [case[1:] for case in RATINGS_BAD],
    ids=[case[0] for case in RATINGS_BAD],
)
def test_bad_ratings_or_calendar_is_refused_naming_field_and_line(
    text: str, field: str, offset: int, phrase: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_hall(with_tables(text))
    error = caught.value
    assert (error.field, error.line) == (field, GOOD_LINES + offset), str(error)
    assert phrase in error.problem, error.problem


def test_remote_taking_is_read_and_its_secret_is_required_and_never_shown() -> None:
    assert parse_hall(GOOD).remote.enabled is False  # off unless configured
    hall = parse_hall(
        GOOD
        + '\n[remote]\nenabled = true\nsecret = "a-hall-secret-0001"\n'
        + "checkin_minutes = 15\nhold_ahead = 2\nper_address_hour = 5\n"
    )
    remote = hall.remote
    assert (remote.enabled, remote.checkin_minutes, remote.hold_ahead) == (True, 15, 2)
    assert (remote.per_address_hour, remote.per_service_hour, remote.per_citizen_day) == (5, 30, 3)
    with pytest.raises(ConfigError) as caught:
        parse_hall(GOOD + '\n[remote]\nenabled = true\nsecret = "short-secret"\n')
    assert "remote.secret" in str(caught.value) and "short-secret" not in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        parse_hall(
            GOOD + '\n[remote]\nenabled = true\nsecret = "a-hall-secret-0001"\nhold_ahead = -1\n'
        )
    assert "remote.hold_ahead" in str(caught.value)


def test_a_display_device_is_kept_to_a_zone_of_the_hall() -> None:
    hall = parse_hall(
        with_tables(
            """
[[zones]]
name = "floor1"
name_zh = "一楼"
windows = [1]

[[devices]]
id = "board-1f"
role = "display"
token = "b1-0123456789abcdef"
zone = "floor1"

[[devices]]
id = "board-hall"
role = "display"
token = "b2-0123456789abcdef"
"""
        ),
        "hall.toml",
    )
    zones = {d.id: d.zone for d in hall.devices if d.role.value == "display"}
    assert zones == {"board-1f": "floor1", "board-hall": None}
