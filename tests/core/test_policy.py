"""The call order as a pure function of the waiting tickets."""

from __future__ import annotations

from queue_server.core.model import CallPolicy, TicketClass, Window
from queue_server.core.policy import Choice, choose_next, choose_next_scan, queue_order
from queue_server.core.state import State, Ticket, _rebuild_queues

POLICY = CallPolicy(normal_per_priority=2, max_wait_s=600)
WINDOW = Window(1, "1号窗口", {"a": 1, "b": 3})


def ticket(number: str, at: float, cls: str = "normal", service: str = "a", **kw: object) -> Ticket:
    order = int(number[1:])
    return Ticket(
        id=f"d-{number}",
        number=number,
        day="d",
        seq=order,
        order=order,
        service=service,
        ticket_class=TicketClass(cls),
        issued_at=at,
        request_id=number,
        **kw,  # type: ignore[arg-type]
    )


def both(tickets: list[Ticket], now: float, counter: int) -> Choice | None:
    """The indexed choice, checked against the full scan it must equal."""
    state = State(tickets={t.id: t for t in tickets})
    _rebuild_queues(state)
    indexed = choose_next(WINDOW, counter, state, POLICY, now)
    assert indexed == choose_next_scan(WINDOW, counter, tickets, POLICY, now)
    return indexed


def pick(tickets: list[Ticket], now: float = 100.0, counter: int = 0) -> tuple[str, str]:
    choice = both(tickets, now, counter)
    assert choice is not None
    return choice.ticket.number, choice.reason["rule"]


def test_nothing_to_call() -> None:
    assert both([ticket("C001", 0, service="c")], 10, 0) is None


def test_weight_then_issue_time() -> None:
    waiting = [ticket("A001", 0), ticket("B002", 20, service="b"), ticket("B003", 10, service="b")]
    assert pick(waiting) == ("B003", "normal")


def test_ties_in_issue_time_follow_issue_order() -> None:
    assert pick([ticket("A002", 5), ticket("A001", 5)]) == ("A001", "normal")


def test_ratio_counter() -> None:
    waiting = [ticket("A001", 0), ticket("A002", 1, "priority")]
    assert pick(waiting, counter=1) == ("A001", "normal")
    assert pick(waiting, counter=2) == ("A002", "priority")


def test_max_wait_beats_weight_and_appointments() -> None:
    waiting = [ticket("A001", 0), ticket("B002", 1, "appointment", service="b")]
    assert pick(waiting, now=599) == ("B002", "appointment")
    assert pick(waiting, now=600) == ("A001", "max_wait")


def test_reserved_ticket_first_in_its_lane_others_not_candidates() -> None:
    waiting = [
        ticket("B001", 0, service="b"),
        ticket("A002", 5, target_window=2),
        ticket("C003", 9, service="c", target_window=1, transfers=1),
    ]
    assert pick(waiting) == ("C003", "transfer")
    assert pick(waiting[:2]) == ("B001", "normal")


def test_queue_order_interleaves_lanes() -> None:
    waiting = [
        ticket("A001", 0),
        ticket("A002", 1, "priority"),
        ticket("A003", 2),
        ticket("A004", 3),
        ticket("A005", 4, "appointment"),
        ticket("A006", 5, "priority"),
    ]
    order = [t.number for t in queue_order(waiting, POLICY, now=100)]
    assert order == ["A005", "A001", "A003", "A002", "A004", "A006"]
    aged = [t.number for t in queue_order(waiting, POLICY, now=601)]
    assert aged == ["A001", "A002", "A005", "A003", "A004", "A006"]  # A001, A002 overdue
