"""预约: booking within capacity, cancel and rebook, check-in within the tolerance, no-shows,
due appointments before walk-ins, booked-only windows (预约延时服务)."""

from __future__ import annotations

import pytest
from core_hall import Clerk, at, book

from queue_server.core import CallNext, DomainError, Finish, OpenWindow, StartDay, TakeTicket
from queue_server.core.appointments import (
    BookAppointment,
    CancelAppointment,
    RebookAppointment,
    SweepAppointments,
)
from queue_server.core.model import TicketClass

Y = TicketClass.APPOINTMENT


def refused(run: Clerk, command: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        run(command)  # type: ignore[arg-type]
    return caught.value


def check_in(run: Clerk, code: str, request: str = "y1") -> dict[str, object]:
    ticket: dict[str, object] = run(TakeTicket("tax", request, Y, appointment_code=code)).reply[
        "ticket"
    ]
    return ticket


def test_a_slot_takes_its_capacity_and_a_cancel_frees_a_seat(run: Clerk) -> None:
    codes = [book(run, "tax", "10:00", citizen=f"c{i}") for i in range(4)]
    run.now = at(23, 7)
    full = refused(run, BookAppointment("tax", "2026-11-23", "10:00", "c9", "90000001"))
    assert (full.code, full.message_zh) == (
        "slot_full",
        "该时段已约满（2026-11-23 10:00），请选择其他时段",
    )
    run(CancelAppointment(codes[0], "c0"))
    booked = run(BookAppointment("tax", "2026-11-23", "10:00", "c9", "90000001")).reply
    assert booked["booking"]["state"] == "booked"
    assert (booked["booking"]["check_in_from"], booked["booking"]["check_in_until"]) == (
        "09:30",
        "10:15",
    )
    assert run.engine.state.book.seats_taken("tax", "2026-11-23", "10:00") == 4


def test_slots_that_are_not_offered_or_past_are_refused(run: Clerk) -> None:
    run.now = at(23, 11)
    for day, slot in (("2026-11-23", "10:00"), ("2026-11-23", "10:15"), ("2026-12-09", "10:00")):
        assert refused(run, BookAppointment("tax", day, slot, "c1", "1")).code == "slot_unavailable"
    assert refused(run, BookAppointment("social", "2026-11-24", "10:00", "c1", "1")).code == (
        "no_appointments"
    )
    run(BookAppointment("tax", "2026-11-24", "10:00", "c1", "1"))
    again = refused(run, BookAppointment("tax", "2026-11-24", "11:00", "c1", "2"))
    assert again.code == "appointment_duplicate"


def test_someone_elses_code_reads_as_an_unknown_one(run: Clerk) -> None:
    code = book(run, "tax", "10:00", citizen="c1")
    run.now = at(23, 7)
    theirs = refused(run, CancelAppointment(code, "c2"))
    unknown = refused(run, CancelAppointment("12345678", "c2"))
    assert theirs.code == unknown.code == "appointment_unknown"
    assert (theirs.message_zh, theirs.message_en) == (unknown.message_zh, unknown.message_en)
    moved = run(RebookAppointment(code, "c1", "2026-11-24", "11:30")).reply["booking"]
    assert (moved["code"], moved["day"], moved["slot"]) == (code, "2026-11-24", "11:30")
    assert refused(run, RebookAppointment(code, "c1", "2026-11-24", "11:30")).code == (
        "slot_unchanged"
    )


def test_check_in_within_the_tolerance_and_once(run: Clerk) -> None:
    code = book(run, "tax", "10:00")
    run.now = at(23, 9, 29)
    early = refused(run, TakeTicket("tax", "y0", Y, appointment_code=code))
    assert (early.code, early.message_zh) == (
        "appointment_early",
        "您预约的时间是 10:00，请于 09:30 后签到",
    )
    run.now = at(23, 9, 30)
    ticket = check_in(run, code)
    assert (ticket["class"], ticket["number"]) == ("appointment", "A001")
    assert ticket["checkin"] == {
        "outcome": "on_time",
        "slot": "10:00",
        "text_zh": "预约签到成功（10:00），请留意叫号",
        "text_en": "Checked in for 10:00: watch for your number",
    }
    assert run.engine.state.tickets["2026-11-23-A001"].due_at == at(23, 10)
    assert check_in(run, code)["number"] == "A001"  # the same request again: the same ticket
    used = refused(run, TakeTicket("tax", "y2", Y, appointment_code=code))
    assert (used.code, used.message_zh) == ("appointment_used", "该预约码已签到使用，不能重复签到")
    unknown = refused(run, TakeTicket("tax", "y3", Y, appointment_code="12345678"))
    assert unknown.code == "appointment_unknown"


def test_a_late_arrival_gets_a_walk_in_ticket(run: Clerk) -> None:
    code = book(run, "tax", "10:00")
    run.now = at(23, 10, 15, 1)
    ticket = check_in(run, code)
    assert ticket["class"] == "normal"
    assert ticket["checkin"]["outcome"] == "late"  # type: ignore[index]
    assert ticket["checkin"]["text_zh"] == (  # type: ignore[index]
        "您已超过预约时间（10:00），已为您改取普通号，请按顺序等候"
    )
    [checked] = [e for e in run.events if e["type"] == "appointment_checked_in"]
    assert (checked["outcome"], checked["number"]) == ("late", "A001")


def test_a_booking_of_another_day_does_not_check_in_today(run: Clerk) -> None:
    code = book(run, "tax", "10:00", day="2026-11-24")
    run.now = at(23, 9, 50)
    assert refused(run, TakeTicket("tax", "y1", Y, appointment_code=code)).code == (
        "appointment_unknown"
    )


def test_due_appointments_before_walk_ins_and_early_ones_after(run: Clerk) -> None:
    early = book(run, "tax", "10:30", citizen="c1")
    due = book(run, "tax", "10:00", citizen="c2")
    run(OpenWindow(1, "s1"))
    run.now = at(23, 10, 0)
    walk_in = run(TakeTicket("tax", "w1")).reply["ticket"]["number"]
    a_early = check_in(run, early, "y1")["number"]  # A002, its slot at 10:30
    a_due = check_in(run, due, "y2")["number"]  # A003, due at 10:00
    run.now = at(23, 10, 1)
    called = run(CallNext(1)).reply
    assert (called["ticket"]["number"], called["reason"]["rule"]) == (a_due, "appointment")
    run(Finish(1))
    assert run(CallNext(1)).reply["ticket"]["number"] == walk_in  # A002 is not due yet
    run(Finish(1))
    called = run(CallNext(1)).reply  # nobody else waits: the early one is called
    assert (called["ticket"]["number"], called["reason"]["rule"]) == (a_early, "appointment")


def test_a_booked_only_window_calls_appointments_alone(run: Clerk) -> None:
    code = book(run, "tax", "12:30")
    run(OpenWindow(3, "s3"))
    run.now = at(23, 12, 5)
    run(TakeTicket("tax", "w1"))
    assert refused(run, CallNext(3)).code == "queue_empty"  # 12:00–13:30 仅办理预约业务
    number = check_in(run, code)["number"]
    assert run(CallNext(3)).reply["ticket"]["number"] == number
    run(Finish(3))
    run.now = at(23, 13, 30)
    assert run(CallNext(3)).reply["ticket"]["number"] == "A001"


def test_no_shows_are_recorded_per_citizen(run: Clerk) -> None:
    first = book(run, "tax", "10:00", citizen="c1")
    second = book(run, "tax", "11:00", citizen="c2")
    third = book(run, "tax", "10:00", citizen="c1", day="2026-11-24")
    run.now = at(23, 10, 15)
    assert run(SweepAppointments()).events == []  # still within the late tolerance
    run.now = at(23, 11, 16)
    missed = run(SweepAppointments()).events
    assert [(e["appointment_code"], e["citizen_hash"], e["missed"]) for e in missed] == [
        (first, "c1", 1),
        (second, "c2", 1),
    ]
    assert run(SweepAppointments()).events == []
    run.now = at(24, 10, 16)
    [again] = run(SweepAppointments()).events[-1:]
    assert (again["appointment_code"], again["missed"]) == (third, 2)
    assert run.engine.state.book.missed == {"c1": 2, "c2": 1}


def test_a_booking_not_yet_swept_keeps_its_seat_across_days(run: Clerk) -> None:
    code = book(run, "tax", "10:00", citizen="c1")
    run.now = at(25, 9)
    run(StartDay())  # two days on, before any sweep: the booking and its seat are kept
    assert run.engine.state.book.taken == {("tax", "2026-11-23", "10:00"): 1}
    [missed] = run(SweepAppointments()).events
    assert missed["appointment_code"] == code
    run.now = at(27, 9)
    run(StartDay())
    assert (run.engine.state.book.bookings, run.engine.state.book.taken) == ({}, {})
    assert run.engine.state.book.missed == {"c1": 1}  # the count stays
