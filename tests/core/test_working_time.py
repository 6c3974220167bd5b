"""Working time: the 差评 clocks run on working hours, working days, holidays and 调休."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.core.days import (
    add_working_days,
    add_working_time,
    end_of_working_day,
    working_days_due,
)
from queue_server.core.model import WorkCalendar

TZ = "Asia/Shanghai"
HOUR = 3600.0

# National Day 2026 as the State Council arranges such weeks: 1–7 October off, two weekend
# days worked instead (调休).
NATIONAL_DAY = WorkCalendar(
    holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 8)),
    workdays=frozenset({dt.date(2026, 9, 20), dt.date(2026, 10, 10)}),
)
PLAIN = WorkCalendar()


def t(month: int, day: int, hour: int, minute: int = 0) -> float:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo(TZ)).timestamp()


def local(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp, ZoneInfo(TZ)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (t(11, 23, 9, 30), 2, "2026-11-23 11:30"),  # inside the morning
        (t(11, 23, 11, 30), 2, "2026-11-23 15:00"),  # over the lunch break
        (t(11, 23, 12, 40), 2, "2026-11-23 15:30"),  # in the lunch break: from 13:30
        (t(11, 23, 16, 45), 2, "2026-11-24 10:15"),  # into the next morning
        (t(11, 23, 20, 0), 2, "2026-11-24 11:00"),  # after hours: from the next opening
        (t(11, 23, 7, 0), 2, "2026-11-23 11:00"),  # before opening
        (t(11, 27, 17, 0), 2, "2026-11-30 10:30"),  # Friday afternoon: Monday
        (t(11, 28, 10, 0), 2, "2026-11-30 11:00"),  # Saturday: from Monday's opening
        (t(11, 23, 9, 0), 7, "2026-11-23 17:30"),  # a whole working day ends at its close
        (t(11, 23, 9, 0), 0, "2026-11-23 09:00"),
    ],
)
def test_working_hours(start: float, hours: float, due: str) -> None:
    assert local(add_working_time(start, hours * HOUR, PLAIN, TZ)) == due


def test_public_holidays_and_make_up_days() -> None:
    assert NATIONAL_DAY.is_working_day(dt.date(2026, 9, 30))
    assert not NATIONAL_DAY.is_working_day(dt.date(2026, 10, 1))  # a Thursday, but a holiday
    assert NATIONAL_DAY.is_working_day(dt.date(2026, 10, 10))  # a Saturday, but 调休
    assert not NATIONAL_DAY.is_working_day(dt.date(2026, 10, 11))
    # The afternoon before National Day: the clock stops for the whole week.
    assert local(add_working_time(t(9, 30, 16, 0), 2 * HOUR, NATIONAL_DAY, TZ)) == (
        "2026-10-08 09:30"
    )
    # A Sunday that is a make-up working day runs the clock.
    assert local(add_working_time(t(9, 19, 15, 0), 2 * HOUR, NATIONAL_DAY, TZ)) == (
        "2026-09-20 11:00"
    )
    assert local(add_working_time(t(9, 19, 15, 0), 2 * HOUR, PLAIN, TZ)) == "2026-09-21 11:00"


@pytest.mark.parametrize(
    ("day", "count", "plain", "national_day"),
    [
        ("2026-09-30", 1, "2026-10-01", "2026-10-08"),
        ("2026-09-30", 3, "2026-10-05", "2026-10-10"),  # the 调休 Saturday counts
        ("2026-09-30", 10, "2026-10-14", "2026-10-20"),
        ("2026-09-18", 1, "2026-09-21", "2026-09-20"),  # Friday: the 调休 Sunday is next
        ("2026-10-03", 1, "2026-10-05", "2026-10-08"),  # in the holiday
    ],
)
def test_working_days_with_a_calendar(day: str, count: int, plain: str, national_day: str) -> None:
    assert add_working_days(day, count) == plain
    assert add_working_days(day, count, PLAIN) == plain
    assert add_working_days(day, count, NATIONAL_DAY) == national_day


def test_day_clocks_end_at_the_close_of_the_last_day() -> None:
    assert local(end_of_working_day("2026-10-08", NATIONAL_DAY, TZ)) == "2026-10-08 17:30"
    # A rating at 16:00 the day before the holiday: feedback within 1 working day, resolved
    # within 10, the rating's own day not counted.
    assert local(working_days_due(t(9, 30, 16, 0), 1, NATIONAL_DAY, TZ)) == "2026-10-08 17:30"
    assert local(working_days_due(t(9, 30, 16, 0), 10, NATIONAL_DAY, TZ)) == "2026-10-20 17:30"
    # Rated after midnight, before opening: that date is still the starting day.
    assert local(working_days_due(t(11, 24, 1, 0), 1, PLAIN, TZ)) == "2026-11-25 17:30"


def test_another_timezone_and_hours() -> None:
    urumqi = WorkCalendar(
        hours=((dt.time(10, 0), dt.time(14, 0)), (dt.time(15, 30), dt.time(19, 30)))
    )
    start = dt.datetime(2026, 11, 23, 13, 0, tzinfo=ZoneInfo("Asia/Urumqi")).timestamp()
    due = add_working_time(start, 2 * HOUR, urumqi, "Asia/Urumqi")
    assert dt.datetime.fromtimestamp(due, ZoneInfo("Asia/Urumqi")).strftime("%H:%M") == "16:30"


def test_a_calendar_without_working_time_is_refused() -> None:
    closed = WorkCalendar(weekdays=frozenset())
    with pytest.raises(ValueError, match="no working day"):
        add_working_time(t(11, 23, 9), HOUR, closed, TZ)
    with pytest.raises(ValueError, match="no working day"):
        add_working_days("2026-11-23", 1, closed)
    with pytest.raises(ValueError, match="no working hours"):
        add_working_time(t(11, 23, 9), HOUR, WorkCalendar(hours=()), TZ)


CALENDARS = st.sampled_from([PLAIN, NATIONAL_DAY])
MOMENTS = st.floats(min_value=t(9, 1, 0), max_value=t(11, 30, 0), allow_nan=False)
# Whole minutes: a span so small that adding it to another changes nothing in floating point
# (first + 1e-309 == first) would still move a clock that ends at a close to the next opening.
HOURS = st.integers(min_value=0, max_value=120 * 60).map(lambda minutes: minutes / 60)


def working_now(calendar: WorkCalendar, stamp: float) -> bool:
    moment = dt.datetime.fromtimestamp(stamp, ZoneInfo(TZ))
    clock = moment.time()
    return calendar.is_working_day(moment.date()) and any(
        start <= clock <= end for start, end in calendar.hours
    )


@given(calendar=CALENDARS, start=MOMENTS, first=HOURS, second=HOURS)
@settings(max_examples=200, deadline=None)
def test_working_time_adds_up(
    calendar: WorkCalendar, start: float, first: float, second: float
) -> None:
    """A clock lands in working time, never before its start, and two spans in a row end
    where their sum does."""
    one = add_working_time(start, first * HOUR, calendar, TZ)
    both = add_working_time(start, (first + second) * HOUR, calendar, TZ)
    assert one >= start and both >= one
    assert working_now(calendar, both)
    assert add_working_time(one, second * HOUR, calendar, TZ) == pytest.approx(both, abs=1e-3)


@given(calendar=CALENDARS, start=MOMENTS, days=st.integers(1, 15))
@settings(max_examples=200, deadline=None)
def test_a_day_clock_ends_at_the_close_of_a_working_day(
    calendar: WorkCalendar, start: float, days: int
) -> None:
    due = working_days_due(start, days, calendar, TZ)
    moment = dt.datetime.fromtimestamp(due, ZoneInfo(TZ))
    assert calendar.is_working_day(moment.date()) and moment.time() == dt.time(17, 30)
    assert due > start
    assert working_days_due(start, days + 1, calendar, TZ) > due
    # Never earlier than the same number of full working days of working time.
    assert due >= add_working_time(start, days * 7 * HOUR, calendar, TZ) - 1e-3
