"""Issuing and voiding tickets at the kiosk."""

from __future__ import annotations

import pytest
from core_hall import T0, Clerk, at, book

from queue_server.core import (
    CallNext,
    DomainError,
    Engine,
    OpenWindow,
    ServiceUnavailable,
    TakeTicket,
    VoidTicket,
)
from queue_server.core.model import TicketClass


def test_first_ticket_starts_the_day_and_is_numbered_a001(run: Clerk) -> None:
    result = run(TakeTicket("tax", "r1"), actor="kiosk-1")
    assert [e["type"] for e in result.events] == ["day_started", "ticket_issued"]
    issued = result.events[1]
    assert issued == {
        "type": "ticket_issued",
        "at": T0,
        "actor": "kiosk-1",
        "day": "2026-11-23",
        "ticket": "2026-11-23-A001",
        "number": "A001",
        "prefix": "A",
        "sequence": 1,
        "order": 1,
        "service": "tax",
        "class": "normal",
        "request_id": "r1",
        "citizen_hash": None,
        "appointment_code": None,
        "ahead": 0,
        "estimated_wait_s": 0,
        "token": None,
    }
    assert result.error is None
    assert result.reply["ticket"] == {
        "id": "2026-11-23-A001",
        "number": "A001",
        "service": "tax",
        "service_name_zh": "税务登记",
        "service_name_en": "Tax registration",
        "class": "normal",
        "state": "waiting",
        "issued_at": T0,
        "request_id": "r1",
        "window": None,
        "staff": None,
        "called_at": None,
        "finished_at": None,
        "target_window": None,
        "ahead": 0,
        "estimated_wait_s": 0,
        "location_zh": "一楼东区",
        "location_en": "1F east",
        "rating": None,
        "rating_during": None,
        "calls": 0,
        "reason": None,
        "issuer": "kiosk-1",
        "token": None,
        "status_url": None,
        "open_windows": 0,
    }


def test_numbers_run_per_prefix(run: Clerk) -> None:
    numbers = [
        run(TakeTicket(service, f"r{i}")).reply["ticket"]["number"]
        for i, service in enumerate(["tax", "social", "tax", "licence", "tax"])
    ]
    assert numbers == ["A001", "B001", "A002", "C001", "A003"]


def test_sequence_past_999_grows_a_digit(engine: Engine) -> None:
    run = Clerk(engine)
    for i in range(1000):
        run(TakeTicket("tax", f"r{i}"))
    assert engine.find("A999") is not None
    assert engine.find("A1000") is not None
    assert engine.find("A1000")["id"] == "2026-11-23-A1000"  # type: ignore[index]


def test_same_request_returns_same_ticket_without_events(run: Clerk) -> None:
    first = run(TakeTicket("licence", "r1"))
    again = run(TakeTicket("licence", "r1"), after=5)
    assert again.events == []
    assert again.reply == first.reply


def test_same_request_answers_even_after_closing_time(run: Clerk) -> None:
    first = run(TakeTicket("licence", "r1"))
    run.now = at(23, 13, 0)
    again = run(TakeTicket("licence", "r1"))
    assert again.events == []
    assert again.reply["ticket"]["number"] == first.reply["ticket"]["number"] == "C001"


def test_same_request_answers_after_quota_reached(run: Clerk) -> None:
    for i in range(3):
        run(TakeTicket("licence", f"r{i}"))
    assert run(TakeTicket("licence", "r0")).reply["ticket"]["number"] == "C001"
    with pytest.raises(ServiceUnavailable) as caught:
        run(TakeTicket("licence", "r9"))
    assert caught.value.code == "quota_reached"
    assert caught.value.details == {"service": "licence", "quota": 3}


def test_unknown_service(run: Clerk) -> None:
    with pytest.raises(DomainError) as caught:
        run(TakeTicket("nope", "r1"))
    assert caught.value.code == "unknown_service"
    assert caught.value.message_zh == "没有这个事项：nope"
    assert caught.value.message_en == "Unknown service: nope"
    assert str(caught.value) == "unknown_service: 没有这个事项：nope / Unknown service: nope"


@pytest.mark.parametrize(
    "when",
    [at(23, 8, 59, 59), at(23, 12, 0), at(28, 10, 0)],  # early, at closing, Saturday
    ids=["before-opening", "at-closing", "saturday"],
)
def test_service_closed_outside_hours(engine: Engine, when: float) -> None:
    with pytest.raises(DomainError) as caught:
        engine.execute(TakeTicket("licence", "r1"), when, "kiosk")
    assert caught.value.code == "service_closed"


def test_service_open_inside_hours(engine: Engine) -> None:
    result = engine.execute(TakeTicket("licence", "r1"), at(23, 9, 0), "kiosk")
    assert result.reply["ticket"]["number"] == "C001"


def test_voided_ticket_frees_its_quota(run: Clerk) -> None:
    tickets = [run(TakeTicket("licence", f"r{i}")).reply["ticket"]["id"] for i in range(3)]
    result = run(VoidTicket(tickets[1], "paper out"))
    assert [(e["type"], e["ticket"], e["reason"]) for e in result.events] == [
        ("ticket_voided", "2026-11-23-C002", "paper out")
    ]
    assert result.reply["ticket"]["state"] == "voided"
    # Numbers are never reused, but the quota counts only tickets not voided.
    assert run(TakeTicket("licence", "r3")).reply["ticket"]["number"] == "C004"
    with pytest.raises(DomainError) as caught:
        run(TakeTicket("licence", "r4"))
    assert caught.value.code == "quota_reached"


def test_void_unknown_or_called_ticket(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    ticket = run(TakeTicket("tax", "r1")).reply["ticket"]["id"]
    with pytest.raises(DomainError) as caught:
        run(VoidTicket("2026-11-23-A999", "x"))
    assert caught.value.code == "unknown_ticket"
    run(CallNext(1))
    with pytest.raises(DomainError) as caught:
        run(VoidTicket(ticket, "x"))
    assert caught.value.code == "ticket_not_waiting"


@pytest.mark.parametrize(
    ("service", "ticket_class"),
    [("licence", TicketClass.PRIORITY), ("social", TicketClass.APPOINTMENT)],
)
def test_class_not_allowed(run: Clerk, service: str, ticket_class: TicketClass) -> None:
    with pytest.raises(DomainError) as caught:
        run(TakeTicket(service, "r1", ticket_class))
    assert caught.value.code == "class_not_allowed"


def test_priority_and_appointment_where_allowed(run: Clerk) -> None:
    priority = run(TakeTicket("tax", "r1", TicketClass.PRIORITY)).reply["ticket"]
    code = book(run, "tax", "09:30")
    appointment = run(
        TakeTicket("tax", "r2", TicketClass.APPOINTMENT, appointment_code=code)
    ).reply["ticket"]
    assert (priority["class"], appointment["class"]) == ("priority", "appointment")
    assert run.engine.state.tickets[appointment["id"]].appointment_code == code


def test_one_open_ticket_per_citizen_and_service(run: Clerk) -> None:
    first = run(TakeTicket("tax", "r1", citizen_hash="h1")).reply["ticket"]
    with pytest.raises(DomainError) as caught:
        run(TakeTicket("tax", "r2", citizen_hash="h1"))
    assert caught.value.code == "already_holding"
    assert caught.value.details["number"] == "A001"
    assert caught.value.details["ticket"] == first
    # Another service, or another citizen, is fine.
    assert run(TakeTicket("social", "r3", citizen_hash="h1")).reply["ticket"]["number"] == "B001"
    assert run(TakeTicket("tax", "r4", citizen_hash="h2")).reply["ticket"]["number"] == "A002"


def test_citizen_may_take_again_once_the_ticket_is_closed(run: Clerk) -> None:
    first = run(TakeTicket("tax", "r1", citizen_hash="h1")).reply["ticket"]
    run(VoidTicket(first["id"], "printer jam"))
    assert run(TakeTicket("tax", "r2", citizen_hash="h1")).reply["ticket"]["number"] == "A002"


def test_refused_take_changes_nothing(run: Clerk) -> None:
    run(TakeTicket("tax", "r1"))
    before = run.engine.snapshot(run.now)
    with pytest.raises(DomainError):
        run(TakeTicket("licence", "r2", TicketClass.PRIORITY))
    assert run.engine.snapshot(run.now) == before
