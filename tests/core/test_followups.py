"""差评 work orders: opened with owner and clocks, assigned, 回访, resolved, re-rated."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from core_hall import HALL, Clerk, at

from contract.followups import ClockName, followup_clocks
from contract.records import decode_snapshot
from contract.texts import (
    CLOCK_STATE_TEXTS,
    CONTACT_CHANNEL_TEXTS,
    FOLLOWUP_CLOCK_TEXTS,
    FOLLOWUP_OUTCOME_TEXTS,
    HALL_ASPECT_TEXTS,
    RATING_MOMENT_TEXTS,
)
from queue_server.core import (
    AssignFollowup,
    CallNext,
    ContactFollowup,
    DomainError,
    Engine,
    Finish,
    OpenWindow,
    Rate,
    RerateFollowup,
    ResolveFollowup,
    StartDay,
    TakeTicket,
)
from queue_server.core.followups import ClockState
from queue_server.core.model import (
    ContactChannel,
    FollowupOutcome,
    HallAspect,
    RatingMoment,
    WorkCalendar,
)
from queue_server.core.state import RERATE_DAYS

SHANGHAI = ZoneInfo("Asia/Shanghai")
MANAGER = "s3"
F1 = "2026-11-23-F001"


def when(month: int, day: int, hour: int, minute: int = 0) -> float:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).timestamp()


def local(stamp: float | None) -> str:
    assert stamp is not None
    return dt.datetime.fromtimestamp(stamp, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def bad_rating(run: Clerk, score: int = 1, request: str = "r1") -> dict[str, Any]:
    """Window 1 (s1) serves a ticket and gets a 差评: the followup_opened event."""
    if run.engine.state.windows.get(1) is None:
        run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", request))
    run(CallNext(1))
    run(Finish(1), after=300)
    result = run(Rate(1, score), after=10, actor="evaluator-1")
    assert result.events[-1]["type"] == "followup_opened"
    return result.events[-1]


def refused(run: Clerk, command: Any, code: str, actor: str = MANAGER) -> DomainError:
    before = pickle.dumps(run.engine.state)
    with pytest.raises(DomainError) as caught:
        run(command, actor=actor)
    assert caught.value.code == code
    assert caught.value.message_zh and caught.value.message_en
    assert pickle.loads(before) == run.engine.state, "a refused step changed the state"
    return caught.value


def test_a_bad_rating_opens_a_work_order_owned_by_the_clerk(run: Clerk) -> None:
    opened = bad_rating(run, score=2)  # Monday 09:35
    assert {k: opened[k] for k in ("followup", "ticket", "number", "service", "window")} == {
        "followup": F1,
        "ticket": "2026-11-23-A001",
        "number": "A001",
        "service": "tax",
        "window": 1,
    }
    assert (opened["owner"], opened["staff"], opened["moment"]) == ("s1", "s1", "after")
    # 2 working hours; 1 and 3 working days (the hall's resolve_days), the day not counted.
    assert local(opened["contact_due"]) == "2026-11-23 11:35"
    assert local(opened["feedback_due"]) == "2026-11-24 17:30"
    assert local(opened["resolve_due"]) == "2026-11-26 17:30"
    assert opened["deadline"] == "2026-11-26"
    (listed,) = run.engine.snapshot(run.now)["followups"]
    assert listed["followup"] == F1 and listed["owner"] == "s1"
    assert listed["contacts"] == [] and listed["outcome"] is None
    json.dumps(run.engine.snapshot(run.now))
    # A second 差评 the same day is the next work order.
    assert bad_rating(run, request="r2")["followup"] == "2026-11-23-F002"


def test_assign(run: Clerk) -> None:
    bad_rating(run)
    result = run(AssignFollowup(F1, "s2"), actor=MANAGER)
    assert [(e["type"], e["followup"], e["owner"], e["actor"]) for e in result.events] == [
        ("followup_assigned", F1, "s2", MANAGER)
    ]
    assert result.reply["followup"]["owner"] == "s2"
    assert run(AssignFollowup(F1, "s2"), actor=MANAGER).events == []  # no change
    refused(run, AssignFollowup(F1, "nobody"), "unknown_staff")
    refused(run, AssignFollowup("2026-11-23-F009", "s2"), "unknown_followup")
    # The acting staff id must be a staff member: a device id is not.
    refused(run, AssignFollowup(F1, "s1"), "unknown_staff", actor="manager-1")


def test_contact_resolve_and_rerate(run: Clerk) -> None:
    bad_rating(run)
    refused(run, RerateFollowup(F1, 5), "not_resolved")
    refused(run, ContactFollowup(F1, "说明情况", channel="fax"), "bad_channel")
    refused(run, ContactFollowup(F1, "   "), "empty_note")
    contacted = run(ContactFollowup(F1, "群众反映等候太久，已致歉", channel="phone"), actor=MANAGER)
    (event,) = contacted.events
    assert (event["type"], event["channel"], event["actor"]) == (
        "followup_contacted",
        "phone",
        MANAGER,
    )
    assert contacted.reply["followup"]["contacts"] == [
        {"at": run.now, "channel": "phone", "note": "群众反映等候太久，已致歉", "staff": MANAGER}
    ]
    refused(run, ResolveFollowup(F1, "forgotten", "x"), "bad_outcome")
    refused(run, ResolveFollowup(F1, "fixed", ""), "empty_note")
    resolved = run(ResolveFollowup(F1, "fixed", "增开午间窗口"), after=3600, actor=MANAGER)
    assert resolved.events[0]["outcome"] == "fixed"
    assert resolved.reply["followup"]["resolved_at"] == run.now
    refused(run, ResolveFollowup(F1, "explained", "again"), "already_resolved")
    refused(run, ContactFollowup(F1, "again"), "already_resolved")
    refused(run, AssignFollowup(F1, "s2"), "already_resolved")
    refused(run, RerateFollowup(F1, 0), "bad_score")
    rerated = run(RerateFollowup(F1, 4), actor=MANAGER)
    assert [(e["type"], e["score"], e["level"], e["bad"]) for e in rerated.events] == [
        ("followup_rerated", 4, "SATISFIED", False)
    ]
    followup = rerated.reply["followup"]
    # The re-rating is kept beside the original score.
    assert (followup["score"], followup["rerating"]) == (1, 4)
    refused(run, RerateFollowup(F1, 5), "already_rated")
    # Resolved today: still on the manager's list until the day ends.
    assert [f["followup"] for f in run.engine.snapshot(run.now)["followups"]] == [F1]
    assert run.engine.ticket("2026-11-23-A001")["rating"] == 1  # type: ignore[index]


def test_the_list_keeps_open_orders_and_those_closed_today(run: Clerk) -> None:
    bad_rating(run)
    bad_rating(run, request="r2")
    bad_rating(run, request="r3")
    run(ResolveFollowup(F1, "explained", "已解释政策"), actor=MANAGER)
    run(ResolveFollowup("2026-11-23-F002", "appealed", "申诉：恶意差评"), actor=MANAGER)
    run(RerateFollowup("2026-11-23-F002", 5), actor=MANAGER)
    assert len(run.engine.snapshot(run.now)["followups"]) == 3
    run.now = at(24, 9)
    run(StartDay(), actor="clock")
    # The next day: only the open one is listed; the resolved, unrated one can still be
    # re-rated; the re-rated one is done.
    assert [f["followup"] for f in run.engine.snapshot(run.now)["followups"]] == ["2026-11-23-F003"]
    assert run.engine.followup(F1) is not None
    assert run.engine.followup("2026-11-23-F002") is None
    rerated = run(RerateFollowup(F1, 3), actor=MANAGER)
    assert rerated.events[0]["day"] == "2026-11-24"
    assert rerated.reply["followup"]["rerating"] == 3
    assert [f["followup"] for f in run.engine.snapshot(run.now)["followups"]] == ["2026-11-23-F003"]
    # Numbering restarts each day.
    assert bad_rating(run, request="r4")["followup"] == "2026-11-24-F001"


def test_a_resolved_order_can_be_rerated_for_a_while_only(run: Clerk) -> None:
    bad_rating(run)
    run(ResolveFollowup(F1, "fixed", "已整改"), actor=MANAGER)
    run.now += (RERATE_DAYS + 1) * 86400
    run(StartDay(), actor="clock")
    refused(run, RerateFollowup(F1, 5), "unknown_followup")


NATIONAL_DAY = WorkCalendar(
    holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 8)),
    workdays=frozenset({dt.date(2026, 9, 20), dt.date(2026, 10, 10)}),
)


def national_day_hall() -> Engine:
    ratings = dataclasses.replace(HALL.ratings, resolve_days=10)  # the 2110 rule
    return Engine(dataclasses.replace(HALL, ratings=ratings, calendar=NATIONAL_DAY))


def states(engine: Engine, followup: str, now: float) -> dict[str, str]:
    return {c.name: c.state for c in engine.followup_clocks(now)[followup]}


def test_a_work_order_through_every_deadline_over_national_day() -> None:
    """A 差评 on the afternoon before National Day: every clock skips the holiday week and
    counts the 调休 Saturday."""
    run = Clerk(national_day_hall(), now=when(9, 30, 15, 50) - 10)  # Wednesday
    opened = bad_rating(run)
    f = opened["followup"]
    assert f == "2026-09-30-F001"
    assert local(run.now) == "2026-09-30 15:55"
    assert local(opened["contact_due"]) == "2026-10-08 09:25"  # 1 h 35 + 25 min
    assert local(opened["feedback_due"]) == "2026-10-08 17:30"
    assert local(opened["resolve_due"]) == "2026-10-20 17:30"  # 10-10 (调休) counts
    assert opened["deadline"] == "2026-10-20"
    engine = run.engine
    running = {"contact": "running", "feedback": "running", "resolve": "running"}
    assert states(engine, f, when(10, 7, 23)) == running  # the whole holiday: still running
    assert states(engine, f, when(10, 8, 9, 25)) == {**running, "contact": ClockState.OVERDUE}
    # 回访 at 10:00 on the first working day: contact late, feedback still running.
    run.now = when(10, 8, 10)
    run(ContactFollowup(f, "已电话联系群众", channel="phone"), actor=MANAGER)
    assert states(engine, f, when(10, 8, 17, 29)) == {**running, "contact": ClockState.LATE}
    assert states(engine, f, when(10, 8, 17, 30)) == {
        "contact": ClockState.LATE,
        "feedback": ClockState.OVERDUE,
        "resolve": ClockState.RUNNING,
    }
    # The feedback, a second 回访, on the 调休 Saturday: late too.
    run.now = when(10, 10, 11)
    run(ContactFollowup(f, "反馈整改进度", channel="visit"), actor=MANAGER)
    assert states(engine, f, when(10, 20, 17, 29))["resolve"] == ClockState.RUNNING
    assert states(engine, f, when(10, 20, 17, 30))["resolve"] == ClockState.OVERDUE
    # Resolved on the last working day, before its close: met.
    run.now = when(10, 20, 16)
    run(ResolveFollowup(f, "fixed", "已整改并回复群众"), actor=MANAGER)
    assert states(engine, f, when(10, 21, 9)) == {
        "contact": ClockState.LATE,
        "feedback": ClockState.LATE,
        "resolve": ClockState.MET,
    }


def test_a_prompt_order_meets_every_clock() -> None:
    run = Clerk(national_day_hall(), now=when(9, 30, 15, 50))
    f = bad_rating(run)["followup"]
    run(ContactFollowup(f, "已联系"), after=600, actor=MANAGER)
    run(ContactFollowup(f, "已反馈"), after=600, actor=MANAGER)
    run(ResolveFollowup(f, "explained", "已解释"), after=600, actor=MANAGER)
    assert set(states(run.engine, f, when(12, 1, 9)).values()) == {ClockState.MET}


def test_resolving_stops_every_clock() -> None:
    run = Clerk(national_day_hall(), now=when(9, 30, 15, 50))
    f = bad_rating(run)["followup"]
    run.now = when(10, 8, 9, 0)
    run(ResolveFollowup(f, "explained", "当面解释"), actor=MANAGER)
    assert states(run.engine, f, when(12, 1, 9)) == {
        "contact": ClockState.MET,
        "feedback": ClockState.MET,
        "resolve": ClockState.MET,
    }


def test_replay_gives_the_same_work_orders(run: Clerk) -> None:
    bad_rating(run)
    run(AssignFollowup(F1, "s2"), actor=MANAGER)
    run(ContactFollowup(F1, "已联系"), actor=MANAGER)
    run(ResolveFollowup(F1, "fixed", "已整改"), actor=MANAGER)
    bad_rating(run, request="r2")
    run.now = at(24, 9)
    run(RerateFollowup(F1, 5), actor=MANAGER)
    fresh = Engine(HALL)
    for event in json.loads(json.dumps(run.events, ensure_ascii=False)):
        fresh.apply(event)
    assert fresh.state == run.engine.state
    assert fresh.snapshot(run.now) == run.engine.snapshot(run.now)


def test_an_older_log_keys_its_work_orders_by_ticket(engine: Engine) -> None:
    """Logs from before work orders had ids: the ticket id is the key."""
    base = {"at": at(23, 10), "actor": "bridge-1", "day": "2026-11-23"}
    engine.apply({**base, "type": "day_started", "previous": None})
    engine.apply(
        {
            **base,
            "type": "followup_opened",
            "ticket": "2026-11-23-A001",
            "number": "A001",
            "service": "tax",
            "window": 1,
            "staff": "s1",
            "score": 1,
            "deadline": "2026-11-26",
        }
    )
    listed = engine.followup("2026-11-23-A001")
    assert listed is not None
    assert (listed["moment"], listed["owner"], listed["contact_due"]) == ("after", None, None)
    assert engine.followup_clocks(at(23, 11))["2026-11-23-A001"] == ()


def test_the_wall_reads_the_same_clocks_from_the_managers_snapshot() -> None:
    """The manager's apps compute the clocks from the snapshot's records, as the engine does."""
    run = Clerk(national_day_hall(), now=when(9, 30, 15, 50) - 10)
    f = bad_rating(run)["followup"]
    bad_rating(run, request="r2")
    run.now = when(10, 8, 10)
    run(ContactFollowup(f, "已联系"), actor=MANAGER)
    snapshot = decode_snapshot(run.engine.snapshot(run.now))
    for now in (when(10, 8, 9), when(10, 8, 12), when(10, 9, 9), when(10, 21, 9)):
        engine_clocks = run.engine.followup_clocks(now)
        for record in snapshot.followups:
            assert followup_clocks(record, now) == engine_clocks[record.followup]


def test_every_value_has_its_words() -> None:
    assert set(RATING_MOMENT_TEXTS) == {m.value for m in RatingMoment}
    assert set(HALL_ASPECT_TEXTS) == {a.value for a in HallAspect}
    assert set(FOLLOWUP_OUTCOME_TEXTS) == {o.value for o in FollowupOutcome}
    assert set(CONTACT_CHANNEL_TEXTS) == {c.value for c in ContactChannel}
    assert set(FOLLOWUP_CLOCK_TEXTS) == {c.value for c in ClockName}
    assert set(CLOCK_STATE_TEXTS) == {c.value for c in ClockState}
