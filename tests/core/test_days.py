"""The business day: its start, expiry of what is left, numbering restart; calendar helpers."""

from __future__ import annotations

import datetime as dt
from copy import deepcopy
from zoneinfo import ZoneInfo

import pytest
from core_hall import LICENCE, T0, Clerk, at
from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.core import (
    CallNext,
    DomainError,
    Engine,
    Finish,
    OpenWindow,
    Park,
    Rate,
    StartDay,
    TakeTicket,
)
from queue_server.core.days import add_working_days, business_day, is_open
from queue_server.core.model import CallPolicy, OpeningPeriod, Service


@pytest.mark.parametrize(
    ("when", "day"),
    [
        (at(23, 5, 59, 59), "2026-11-22"),  # before 06:00 still belongs to Sunday
        (at(23, 6, 0), "2026-11-23"),
        (at(23, 23, 59, 59), "2026-11-23"),
        (at(24, 0, 0), "2026-11-23"),
    ],
)
def test_business_day_starts_at_day_start(engine: Engine, when: float, day: str) -> None:
    assert engine.day_of(when) == day


def test_business_day_in_another_timezone() -> None:
    policy = CallPolicy(day_start=dt.time(0, 0), timezone="Europe/London")
    assert business_day(at(23, 7, 59), policy) == "2026-11-22"  # 23:59 in London
    assert business_day(at(23, 8, 0), policy) == "2026-11-23"


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(
        ["Asia/Shanghai", "Europe/London", "America/New_York", "Australia/Lord_Howe"]
    ),
    start=st.sampled_from([dt.time(0, 0), dt.time(1, 0), dt.time(2, 30), dt.time(6, 0)]),
    times=st.lists(st.floats(1.6e9, 1.9e9, allow_nan=False), min_size=1, max_size=60),
)
def test_business_day_is_the_local_clocks_in_any_order(
    zone: str, start: dt.time, times: list[float]
) -> None:
    """Times asked in any order, clock changes included, give the day the local clock says
    (the span kept from the last answer never answers for a time outside it)."""
    policy = CallPolicy(day_start=start, timezone=zone)
    steps = [t + d for t in times for d in (0.0, 3600.0, 86_399.0)]  # near ones too
    for when in steps:
        local = dt.datetime.fromtimestamp(when, ZoneInfo(zone))
        expected = local.date() - dt.timedelta(days=1 if local.time() < start else 0)
        assert business_day(when, policy) == expected.isoformat(), (when, zone, start)


def test_opening_hours() -> None:
    tz = "Asia/Shanghai"
    assert [is_open(LICENCE, t, tz) for t in (at(23, 9), at(23, 11, 59), at(23, 12))] == [
        True,
        True,
        False,
    ]
    night = Service(
        "n",
        "夜间",
        "Night",
        "N",
        "x",
        "x",
        hours=(OpeningPeriod(frozenset({1}), dt.time(22, 0), dt.time(2, 0)),),
    )
    assert [is_open(night, t, tz) for t in (at(23, 23), at(24, 1), at(24, 3), at(24, 23))] == [
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("day", "count", "deadline"),
    [
        ("2026-11-23", 3, "2026-11-26"),  # Mon -> Thu
        ("2026-11-27", 1, "2026-11-30"),  # Fri -> Mon
        ("2026-11-28", 1, "2026-11-30"),  # Sat -> Mon
        ("2026-11-26", 5, "2026-12-03"),
        ("2026-11-26", 0, "2026-11-26"),
    ],
)
def test_add_working_days(day: str, count: int, deadline: str) -> None:
    assert add_working_days(day, count) == deadline


def test_engine_has_no_day_until_the_first_command(engine: Engine) -> None:
    assert engine.day is None
    assert engine.find("A001") is None
    engine.execute(StartDay(), T0, "clock")
    assert engine.day == "2026-11-23"


def test_start_day_is_idempotent_within_the_day(run: Clerk) -> None:
    first = run(StartDay(), actor="clock")
    assert first.events == [
        {
            "type": "day_started",
            "at": T0,
            "actor": "clock",
            "day": "2026-11-23",
            "previous": None,
        }
    ]
    assert first.reply == {"day": "2026-11-23"}
    assert run(StartDay(), after=3600).events == []


def test_next_day_expires_what_is_left_and_restarts_numbering(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(3, "s2"))
    for i in range(5):
        run(TakeTicket("tax", f"r{i}"))
    run(CallNext(1))
    run(Finish(1))  # A001 done
    run(CallNext(1))
    run(Park(1))  # A002 parked
    run(CallNext(3))  # A003 called
    run.now = at(24, 6, 0)
    result = run(StartDay(), actor="clock")
    assert [(e["type"], e.get("ticket"), e.get("was")) for e in result.events] == [
        ("day_started", None, None),
        ("ticket_expired", "2026-11-23-A002", "parked"),
        ("ticket_expired", "2026-11-23-A003", "called"),
        ("ticket_expired", "2026-11-23-A004", "waiting"),
        ("ticket_expired", "2026-11-23-A005", "waiting"),
    ]
    assert {e["day"] for e in result.events} == {"2026-11-24"}
    assert result.events[0]["previous"] == "2026-11-23"
    engine = run.engine
    assert engine.ticket("2026-11-23-A004")["state"] == "expired"  # type: ignore[index]
    assert engine.ticket("2026-11-23-A001")["state"] == "done"  # type: ignore[index]
    snap = engine.snapshot(run.now)
    assert snap["day"] == "2026-11-24"
    assert snap["waiting"] == []
    assert [w["current"] for w in snap["windows"]] == [None, None, None]
    assert [w["parked"] for w in snap["windows"]] == [[], [], []]
    # Windows stay open; numbering restarts; the same request id is a new request today.
    assert [w["state"] for w in snap["windows"]] == ["open", "closed", "open"]
    assert run(TakeTicket("tax", "r0")).reply["ticket"]["id"] == "2026-11-24-A001"
    assert engine.find("A001")["state"] == "waiting"  # type: ignore[index]


def test_any_command_starts_the_new_day_first(run: Clerk) -> None:
    run(TakeTicket("tax", "r1"))
    run.now = at(24, 8, 0)
    result = run(TakeTicket("tax", "r2"))
    assert [e["type"] for e in result.events] == ["day_started", "ticket_expired", "ticket_issued"]
    assert result.reply["ticket"]["number"] == "A001"


def test_refused_command_on_a_new_day_changes_nothing(run: Clerk) -> None:
    run(TakeTicket("tax", "r1"))
    saved = deepcopy(run.engine.state)
    with pytest.raises(DomainError):
        run(TakeTicket("nope", "r2"), after=86400)
    assert run.engine.state == saved
    assert run.engine.day == "2026-11-23"
    result = run(TakeTicket("tax", "r2"))  # the next accepted command starts the day
    assert [e["type"] for e in result.events] == ["day_started", "ticket_expired", "ticket_issued"]


def test_ratings_do_not_cross_the_day(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(CallNext(1))
    run.now = at(24, 5, 59)
    run(Finish(1))
    run.now = at(24, 6, 0)
    assert run(Rate(1, 5)).error.code == "no_served_ticket"  # type: ignore[union-attr]


def test_old_days_are_forgotten_the_day_before_is_kept(run: Clerk) -> None:
    run(TakeTicket("tax", "r1"))
    run.now = at(24, 9)
    run(TakeTicket("tax", "r1"))
    run.now = at(25, 9)
    run(TakeTicket("tax", "r1"))
    assert sorted(run.engine.state.tickets) == ["2026-11-24-A001", "2026-11-25-A001"]
