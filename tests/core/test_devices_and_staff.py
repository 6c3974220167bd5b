"""Rules that keep one device's or clerk's actions from reaching another's tickets or window."""

from __future__ import annotations

import pytest
from core_hall import Clerk
from hallkit import must

from queue_server.core import (
    CallNext,
    DomainError,
    Engine,
    OpenWindow,
    PauseWindow,
    Rate,
    ResumeWindow,
    TakeTicket,
    VoidTicket,
)
from queue_server.core.model import PauseReason


def test_a_request_id_belongs_to_the_device_that_sent_it(run: Clerk) -> None:
    first = run(TakeTicket("tax", "r1"), actor="kiosk-1").reply["ticket"]
    again = run(TakeTicket("tax", "r1"), actor="kiosk-1").reply["ticket"]
    other = run(TakeTicket("tax", "r1"), actor="kiosk-2").reply["ticket"]
    assert again["number"] == first["number"] == "A001"
    assert other["number"] == "A002"  # kiosk-2's own request, not kiosk-1's ticket
    assert other["issuer"] == "kiosk-2"


def test_a_kiosk_voids_only_the_tickets_it_issued(run: Clerk) -> None:
    ticket = run(TakeTicket("tax", "r1"), actor="kiosk-1").reply["ticket"]
    with pytest.raises(DomainError) as caught:
        run(VoidTicket(ticket["id"], "printer_failed"), actor="kiosk-2")
    assert caught.value.code == "unknown_ticket"  # does not say that it exists
    voided = run(VoidTicket(ticket["id"], "printer_failed"), actor="kiosk-1")
    assert voided.reply["ticket"]["state"] == "voided"


def test_the_phone_token_finds_its_ticket_after_a_replay(run: Clerk) -> None:
    run(TakeTicket("tax", "r1", token="tok-secret-1"), actor="kiosk-1")
    replayed = Engine(run.engine.hall)
    for event in run.events:
        replayed.apply(event)
    for engine in (run.engine, replayed):
        assert engine.state.tokens == {"tok-secret-1": "2026-11-23-A001"}
        assert must(engine.ticket("2026-11-23-A001"))["status_url"].endswith("/t/tok-secret-1")


def test_a_clerk_logging_in_elsewhere_moves_there(run: Clerk) -> None:
    run(OpenWindow(1, "s1"), actor="s1")
    moved = run(OpenWindow(3, "s1"), actor="s1")
    assert [(e["type"], e["window"]) for e in moved.events] == [
        ("window_closed", 1),
        ("window_opened", 3),
    ]
    assert moved.events[0]["moved_to"] == 3
    snapshot = {w["number"]: w for w in run.engine.snapshot(run.now)["windows"]}
    assert (snapshot[1]["state"], snapshot[1]["staff"]) == ("closed", None)
    assert (snapshot[3]["state"], snapshot[3]["staff"]) == ("open", "s1")


def test_a_clerk_serving_a_ticket_cannot_log_in_elsewhere(run: Clerk) -> None:
    run(OpenWindow(1, "s1"), actor="s1")
    run(TakeTicket("tax", "r1"))
    run(CallNext(1), actor="s1")
    with pytest.raises(DomainError) as caught:
        run(OpenWindow(3, "s1"), actor="s1")
    assert caught.value.code == "staff_busy_elsewhere"
    assert caught.value.details == {"staff": "s1", "window": 1, "number": "A001"}
    assert "1 号窗口" in caught.value.message_zh
    assert run.engine.snapshot(run.now)["windows"][2]["state"] == "closed"


def test_a_pause_carries_its_reason_until_resumed(run: Clerk) -> None:
    run(OpenWindow(1, "s1"), actor="s1")
    paused = run(PauseWindow(1, PauseReason.LUNCH), actor="s1")
    assert paused.events[0]["reason"] == "lunch"
    assert paused.reply["window"]["pause_reason"] == "lunch"
    changed = run(PauseWindow(1, PauseReason.FAULT), actor="s1")
    assert changed.reply["window"]["pause_reason"] == "fault"
    resumed = run(ResumeWindow(1), actor="s1")
    assert resumed.reply["window"]["pause_reason"] is None


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (TakeTicket("tax", "\ud800"), "request_id"),
        (TakeTicket("tax", "r1", citizen_hash="h\udfff"), "citizen_hash"),
        (TakeTicket("tax", "r1", appointment_code="\ud83d"), "appointment_code"),
    ],
)
def test_a_value_the_log_cannot_hold_is_refused_and_changes_nothing(
    run: Clerk, command: TakeTicket, field: str
) -> None:
    before = run.engine.snapshot(run.now)
    with pytest.raises(DomainError) as caught:
        run(command, actor="kiosk-1")
    assert (caught.value.code, caught.value.details["field"]) == ("unstorable_value", field)
    assert run.engine.snapshot(run.now) == before
    assert run.engine.day is None  # not even the day was started


def test_a_huge_score_is_refused_not_recorded(run: Clerk) -> None:
    run(OpenWindow(1, "s1"), actor="s1")
    with pytest.raises(DomainError) as caught:
        run(Rate(1, 10**30), actor="bridge-1")
    assert caught.value.code == "unstorable_value"
