"""Calling tickets: the call order and its reasons, recall, no-show, finish, transfer, park."""

from __future__ import annotations

import pytest
from core_hall import T0, Clerk, check_in

from queue_server.core import (
    CallNext,
    CallNumber,
    CallParked,
    CloseWindow,
    DomainError,
    Finish,
    NoShow,
    OpenWindow,
    Park,
    PauseWindow,
    Recall,
    TakeTicket,
    Transfer,
)
from queue_server.core.model import TicketClass
from queue_server.core.state import RECENT_CALLS_KEPT
from queue_server.core.views import recent_calls

N, P, Y = TicketClass.NORMAL, TicketClass.PRIORITY, TicketClass.APPOINTMENT


def take(run: Clerk, service: str, ticket_class: TicketClass = N, after: float = 1) -> str:
    if ticket_class is Y:
        return str(check_in(run, service, after=after).reply["ticket"]["number"])
    return str(
        run(TakeTicket(service, f"r{len(run.events)}", ticket_class), after=after).reply["ticket"][
            "number"
        ]
    )


def serve_next(run: Clerk, window: int) -> tuple[str, str]:
    """Call next at ``window`` and finish it; the number and the rule of its reason."""
    ticket = run(CallNext(window), after=1).reply["ticket"]
    run(Finish(window), after=1)
    return ticket["number"], ticket["reason"]["rule"]


def test_call_next_event_and_reason(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "tax", after=0)
    result = run(CallNext(1), after=90, actor="s1")
    assert result.events == [
        {
            "type": "ticket_called",
            "at": T0 + 90,
            "actor": "s1",
            "day": "2026-11-23",
            "ticket": "2026-11-23-A001",
            "number": "A001",
            "window": 1,
            "staff": "s1",
            "service": "tax",
            "reason": {
                "rule": "normal",
                "text_zh": "按取号先后顺序呼叫",
                "text_en": "Called in order of arrival",
                "waited_s": 90.0,
                "lane": "normal",
            },
            "recall": False,
        }
    ]
    ticket = result.reply["ticket"]
    assert (ticket["state"], ticket["window"], ticket["staff"], ticket["calls"]) == (
        "called",
        1,
        "s1",
        1,
    )
    assert ticket["called_at"] == T0 + 90
    assert result.reply["window"]["current"]["number"] == "A001"


def test_higher_weight_service_first_then_fifo(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))  # tax weight 2, social weight 1
    for service in ["social", "tax", "social", "tax"]:
        take(run, service)
    served = [serve_next(run, 1)[0] for _ in range(4)]
    assert served == ["A001", "A002", "B001", "B002"]


def test_ratio_two_normal_one_priority(run: Clerk) -> None:
    run(OpenWindow(2, "s2"))  # social only
    for ticket_class in [N, N, N, P, P, N]:
        take(run, "social", ticket_class)
    served = [serve_next(run, 2) for _ in range(6)]
    assert served == [
        ("B001", "normal"),
        ("B002", "normal"),
        ("B004", "priority"),
        ("B003", "normal"),
        ("B006", "normal"),
        ("B005", "priority"),
    ]


def test_priority_lane_alone_is_called(run: Clerk) -> None:
    run(OpenWindow(2, "s2"))
    take(run, "social", P)
    assert serve_next(run, 2) == ("B001", "priority")


def test_appointments_before_walk_ins(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "tax", N)
    take(run, "tax", P)
    take(run, "tax", Y)
    assert serve_next(run, 1) == ("A003", "appointment")


def test_max_wait_goes_first_with_reason(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "social", after=0)  # B001 at T0, lower weight at window 1
    take(run, "tax", Y, after=10)  # A001, an appointment
    run.now = T0 + 3600
    result = run(CallNext(1))
    assert result.reply["ticket"]["number"] == "B001"
    assert result.reply["reason"] == {
        "rule": "max_wait",
        "text_zh": "已等候 60 分钟，超过最长等候时间，优先呼叫",
        "text_en": "Waited 60 min, over the maximum wait: called first",
        "waited_s": 3600.0,
        "lane": None,
    }


def test_just_under_max_wait_keeps_the_normal_order(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "social", after=0)
    take(run, "tax", after=10)
    run.now = T0 + 3599
    assert run(CallNext(1)).reply["ticket"]["number"] == "A001"


def test_two_windows_never_get_the_same_ticket(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(3, "s2"))
    take(run, "tax")
    take(run, "tax")
    first = run(CallNext(1)).reply["ticket"]["number"]
    second = run(CallNext(3)).reply["ticket"]["number"]  # the same instant
    assert (first, second) == ("A001", "A002")
    with pytest.raises(DomainError) as caught:
        run(CallNext(1))
    assert caught.value.code == "window_busy"
    assert caught.value.message_en == (
        "Window 1 is serving A001; finish, no-show, park or transfer it first"
    )


def test_queue_empty(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "licence")  # window 1 does not serve licences
    with pytest.raises(DomainError) as caught:
        run(CallNext(1))
    assert caught.value.code == "queue_empty"


def test_call_number(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "tax")
    take(run, "tax")
    result = run(CallNumber(1, "A002"))
    assert result.reply["ticket"]["number"] == "A002"
    assert result.reply["reason"]["rule"] == "chosen"
    # A chosen call does not move the ratio counter.
    assert run.engine.state.windows[1].normal_since_priority == 0


@pytest.mark.parametrize(
    ("window", "number", "code"),
    [
        (2, "A001", "not_serving_service"),
        (1, "A099", "unknown_ticket"),
        (1, "A002", "ticket_not_waiting"),
    ],
)
def test_call_number_refusals(run: Clerk, window: int, number: str, code: str) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(2, "s2"))
    run(OpenWindow(3, "s3"))
    take(run, "tax")
    take(run, "tax")
    run(CallNumber(3, "A002"))
    if window == 1 and number == "A002":
        run(Finish(3))
    with pytest.raises(DomainError) as caught:
        run(CallNumber(window, number))
    assert caught.value.code == code


def test_recall(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "tax")
    first = run(CallNext(1)).events[0]
    result = run(Recall(1), after=30)
    (event,) = result.events
    assert (event["type"], event["recall"], event["reason"]) == (
        "ticket_called",
        True,
        first["reason"],
    )
    assert result.reply["ticket"]["calls"] == 2
    assert result.reply["ticket"]["called_at"] == first["at"]


def test_recall_refused_when_paused(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "tax")
    run(CallNext(1))
    run(PauseWindow(1))
    with pytest.raises(DomainError) as caught:
        run(Recall(1))
    assert caught.value.code == "window_paused"
    # Ending the service is still allowed while paused.
    assert run(Finish(1)).reply["ticket"]["state"] == "done"


@pytest.mark.parametrize("command", [Recall(1), NoShow(1), Finish(1), Park(1), Transfer(1)])
def test_window_idle(run: Clerk, command: object) -> None:
    run(OpenWindow(1, "s1"))
    with pytest.raises(DomainError) as caught:
        run(command)  # type: ignore[arg-type]
    assert caught.value.code == "window_idle"


def test_no_show(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "tax")
    take(run, "tax")
    run(CallNext(1))
    result = run(NoShow(1), after=60)
    assert [(e["type"], e["number"], e["window"]) for e in result.events] == [
        ("ticket_no_show", "A001", 1)
    ]
    assert result.reply["ticket"]["state"] == "no_show"
    assert run(CallNext(1)).reply["ticket"]["number"] == "A002"


def test_finish_records_duration(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "tax")
    run(CallNext(1), after=10)
    result = run(Finish(1), after=245.5)
    (event,) = result.events
    assert (event["type"], event["duration_s"], event["staff"], event["service"]) == (
        "ticket_finished",
        245.5,
        "s1",
        "tax",
    )
    assert result.reply["ticket"]["finished_at"] == run.now
    assert run.engine.snapshot(run.now)["windows"][0]["current"] is None


def test_transfer_back_keeps_original_place(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(3, "s2"))
    take(run, "tax")
    take(run, "tax")
    run(CallNext(1))
    result = run(Transfer(1))
    assert [
        (e["type"], e["from_service"], e["to_service"], e["to_window"]) for e in result.events
    ] == [("ticket_transferred", "tax", "tax", None)]
    assert result.reply["ticket"]["state"] == "waiting"
    called = run(CallNext(3)).reply
    assert called["ticket"]["number"] == "A001"
    assert called["reason"]["rule"] == "transfer"


def test_transfer_to_service_keeps_issue_time(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(2, "s2"))
    take(run, "tax")  # A001 first
    take(run, "social")  # B001 later
    run(CallNext(1))
    run(Transfer(1, to_service="social"))
    assert run.engine.find("A001")["service"] == "social"  # type: ignore[index]
    assert run(CallNext(2)).reply["ticket"]["number"] == "A001"


def test_transfer_to_window_reserves_it(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(2, "s2"))
    run(OpenWindow(3, "s3"))
    take(run, "social")  # B001 waits before
    take(run, "tax")  # A001
    take(run, "tax")  # A002
    run(CallNumber(1, "A001"))
    run(Transfer(1, to_window=2))  # window 2 does not serve tax, but it is reserved there
    assert run.engine.find("A001")["target_window"] == 2  # type: ignore[index]
    assert run(CallNext(3)).reply["ticket"]["number"] == "A002"
    with pytest.raises(DomainError) as caught:
        run(CallNumber(1, "A001"))
    assert caught.value.code == "not_serving_service"
    assert run(CallNext(2)).reply["ticket"]["number"] == "A001"
    assert run.engine.find("A001")["target_window"] is None  # type: ignore[index]


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (Transfer(1, to_service="nope"), "unknown_service"),
        (Transfer(1, to_window=9), "unknown_window"),
    ],
)
def test_transfer_refusals(run: Clerk, command: Transfer, code: str) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "tax")
    run(CallNext(1))
    with pytest.raises(DomainError) as caught:
        run(command)
    assert caught.value.code == code


def test_park_and_call_back(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    take(run, "tax")
    take(run, "tax")
    run(CallNext(1))
    parked = run(Park(1))
    assert [(e["type"], e["number"]) for e in parked.events] == [("ticket_parked", "A001")]
    assert parked.reply["ticket"]["state"] == "parked"
    assert run.engine.snapshot(run.now)["windows"][0]["parked"] == ["A001"]
    assert run(CallNext(1)).reply["ticket"]["number"] == "A002"
    run(Finish(1))
    back = run(CallParked(1, "A001"))
    assert back.reply["ticket"]["state"] == "called"
    assert back.reply["reason"]["rule"] == "parked"
    assert back.reply["ticket"]["calls"] == 2


@pytest.mark.parametrize(("window", "number"), [(3, "A001"), (1, "A002")])
def test_call_parked_refusals(run: Clerk, window: int, number: str) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(3, "s2"))
    take(run, "tax")
    take(run, "tax")
    run(CallNext(1))
    run(Park(1))
    with pytest.raises(DomainError) as caught:
        run(CallParked(window, number))
    assert caught.value.code == "ticket_not_parked"


def test_reservation_for_a_closed_window_can_be_chosen_elsewhere(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(2, "s2"))
    run(OpenWindow(3, "s3"))
    take(run, "tax")
    run(CallNext(1))
    run(Transfer(1, to_window=2))
    with pytest.raises(DomainError) as caught:
        run(CallNumber(3, "A001"))
    assert caught.value.code == "not_serving_service"
    run(CloseWindow(2))
    with pytest.raises(DomainError) as caught:
        run(CallNext(3))  # still reserved: not a candidate for the call order
    assert caught.value.code == "queue_empty"
    called = run(CallNumber(3, "A001")).reply["ticket"]
    assert (called["state"], called["window"], called["target_window"]) == ("called", 3, None)


def test_the_snapshot_lists_the_days_recent_calls_newest_first(run: Clerk) -> None:
    """A board that starts late shows the calls made before it: the snapshot's recent_calls
    (a ticket called again moves up, as on a board); a new day clears them."""
    run(OpenWindow(1, "s1"))
    run(OpenWindow(3, "s3"))
    a, b, c = take(run, "tax"), take(run, "tax"), take(run, "tax")
    run(CallNext(1), after=10)
    run(CallNext(3), after=10)
    run(Recall(1), after=10)
    run(Finish(3), after=10)
    run(CallNext(3), after=10)
    calls = run.engine.snapshot(run.now)["recent_calls"]
    assert [(x["number"], x["window"], x["recall"]) for x in calls] == [
        (c, 3, False),
        (a, 1, True),
        (b, 3, False),
    ]
    assert calls[0] == {
        "ticket": f"2026-11-23-{c}",
        "number": c,
        "window": 3,
        "service": "tax",
        "at": T0 + 50 + 3,
        "recall": False,
    }
    assert "staff" not in calls[0]
    for _ in range(RECENT_CALLS_KEPT + 5):
        take(run, "tax")
        run(Finish(1), after=1)
        run(CallNext(1), after=1)
    assert len(run.engine.snapshot(run.now)["recent_calls"]) == RECENT_CALLS_KEPT
    run.now += 86400
    take(run, "tax")  # the next day starts: its board starts empty
    assert run.engine.snapshot(run.now)["recent_calls"] == []


def test_each_windows_latest_calls_are_kept_for_a_zones_board(run: Clerk) -> None:
    """A zone's board lists its windows' latest calls however many other windows made: calls
    are kept per window, and a ticket called at window 1 then at 3 is listed at each (once,
    at 3, for the whole hall)."""
    run(OpenWindow(1, "s1"))
    run(OpenWindow(3, "s3"))
    a = take(run, "tax")
    run(CallNext(1), after=10)
    run(Transfer(1, to_window=3), after=10)
    run(CallNumber(3, a), after=10)
    for _ in range(RECENT_CALLS_KEPT + 5):
        take(run, "tax")
        run(Finish(3), after=1)
        run(CallNext(3), after=1)
    state = run.engine.state
    assert [(c["number"], c["window"]) for c in recent_calls(state, {1})] == [(a, 1)]
    at_3 = recent_calls(state, {3})
    assert len(at_3) == RECENT_CALLS_KEPT and a not in {c["number"] for c in at_3}
    assert recent_calls(state) == at_3 == run.engine.snapshot(run.now)["recent_calls"]
    assert len(state.recent_calls) == RECENT_CALLS_KEPT + 1  # what is kept stays bounded
