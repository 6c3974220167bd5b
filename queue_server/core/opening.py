"""When a closed service opens next: for the 24-hour self-service station's "大厅下次开放".

Pure: the clock is passed in. A period is ``[start, end)`` on its weekdays, local time, as
in :func:`.days.is_open`; a period that ends at or before its start runs past midnight.
"""

from __future__ import annotations

import datetime as dt

from .days import is_open, local_time
from .model import Service

__all__ = ["opens_at"]

SEARCH_DAYS = 8  # every weekly period starts within a week


def opens_at(service: Service, now: float, timezone: str) -> float | None:
    """POSIX seconds of the next start of one of ``service``'s periods after ``now``, while
    it is closed; None while it is open or when it has no hours (open around the clock)."""
    if not service.hours or is_open(service, now, timezone):
        return None
    local = local_time(now, timezone)
    starts = []
    for offset in range(SEARCH_DAYS):
        day = local.date() + dt.timedelta(days=offset)
        for period in service.hours:
            if day.isoweekday() in period.weekdays:
                start = dt.datetime.combine(day, period.start, local.tzinfo)
                if start.timestamp() > now:
                    starts.append(start.timestamp())
        if starts:
            return min(starts)
    return None
