"""When a closed service opens next (the self-service station's "大厅下次开放")."""

from __future__ import annotations

import dataclasses
import datetime as dt

from core_hall import LICENCE, TAX, at

from queue_server.core.model import OpeningPeriod
from queue_server.core.opening import opens_at

ZONE = "Asia/Shanghai"


def test_a_service_without_hours_or_open_now_has_no_next_opening() -> None:
    assert opens_at(TAX, at(23, 3), ZONE) is None  # open around the clock
    assert opens_at(LICENCE, at(23, 10), ZONE) is None  # Monday 09:00–12:00: open


def test_the_next_opening_is_later_today_or_the_next_working_day() -> None:
    assert opens_at(LICENCE, at(23, 7, 30), ZONE) == at(23, 9)  # Monday before opening
    assert opens_at(LICENCE, at(23, 12), ZONE) == at(24, 9)  # Monday noon: Tuesday
    assert opens_at(LICENCE, at(27, 18), ZONE) == at(30, 9)  # Friday evening: Monday


def test_the_earliest_of_several_periods() -> None:
    weekdays = frozenset({1, 2, 3, 4, 5})
    split = (
        OpeningPeriod(weekdays, dt.time(13, 30), dt.time(17, 0)),
        OpeningPeriod(weekdays, dt.time(9, 0), dt.time(12, 0)),
    )
    service = dataclasses.replace(LICENCE, hours=split)
    assert opens_at(service, at(23, 12, 30), ZONE) == at(23, 13, 30)  # lunch
    assert opens_at(service, at(28, 10), ZONE) == at(30, 9)  # Saturday
