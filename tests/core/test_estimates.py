"""People ahead and estimated waits: at issue, in position(), in the snapshot."""

from __future__ import annotations

import pytest
from core_hall import T0, Clerk, check_in

from queue_server.core import (
    CallNext,
    DomainError,
    Finish,
    OpenWindow,
    Park,
    PauseWindow,
    TakeTicket,
)
from queue_server.core.model import TicketClass

N, P, Y = TicketClass.NORMAL, TicketClass.PRIORITY, TicketClass.APPOINTMENT


def issue(run: Clerk, service: str, ticket_class: TicketClass = N) -> tuple[str, int, int]:
    if ticket_class is Y:
        t = check_in(run, service).reply["ticket"]
        return t["number"], t["ahead"], t["estimated_wait_s"]
    t = run(TakeTicket(service, f"r{len(run.events)}", ticket_class), after=1).reply["ticket"]
    return t["number"], t["ahead"], t["estimated_wait_s"]


def test_ahead_at_issue_follows_the_call_order(run: Clerk) -> None:
    # No window open yet: one window and 300 s per person are assumed.
    issued = [issue(run, "tax", c) for c in (N, N, P, Y, N)]
    assert issued == [
        ("A001", 0, 0),
        ("A002", 1, 300),
        ("A003", 2, 600),  # the priority ticket comes after two normal ones
        ("A004", 0, 0),  # appointments go first
        ("A005", 4, 1200),
    ]


def test_position_uses_open_windows_and_recent_durations(run: Clerk) -> None:
    for c in (N, N, P, Y, N):
        issue(run, "tax", c)
    engine = run.engine
    a005 = "2026-11-23-A005"
    run(OpenWindow(1, "s1"))
    run(OpenWindow(3, "s2"))
    assert engine.position(a005, run.now) == {
        "state": "waiting",
        "ahead": 4,
        "estimated_wait_s": 600,  # 4 × 300 / 2 windows
        "open_windows": 2,
        "window": None,
    }
    assert run(CallNext(1)).reply["ticket"]["number"] == "A004"
    run(Finish(1), after=100)
    position = engine.position(a005, run.now)
    assert (position["ahead"], position["estimated_wait_s"]) == (3, 150)  # 3 × 100 / 2
    run(PauseWindow(3))
    assert engine.position(a005, run.now)["estimated_wait_s"] == 300  # 3 × 100 / 1
    assert engine.position(a005, run.now)["open_windows"] == 1
    run(PauseWindow(1))
    assert engine.position(a005, run.now)["open_windows"] == 0


def test_service_without_history_uses_its_windows_history(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))  # serves tax and social
    issue(run, "tax")
    run(CallNext(1))
    run(Finish(1), after=80)
    issue(run, "social")
    assert issue(run, "social") == ("B002", 1, 80)


def test_position_of_called_parked_done(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    issue(run, "tax")
    issue(run, "tax")
    engine = run.engine
    run(CallNext(1))
    assert engine.position("2026-11-23-A001", run.now) == {
        "state": "called",
        "ahead": 0,
        "estimated_wait_s": 0,
        "open_windows": 1,
        "window": 1,
    }
    assert engine.position("2026-11-23-A002", run.now)["ahead"] == 0
    run(Park(1))
    parked = engine.position("2026-11-23-A001", run.now)
    assert (parked["state"], parked["ahead"], parked["window"]) == ("parked", None, 1)
    run(CallNext(1))
    run(Finish(1))
    done = engine.position("2026-11-23-A002", run.now)
    assert (done["state"], done["ahead"], done["window"]) == ("done", None, None)


def test_position_of_unknown_ticket(run: Clerk) -> None:
    with pytest.raises(DomainError) as caught:
        run.engine.position("2026-11-23-Z001", T0)
    assert caught.value.code == "unknown_ticket"


def test_snapshot_services(run: Clerk) -> None:
    run(OpenWindow(2, "s2"))
    for i in range(3):
        run(TakeTicket("licence", f"r{i}"))
    run(TakeTicket("social", "r9"))
    services = {s["code"]: s for s in run.engine.snapshot(run.now)["services"]}
    assert services["licence"] == {
        "code": "licence",
        "name_zh": "营业执照",
        "name_en": "Business licence",
        "prefix": "C",
        "category": "市场监管",
        "category_en": "市场监管",  # no English name configured: the Chinese one
        "location_zh": "二楼",
        "location_en": "",
        "waiting": 3,
        "open": False,
        "closed_reason": "quota",
        "issued_today": 3,
        "quota": 3,
        "priority": False,
        "appointments": True,
        "bookable": False,  # no 预约 slots configured
        "open_windows": 1,
        "estimated_wait_s": 900,
        "opens_at": None,  # open now
    }
    assert services["tax"]["bookable"]
    assert (services["tax"]["open"], services["tax"]["waiting"]) == (True, 0)
    assert services["social"]["waiting"] == 1
    late = {s["code"]: s for s in run.engine.snapshot(T0 + 3 * 3600)["services"]}
    assert (late["licence"]["open"], late["licence"]["closed_reason"]) == (False, "closed")


def test_snapshot_waiting_in_issue_order(run: Clerk) -> None:
    for service in ("social", "tax", "licence", "tax"):
        run(TakeTicket(service, f"r{len(run.events)}"), after=1)
    snap = run.engine.snapshot(run.now)
    assert snap["day"] == "2026-11-23"
    assert [t["number"] for t in snap["waiting"]] == ["B001", "A001", "C001", "A002"]
