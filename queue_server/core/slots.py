"""预约时段 and 预约延时服务 as times: which slots a service offers on a day, when a slot
starts, whether a window calls booked tickets only at a moment. Pure functions of the
configuration and the time passed in.

A slot is named by its day ``YYYY-MM-DD`` and its start ``HH:MM`` (hall time).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .days import local_time
from .model import OpeningPeriod, Service, SlotRule, Window

__all__ = [
    "booked_only_at",
    "booked_only_periods",
    "capacity_of",
    "slot_at",
    "slot_starts",
]


def _starts(rule: SlotRule, day: dt.date) -> list[str]:
    """The slots of one rule on ``day``; an ``end`` of 00:00 is midnight."""
    if day.isoweekday() not in rule.weekdays:
        return []
    at = dt.datetime.combine(day, rule.start)
    end = dt.datetime.combine(day, rule.end)
    if rule.end == dt.time(0):
        end += dt.timedelta(days=1)
    step = dt.timedelta(minutes=rule.every_min)
    starts = []
    while at + step <= end:
        starts.append(f"{at:%H:%M}")
        at += step
    return starts


def slot_starts(service: Service, day: dt.date) -> list[str]:
    """The slots ``HH:MM`` the service offers on ``day``, in order."""
    return sorted({start for rule in service.appointment_slots for start in _starts(rule, day)})


def capacity_of(service: Service, day: dt.date, slot: str) -> int:
    """How many citizens one slot takes (0: the service offers no such slot on that day)."""
    return sum(r.capacity for r in service.appointment_slots if slot in _starts(r, day))


def slot_at(day: str, slot: str, timezone: str) -> float:
    """POSIX seconds of a slot's start."""
    date = dt.date.fromisoformat(day)
    clock = dt.time.fromisoformat(slot)
    return dt.datetime.combine(date, clock, tzinfo=ZoneInfo(timezone)).timestamp()


def booked_only_at(window: Window, now: float, timezone: str) -> OpeningPeriod | None:
    """The 预约延时服务 period of ``window`` at ``now``, if it is in one."""
    if not window.booked_only:
        return None
    local = local_time(now, timezone)
    clock = local.time()
    for period in window.booked_only:
        if local.isoweekday() in period.weekdays and period.start <= clock < period.end:
            return period
    return None


def booked_only_periods(window: Window, weekday: int) -> list[dict[str, str]]:
    """The window's 预约延时服务 periods on an ISO weekday, as ``{"start", "end"}`` (HH:MM)."""
    return [
        {"start": f"{p.start:%H:%M}", "end": f"{p.end:%H:%M}"}
        for p in sorted(window.booked_only, key=lambda p: p.start)
        if weekday in p.weekdays
    ]
