"""Replaying stored events rebuilds the same state; the engine survives pickling."""

from __future__ import annotations

import json
import pickle

import pytest
from core_hall import HALL, Clerk, at, book

from queue_server.core import (
    CallNext,
    Engine,
    Finish,
    InviteRating,
    NoShow,
    OpenWindow,
    Park,
    PauseWindow,
    Rate,
    ResumeWindow,
    TakeTicket,
    Transfer,
    VoidTicket,
)
from queue_server.core.appointments import (
    CancelAppointment,
    RebookAppointment,
    SweepAppointments,
)
from queue_server.core.model import TicketClass


def busy_day(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(2, "s2"))
    code = book(run, "tax", "09:30", citizen="h2")
    moved = book(run, "tax", "10:00", citizen="h7")
    run(RebookAppointment(moved, "h7", "2026-11-24", "11:00"))
    run(CancelAppointment(book(run, "tax", "12:00", citizen="h8"), "h8"))
    book(run, "tax", "09:00", citizen="h9")  # never comes: a no-show
    for i, (service, cls) in enumerate(
        [("tax", "normal"), ("social", "priority"), ("tax", "appointment"), ("licence", "normal")]
    ):
        appointment = code if cls == "appointment" else None
        run(TakeTicket(service, f"r{i}", TicketClass(cls), f"h{i}", appointment), after=3)
    run(SweepAppointments())
    run(VoidTicket("2026-11-23-C001", "printer jam"))
    run(CallNext(1), after=10)
    run(Transfer(1, to_window=2))
    run(CallNext(1), after=5)
    run(Finish(1), after=200)
    run(InviteRating(1))
    run(Rate(1, 2), after=300)
    run(Rate(1, 5))  # rejected: already rated
    run(CallNext(2))
    run(Park(2))
    run(PauseWindow(2))
    run(ResumeWindow(2))
    run(CallNext(2))
    run(NoShow(2))


def test_replay_equals_live(run: Clerk) -> None:
    busy_day(run)
    run.now = at(24, 9)
    run(TakeTicket("tax", "r0"))
    stored = json.loads(json.dumps(run.events, ensure_ascii=False))
    fresh = Engine(HALL)
    for event in stored:
        fresh.apply({**event, "seq": 1})  # the log's own fields are ignored
    assert fresh.state == run.engine.state
    assert fresh.snapshot(run.now) == run.engine.snapshot(run.now)
    assert fresh.day == "2026-11-24"
    # The rebuilt engine carries on exactly as the live one.
    assert (
        fresh.execute(TakeTicket("tax", "r1"), run.now, "k").events
        == run(TakeTicket("tax", "r1"), actor="k").events
    )


def test_event_types_of_a_busy_day(run: Clerk) -> None:
    busy_day(run)
    assert sorted({e["type"] for e in run.events}) == [
        "appointment_booked",
        "appointment_cancelled",
        "appointment_checked_in",
        "appointment_missed",
        "appointment_rebooked",
        "day_started",
        "followup_opened",
        "rating_invited",
        "rating_recorded",
        "rating_rejected",
        "ticket_called",
        "ticket_finished",
        "ticket_issued",
        "ticket_no_show",
        "ticket_parked",
        "ticket_transferred",
        "ticket_voided",
        "window_opened",
        "window_paused",
        "window_resumed",
    ]
    for event in run.events:
        assert {"type", "at", "actor", "day"} <= set(event)


def test_engine_survives_pickling(run: Clerk) -> None:
    busy_day(run)
    copy = pickle.loads(pickle.dumps(run.engine))
    assert copy.state == run.engine.state
    assert copy.snapshot(run.now) == run.engine.snapshot(run.now)


def test_unknown_event_type_is_an_error(engine: Engine) -> None:
    with pytest.raises(ValueError, match="printer_exploded"):
        engine.apply({"type": "printer_exploded", "at": 0.0, "day": "2026-11-23"})


def test_execute_rejects_what_is_not_a_command(engine: Engine) -> None:
    with pytest.raises(TypeError):
        engine.execute("call next", 0.0, "x")  # type: ignore[arg-type]
