"""好差评 at its three moments: 未办先评 (the hall), 边办边评 (during), 办后再评 (after)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from core_hall import HALL, Clerk

from queue_server.core import (
    CallNext,
    DomainError,
    Engine,
    Finish,
    OpenWindow,
    Rate,
    RateHall,
    RatingRejected,
    StartDay,
    TakeTicket,
)
from queue_server.core.model import RatingMoment, RatingPolicy


@pytest.fixture
def serving(run: Clerk) -> Clerk:
    """Window 1 (s1) is serving A001."""
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(CallNext(1), after=10)
    return run


def rejected(result: object, code: str) -> dict[str, object]:
    assert isinstance(result.error, RatingRejected)  # type: ignore[attr-defined]
    assert result.error.code == code  # type: ignore[attr-defined]
    (event,) = result.events  # type: ignore[attr-defined]
    assert (event["type"], event["reason"]) == ("rating_rejected", code)
    return event  # type: ignore[no-any-return]


def test_during_rates_the_ticket_being_served(serving: Clerk) -> None:
    result = serving(Rate(1, 4, moment="during"), after=60, actor="evaluator-1")
    assert result.error is None
    (event,) = result.events
    assert {k: event[k] for k in ("type", "ticket", "staff", "score", "moment")} == {
        "type": "rating_recorded",
        "ticket": "2026-11-23-A001",
        "staff": "s1",
        "score": 4,
        "moment": "during",
    }
    assert result.reply["rating"]["moment"] == "during"
    ticket = serving.engine.find("A001")
    assert ticket is not None
    assert (ticket["rating_during"], ticket["rating"]) == (4, None)


def test_one_rating_per_ticket_per_moment(serving: Clerk) -> None:
    serving(Rate(1, 4, moment="during"))
    event = rejected(serving(Rate(1, 5, moment="during")), "already_rated")
    assert (event["ticket"], event["moment"]) == ("2026-11-23-A001", "during")
    serving(Finish(1), after=100)
    # 办后再评 of the same ticket is another moment: accepted, once.
    result = serving(Rate(1, 2), after=5)
    assert [e["type"] for e in result.events] == ["rating_recorded", "followup_opened"]
    assert result.events[0]["moment"] == "after"
    rejected(serving(Rate(1, 5)), "already_rated")
    ticket = serving.engine.find("A001")
    assert ticket is not None
    assert (ticket["rating_during"], ticket["rating"]) == (4, 2)


def test_during_needs_a_ticket_being_served(serving: Clerk) -> None:
    serving(Finish(1))
    event = rejected(serving(Rate(1, 5, moment="during")), "no_current_ticket")
    assert event["ticket"] is None


@pytest.mark.parametrize("moment", ["before", "later", ""])
def test_a_window_rates_during_or_after(serving: Clerk, moment: str) -> None:
    event = rejected(serving(Rate(1, 5, moment=moment)), "bad_moment")
    assert event["moment"] == moment


def hall_with(*moments: RatingMoment) -> Engine:
    ratings = dataclasses.replace(HALL.ratings, moments=frozenset(moments))
    return Engine(dataclasses.replace(HALL, ratings=ratings))


def test_a_moment_the_hall_does_not_use_is_rejected() -> None:
    assert RatingPolicy().moments == {"after"}  # the default
    run = Clerk(hall_with(RatingMoment.AFTER))
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(CallNext(1))
    rejected(run(Rate(1, 5, moment="during")), "moment_not_used")
    before = pickle.dumps(run.engine.state)
    with pytest.raises(DomainError) as caught:
        run(RateHall(5))
    assert caught.value.code == "moment_not_used"
    assert pickle.loads(before) == run.engine.state
    run(Finish(1))
    assert run(Rate(1, 5)).error is None


def test_only_during_is_used() -> None:
    run = Clerk(hall_with(RatingMoment.DURING))
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(CallNext(1))
    assert run(Rate(1, 1, moment="during")).events[-1]["type"] == "followup_opened"
    run(Finish(1))
    rejected(run(Rate(1, 5)), "moment_not_used")


def test_a_good_hall_rating_is_recorded_without_a_ticket(run: Clerk) -> None:
    run(StartDay())
    result = run(RateHall(5, aspect="volunteers", source="phone"), actor="public")
    assert result.events == [
        {
            "type": "hall_rated",
            "at": run.now,
            "actor": "public",
            "day": "2026-11-23",
            "score": 5,
            "level": "VERY_SATISFIED",
            "bad": False,
            "aspect": "volunteers",
            "source": "phone",
        }
    ]
    assert result.reply == {
        "rating": {
            "score": 5,
            "level": "VERY_SATISFIED",
            "bad": False,
            "aspect": "volunteers",
            "moment": "before",
            "followup": None,
            "followup_deadline": None,
        }
    }
    assert run.engine.snapshot(run.now)["followups"] == []


def test_a_bad_hall_rating_opens_a_work_order_without_a_ticket(run: Clerk) -> None:
    run(StartDay())
    result = run(RateHall(2, aspect="environment"), actor="bridge-1")
    assert [e["type"] for e in result.events] == ["hall_rated", "followup_opened"]
    opened = result.events[1]
    assert {
        k: opened[k]
        for k in ("followup", "ticket", "number", "service", "window", "staff", "owner")
    } == {
        "followup": "2026-11-23-F001",
        "ticket": None,
        "number": None,
        "service": None,
        "window": None,
        "staff": None,
        "owner": None,
    }
    assert (opened["moment"], opened["aspect"], opened["score"]) == ("before", "environment", 2)
    assert result.reply["rating"]["followup"] == "2026-11-23-F001"
    (listed,) = run.engine.snapshot(run.now)["followups"]
    assert (listed["followup"], listed["ticket"], listed["aspect"]) == (
        "2026-11-23-F001",
        None,
        "environment",
    )


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (RateHall(0), "bad_score"),
        (RateHall(6), "bad_score"),
        (RateHall(True), "bad_score"),
        (RateHall(3, aspect="toilets"), "bad_aspect"),
    ],
)
def test_bad_hall_ratings_are_refused_and_not_recorded(
    run: Clerk, command: RateHall, code: str
) -> None:
    run(OpenWindow(1, "s1"))
    before = pickle.dumps(run.engine.state)
    with pytest.raises(RatingRejected) as caught:
        run(command)
    assert caught.value.code == code
    assert caught.value.message_zh and caught.value.message_en
    assert pickle.loads(before) == run.engine.state
