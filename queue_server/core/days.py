"""Calendar rules: the business day, opening hours and working days, in the hall's timezone.

The clock is always passed in (POSIX seconds); nothing here reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from .model import CallPolicy, Service

__all__ = ["add_working_days", "business_day", "day_start_at", "is_open", "local_time"]


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_time(now: float, timezone: str) -> dt.datetime:
    """``now`` as an aware local datetime of the hall."""
    return dt.datetime.fromtimestamp(now, _zone(timezone))


def business_day(now: float, policy: CallPolicy) -> str:
    """The business day ``YYYY-MM-DD`` of ``now``: it starts at ``policy.day_start`` local time.

    Before ``day_start`` the time still belongs to the previous day's business.
    """
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


def add_working_days(day: str, count: int) -> str:
    """The date ``count`` working days (Monday–Friday) after ``day``.

    好差评 回访: a 差评 must be followed up within N working days. Public holidays are not
    modelled here.
    """
    date = dt.date.fromisoformat(day)
    remaining = count
    while remaining > 0:
        date += dt.timedelta(days=1)
        if date.isoweekday() <= 5:
            remaining -= 1
    return date.isoformat()
