"""Calendar rules: the business day, opening hours and working days, in the hall's timezone.

The clock is always passed in (POSIX seconds); nothing here reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from .model import CallPolicy, Service, WorkCalendar

__all__ = [
    "add_working_days",
    "add_working_time",
    "business_day",
    "day_start_at",
    "end_of_working_day",
    "is_open",
    "local_time",
    "working_days_due",
]

MAX_SEARCH_DAYS = 3 * 366  # a calendar without a working day in this span is refused


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_time(now: float, timezone: str) -> dt.datetime:
    """``now`` as an aware local datetime of the hall."""
    return dt.datetime.fromtimestamp(now, _zone(timezone))


def business_day(now: float, policy: CallPolicy) -> str:
    """The business day ``YYYY-MM-DD`` of ``now``: it starts at ``policy.day_start`` local time.

    Before ``day_start`` the time still belongs to the previous day's business. Every request
    asks, so the span of the last day found is kept per time zone and start: a time inside it
    needs no calendar arithmetic.
    """
    key = (policy.timezone, policy.day_start)
    span = _SPANS.get(key)
    if span is not None and span[0] <= now < span[1]:
        return span[2]
    day = _business_day(now, policy)
    start = day_start_at(day, policy)
    end = day_start_at((dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat(), policy)
    zone = _zone(policy.timezone)
    offsets = {dt.datetime.fromtimestamp(t, zone).utcoffset() for t in (start, now, end)}
    if start <= now < end and len(offsets) == 1:
        _SPANS[key] = (start, end, day)  # no clock change inside: the whole span is this day
    return day


_SPANS: dict[tuple[str, dt.time], tuple[float, float, str]] = {}


def _business_day(now: float, policy: CallPolicy) -> str:
    local = local_time(now, policy.timezone)
    day = local.date()
    if local.time() < policy.day_start:
        day -= dt.timedelta(days=1)
    return day.isoformat()


def day_start_at(day: str, policy: CallPolicy) -> float:
    """POSIX seconds at which the business day ``day`` (``YYYY-MM-DD``) started."""
    date = dt.date.fromisoformat(day)
    local = dt.datetime.combine(date, policy.day_start, _zone(policy.timezone))
    return local.timestamp()


def is_open(service: Service, now: float, timezone: str) -> bool:
    """Whether ``service`` takes tickets at ``now``; no hours configured means always.

    A period is ``[start, end)`` on its weekdays; one that ends at or before its start runs
    past midnight.
    """
    if not service.hours:
        return True
    local = local_time(now, timezone)
    weekday, clock = local.isoweekday(), local.time().replace(tzinfo=None)
    for period in service.hours:
        if period.start < period.end:
            if weekday in period.weekdays and period.start <= clock < period.end:
                return True
        else:
            yesterday = 7 if weekday == 1 else weekday - 1
            if weekday in period.weekdays and clock >= period.start:
                return True
            if yesterday in period.weekdays and clock < period.end:
                return True
    return False


def add_working_days(day: str, count: int, calendar: WorkCalendar | None = None) -> str:
    """The date ``count`` working days after ``day`` (``day`` itself is not counted).

    Without a calendar, Monday–Friday are the working days; with one, its weekdays, less its
    public holidays, plus its make-up working days (调休). Periods counted in days begin on
    the next day (民法典 第二百零一条: 开始的当日不计入).
    """
    calendar = calendar or WorkCalendar()
    date = dt.date.fromisoformat(day)
    remaining = count
    searched = 0
    while remaining > 0:
        date += dt.timedelta(days=1)
        searched += 1
        if calendar.is_working_day(date):
            remaining -= 1
            searched = 0
        elif searched > MAX_SEARCH_DAYS:
            raise ValueError("the calendar has no working day")
    return date.isoformat()


def _at(day: dt.date, clock: dt.time, timezone: str) -> float:
    return dt.datetime.combine(day, clock, tzinfo=_zone(timezone)).timestamp()


def end_of_working_day(day: str, calendar: WorkCalendar, timezone: str) -> float:
    """The end of the last working period of ``day`` (POSIX seconds, hall timezone)."""
    last = max(end for _, end in calendar.hours)
    return _at(dt.date.fromisoformat(day), last, timezone)


def working_days_due(now: float, count: int, calendar: WorkCalendar, timezone: str) -> float:
    """A clock of ``count`` working days started at ``now``: the end of the working day
    ``count`` working days after ``now``'s local date (the starting day is not counted)."""
    start = local_time(now, timezone).date().isoformat()
    return end_of_working_day(add_working_days(start, count, calendar), calendar, timezone)


def add_working_time(now: float, seconds: float, calendar: WorkCalendar, timezone: str) -> float:
    """The moment ``seconds`` of working time after ``now``.

    Working time is the calendar's hours on its working days; a clock started outside them
    (at night, on a weekend or a holiday) starts running when the next working period opens.
    Periods counted in hours begin at once (民法典 第二百零一条).
    """
    if not calendar.hours:
        raise ValueError("the calendar has no working hours")
    day = local_time(now, timezone).date()
    remaining = max(0.0, seconds)
    searched = 0
    while True:
        if calendar.is_working_day(day):
            searched = 0
            for start, end in sorted(calendar.hours):
                begin = max(now, _at(day, start, timezone))
                finish = _at(day, end, timezone)
                if begin > finish:
                    continue
                if remaining <= finish - begin:
                    return begin + remaining
                remaining -= finish - begin
        else:
            searched += 1
            if searched > MAX_SEARCH_DAYS:
                raise ValueError("the calendar has no working day")
        day += dt.timedelta(days=1)
