"""Window log-in, log-out, pause and resume."""

from __future__ import annotations

import pytest
from core_hall import T0, Clerk

from queue_server.core import (
    CallNext,
    CloseWindow,
    DomainError,
    OpenWindow,
    PauseWindow,
    ResumeWindow,
    TakeTicket,
    WindowStateError,
)


def test_open_window(run: Clerk) -> None:
    result = run(OpenWindow(1, "s1"), actor="s1")
    assert result.events[-1] == {
        "type": "window_opened",
        "at": T0,
        "actor": "s1",
        "day": "2026-11-23",
        "window": 1,
        "staff": "s1",
        "staff_name": "张三",
    }
    assert result.reply == {
        "window": {
            "number": 1,
            "name": "1号窗口",
            "state": "open",
            "pause_reason": None,
            "staff": "s1",
            "staff_name": "张三",
            "current": None,
            "services": ["tax", "social"],
            "booked_only": [],
            "parked": [],
            "last_rating": None,
            "last_served": None,
        }
    }


def test_same_staff_reopen_is_idempotent(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    again = run(OpenWindow(1, "s1"))
    assert again.events == []
    assert again.reply["window"]["state"] == "open"


def test_other_staff_cannot_open_an_open_window(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    with pytest.raises(WindowStateError) as caught:
        run(OpenWindow(1, "s2"))
    assert caught.value.code == "already_open"


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (OpenWindow(9, "s1"), "unknown_window"),
        (OpenWindow(1, "nobody"), "unknown_staff"),
        (CloseWindow(9), "unknown_window"),
        (PauseWindow(9), "unknown_window"),
        (ResumeWindow(9), "unknown_window"),
        (PauseWindow(1), "window_closed"),
        (ResumeWindow(1), "window_closed"),
        (CallNext(1), "window_closed"),
    ],
)
def test_refusals(run: Clerk, command: object, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        run(command)  # type: ignore[arg-type]
    assert caught.value.code == code


def test_pause_and_resume(run: Clerk) -> None:
    run(OpenWindow(2, "s2"))
    run(TakeTicket("social", "r1"))
    paused = run(PauseWindow(2))
    assert [e["type"] for e in paused.events] == ["window_paused"]
    assert paused.reply["window"]["state"] == "paused"
    assert run(PauseWindow(2)).events == []
    with pytest.raises(DomainError) as caught:
        run(CallNext(2))
    assert caught.value.code == "window_paused"
    resumed = run(ResumeWindow(2))
    assert [e["type"] for e in resumed.events] == ["window_resumed"]
    assert run(ResumeWindow(2)).events == []
    assert run(CallNext(2)).reply["ticket"]["number"] == "B001"


def test_close_refused_while_serving(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(TakeTicket("tax", "r1"))
    run(CallNext(1))
    with pytest.raises(WindowStateError) as caught:
        run(CloseWindow(1))
    assert caught.value.code == "window_busy"
    assert caught.value.details == {"window": 1, "number": "A001"}


def test_close_and_reopen_by_other_staff(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    closed = run(CloseWindow(1))
    assert [(e["type"], e["window"], e["staff"]) for e in closed.events] == [
        ("window_closed", 1, "s1")
    ]
    assert closed.reply["window"]["state"] == "closed"
    assert closed.reply["window"]["staff"] is None
    assert run(CloseWindow(1)).events == []
    assert run(OpenWindow(1, "s2")).reply["window"]["staff"] == "s2"
