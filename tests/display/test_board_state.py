"""What a board shows, from literal welcomes and events (no Qt, no server)."""

from __future__ import annotations

from typing import Any

from contract.hall import HallModel
from display.board import BoardState

DAY = "2026-12-02"


def welcome(windows: list[dict[str, Any]], seq: int = 10) -> dict[str, Any]:
    services = [
        {"code": "SB", "name_zh": "社保", "name_en": "Social Insurance", "waiting": 3},
        {"code": "YB", "name_zh": "医保", "name_en": "Medical Insurance", "waiting": 1},
        {"code": "HJ", "name_zh": "户籍", "name_en": "Household Registration", "waiting": 2},
    ]
    return {
        "type": "welcome",
        "protocol": 1,
        "seq": seq,
        "device": "board-1",
        "role": "display",
        "snapshot": {"day": DAY, "services": services, "windows": windows},
    }


def window(number: int, services: list[str], state: str = "open", **more: Any) -> dict[str, Any]:
    return {
        "number": number,
        "name": f"{number}号窗口",
        "state": state,
        "services": services,
        **more,
    }


def called(
    seq: int,
    number: str,
    at_window: int,
    service: str = "SB",
    recall: bool = False,
    ticket: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "event",
        "seq": seq,
        "kind": "ticket_called",
        "at": 1000.0 + seq,
        "day": DAY,
        "ticket": ticket or f"{DAY}-{number}",
        "number": number,
        "window": at_window,
        "service": service,
        "reason": {},
        "recall": recall,
    }


HALL = [
    window(1, ["SB", "YB"]),
    window(2, ["SB", "YB"]),
    window(3, ["SB", "YB", "HJ"]),
    window(4, ["HJ"]),
]


def board(windows: list[dict[str, Any]] = HALL, **options: Any) -> tuple[HallModel, BoardState]:
    model = HallModel()
    state = BoardState(model, **options)
    model.observe(state.on_change)
    model.apply_welcome(welcome(windows))
    return model, state


def test_calls_newest_first_a_recall_moves_up_and_rows_are_kept() -> None:
    model, state = board(rows=3)
    for seq, (number, w) in enumerate([("A001", 1), ("A002", 2), ("C001", 3)], start=11):
        model.apply_event(called(seq, number, w))
    assert [c.number for c in state.calls] == ["C001", "A002", "A001"]
    model.apply_event(called(14, "A001", 1, recall=True))
    assert [(c.number, c.recall) for c in state.calls] == [
        ("A001", True),
        ("C001", False),
        ("A002", False),
    ]
    model.apply_event(called(15, "A003", 2))
    assert [c.number for c in state.calls] == ["A003", "A001", "C001"]
    assert state.fresh is not None and state.fresh.number == "A003"


def test_a_zone_keeps_its_windows_calls_and_services() -> None:
    model, state = board(zone=(4,))
    assert [s.code for s in state.services()] == ["HJ"]
    assert model.apply_event(called(11, "A001", 1))
    assert state.calls == []
    model.apply_event(called(12, "C001", 4, service="HJ"))
    assert [c.number for c in state.calls] == ["C001"]


def test_redraw_only_for_what_the_board_shows() -> None:
    model, state = board(zone=(4,))
    seen: list[bool] = []
    model.observe(lambda change: seen.append(state.on_change(change)))
    model.apply_event(called(11, "A001", 1))  # window 1 and 社保: not this zone
    model.apply_event(called(12, "C001", 4, service="HJ"))
    assert seen == [False, True]
    finished = {"kind": "ticket_finished", "ticket": f"{DAY}-C001", "number": "C001"}
    model.apply_event(
        called(13, "C001", 4) | finished | {"service": "HJ", "duration_s": 60.0}
    )  # window 4 serves no one now: a hall board shows nothing of that
    paused = {"type": "event", "kind": "window_paused", "at": 1.0, "day": DAY, "window": 4}
    model.apply_event(paused | {"seq": 14, "reason": "lunch"})
    assert seen == [False, True, False, True]


def test_the_windows_calling_now_are_on_the_board_after_a_welcome() -> None:
    current = {
        "id": f"{DAY}-B002",
        "number": "B002",
        "service": "YB",
        "state": "called",
        "called_at": 900.0,
        "calls": 2,
    }
    older = {
        "id": f"{DAY}-A001",
        "number": "A001",
        "service": "SB",
        "state": "called",
        "called_at": 800.0,
        "calls": 1,
    }
    windows = [window(1, ["SB"], current=older), window(2, ["YB"], current=current)]
    _, state = board(windows)
    assert [(c.number, c.window, c.recall) for c in state.calls] == [
        ("B002", 2, True),
        ("A001", 1, False),
    ]
    assert state.fresh is None  # nothing blinks for what was already called


def test_a_new_day_clears_the_calls() -> None:
    model, state = board()
    model.apply_event(called(11, "A001", 1))
    model.apply_event(
        {
            "type": "event",
            "seq": 12,
            "kind": "day_started",
            "at": 2000.0,
            "day": "2026-12-03",
            "previous": DAY,
        }
    )
    assert state.calls == []


def test_paused_and_closed_windows() -> None:
    windows = [
        window(1, ["SB"], "paused", pause_reason="lunch"),
        window(2, ["SB"], "closed"),
        window(3, ["SB"]),
    ]
    _, state = board(windows)
    assert [w.number for w in state.paused()] == [1]
    assert [w.number for w in state.closed()] == [2]


def test_where_a_closed_window_sends_citizens() -> None:
    windows = [
        window(1, ["SB"]),
        window(2, ["SB", "YB"], "closed"),
        window(3, ["SB", "YB"]),
        window(4, ["YB"]),
        window(5, ["HJ"]),
    ]
    model, state = board(windows, window=2)
    assert state.redirect() == 3  # serves both of window 2's services, as near as window 1
    model.apply_event(
        {"type": "event", "seq": 11, "kind": "window_closed", "at": 1.0, "day": DAY, "window": 3}
    )
    assert state.redirect() == 1  # nearest of those serving one of them
    _, configured = board(windows, window=2, redirect=5)
    assert configured.redirect() == 5


def test_the_window_the_server_moved_tickets_to_goes_first() -> None:
    windows = [window(1, ["SB"]), window(2, ["SB"]), window(9, ["SB"])]
    model, state = board(windows, window=2)
    model.apply_event(
        {
            "type": "event",
            "seq": 11,
            "kind": "window_closed",
            "at": 1.0,
            "day": DAY,
            "window": 2,
            "moved_to": 9,
        }
    )
    assert state.redirect() == 9


def test_a_welcome_of_another_day_clears_the_calls() -> None:
    model, state = board()
    model.apply_event(called(11, "A001", 1))
    next_day = welcome(HALL, seq=40)
    next_day["snapshot"]["day"] = "2026-12-03"
    model.apply_welcome(next_day)
    assert state.calls == []
    model.apply_welcome(welcome(HALL, seq=41) | {"snapshot": next_day["snapshot"]})
    model.apply_event(called(42, "A001", 2, ticket="2026-12-03-A001"))
    model.apply_welcome(welcome(HALL, seq=43) | {"snapshot": next_day["snapshot"]})
    assert [c.window for c in state.calls] == [2]  # the same day: kept


def test_a_board_started_late_lists_the_snapshots_recent_calls() -> None:
    """The welcome's recent calls of the zone, newest first, with the windows' current ones."""
    recent = [
        {"ticket": f"{DAY}-C001", "number": "C001", "window": 4, "service": "HJ", "at": 930.0},
        {"ticket": f"{DAY}-A002", "number": "A002", "window": 2, "service": "SB", "at": 920.0},
        {
            "ticket": f"{DAY}-A001",
            "number": "A001",
            "window": 1,
            "service": "SB",
            "at": 910.0,
            "recall": True,
        },
    ]
    late = {"id": f"{DAY}-B001", "number": "B001", "service": "YB", "state": "called"}
    windows = [*HALL[:2], window(3, ["SB", "YB", "HJ"], current=late | {"called_at": 940.0})]
    start = welcome(windows)
    start["snapshot"]["recent_calls"] = recent
    model = HallModel()
    state = BoardState(model, zone=(1, 2, 3), rows=8)
    model.observe(state.on_change)
    model.apply_welcome(start)
    assert [(c.number, c.window, c.recall) for c in state.calls] == [
        ("B001", 3, False),
        ("A002", 2, False),
        ("A001", 1, True),
    ]
    assert state.fresh is None  # nothing blinks for what was already called
    model.apply_event(called(11, "A002", 2, recall=True))
    assert [(c.number, c.recall) for c in state.calls][:2] == [("A002", True), ("B001", False)]
    model.apply_welcome(start | {"seq": 11})  # back after a reconnect: its own newer call stays
    assert [(c.number, c.recall) for c in state.calls][:2] == [("A002", True), ("B001", False)]
