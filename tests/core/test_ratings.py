"""好差评: one rating per served ticket, invitations, rejections and 差评 follow-ups."""

from __future__ import annotations

import pytest
from core_hall import Clerk, at

from queue_server.core import (
    CallNext,
    DomainError,
    Engine,
    Finish,
    InviteRating,
    OpenWindow,
    Rate,
    RatingRejected,
    TakeTicket,
)


@pytest.fixture
def served(run: Clerk) -> Clerk:
    """Window 1 has just finished A001 (s1); A002 waits."""
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(TakeTicket("tax", "r2"))
    run(CallNext(1), after=10)
    run(Finish(1), after=300)
    return run


def test_good_rating(served: Clerk) -> None:
    result = served(Rate(1, 5), after=20, actor="evaluator-1")
    assert result.error is None
    assert result.events == [
        {
            "type": "rating_recorded",
            "at": served.now,
            "actor": "evaluator-1",
            "day": "2026-11-23",
            "ticket": "2026-11-23-A001",
            "number": "A001",
            "service": "tax",
            "window": 1,
            "staff": "s1",
            "score": 5,
            "level": "VERY_SATISFIED",
            "bad": False,
            "source": "evaluator",
            "moment": "after",
        }
    ]
    assert result.reply["rating"]["followup_deadline"] is None
    assert served.engine.find("A001")["rating"] == 5  # type: ignore[index]
    assert served.engine.snapshot(served.now)["windows"][0]["last_rating"] == {
        "ticket": "2026-11-23-A001",
        "number": "A001",
        "score": 5,
        "level": "VERY_SATISFIED",
        "bad": False,
        "at": served.now,
        "moment": "after",
    }


@pytest.mark.parametrize(("score", "level"), [(2, "DISSATISFIED"), (1, "VERY_DISSATISFIED")])
def test_bad_rating_opens_followup_three_working_days_later(
    served: Clerk, score: int, level: str
) -> None:
    result = served(Rate(1, score, source="phone"))
    assert [e["type"] for e in result.events] == ["rating_recorded", "followup_opened"]
    recorded, followup = result.events
    assert (recorded["level"], recorded["bad"], recorded["source"]) == (level, True, "phone")
    # Monday 2026-11-23 + 3 working days.
    assert {k: followup[k] for k in ("ticket", "window", "staff", "score", "deadline")} == {
        "ticket": "2026-11-23-A001",
        "window": 1,
        "staff": "s1",
        "score": score,
        "deadline": "2026-11-26",
    }
    assert result.reply["rating"]["followup_deadline"] == "2026-11-26"


def test_followup_deadline_skips_the_weekend(engine: Engine) -> None:
    run = Clerk(engine, now=at(26, 11, 20))  # Thursday
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(CallNext(1))
    run(Finish(1))
    assert run(Rate(1, 3)).events[-1]["type"] == "rating_recorded"
    run(TakeTicket("tax", "r2"))
    run(CallNext(1))
    run(Finish(1))
    assert run(Rate(1, 2)).events[-1]["deadline"] == "2026-12-01"  # Thu + 3 = Tue


def rejected(result: object, code: str) -> None:
    assert result.error is not None  # type: ignore[attr-defined]
    assert isinstance(result.error, RatingRejected)  # type: ignore[attr-defined]
    assert result.error.code == code  # type: ignore[attr-defined]
    (event,) = result.events  # type: ignore[attr-defined]
    assert (event["type"], event["reason"]) == ("rating_rejected", code)
    assert result.reply == {"rating": None, "rejected": code}  # type: ignore[attr-defined]


def test_one_rating_per_ticket(served: Clerk) -> None:
    served(Rate(1, 4))
    result = served(Rate(1, 1))
    rejected(result, "already_rated")
    assert result.events[0]["ticket"] == "2026-11-23-A001"
    assert served.engine.find("A001")["rating"] == 4  # type: ignore[index]


@pytest.mark.parametrize("score", [0, 6, -1, True])
def test_bad_score(served: Clerk, score: int) -> None:
    rejected(served(Rate(1, score)), "bad_score")
    assert served.engine.find("A001")["rating"] is None  # type: ignore[index]


def test_no_served_ticket(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    result = run(Rate(1, 5))
    rejected(result, "no_served_ticket")
    assert result.events[0]["ticket"] is None


def test_unknown_window_is_refused_not_recorded(served: Clerk) -> None:
    with pytest.raises(DomainError) as caught:
        served(Rate(9, 5))
    assert caught.value.code == "unknown_window"


def test_unprompted_rating_expires(served: Clerk) -> None:
    rejected(served(Rate(1, 5), after=121), "rating_expired")


def test_unprompted_rating_at_the_limit(served: Clerk) -> None:
    assert served(Rate(1, 5), after=120).error is None


def test_invitation_holds_until_the_next_call(served: Clerk) -> None:
    result = served(InviteRating(1), after=60)
    assert [(e["type"], e["ticket"]) for e in result.events] == [
        ("rating_invited", "2026-11-23-A001")
    ]
    assert served(InviteRating(1)).events == []
    assert served(Rate(1, 5), after=3000).error is None


def test_invitation_lapses_at_the_next_call(served: Clerk) -> None:
    served(InviteRating(1), after=60)
    served(CallNext(1), after=100)  # 160 s after finish
    rejected(served(Rate(1, 5)), "rating_expired")


def test_unprompted_rating_during_next_service_within_the_limit(served: Clerk) -> None:
    served(CallNext(1), after=30)
    result = served(Rate(1, 4), after=30)
    assert result.events[0]["ticket"] == "2026-11-23-A001"


@pytest.mark.parametrize(
    ("setup", "code"),
    [("serving", "window_busy"), ("rated", "already_rated"), ("fresh", "no_served_ticket")],
)
def test_invite_refusals(run: Clerk, setup: str, code: str) -> None:
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(TakeTicket("tax", "r2"))
    if setup != "fresh":
        run(CallNext(1))
        run(Finish(1))
    if setup == "serving":
        run(CallNext(1))
    if setup == "rated":
        run(Rate(1, 5))
    with pytest.raises(DomainError) as caught:
        run(InviteRating(1))
    assert caught.value.code == code


def test_followup_counts_from_the_calendar_date_of_the_rating(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(CallNext(1))
    run.now = at(24, 1, 59)  # still Monday's business day (it starts at 06:00)
    run(Finish(1))
    result = run(Rate(1, 1), after=60)
    assert result.events[0]["day"] == "2026-11-23"
    assert result.events[-1]["deadline"] == "2026-11-27"  # Tuesday + 3 working days
