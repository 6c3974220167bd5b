"""Properties of the engine under random command sequences on a monotonic clock.

Numbers are unique per day and restart each day; a ticket is at no more than one window and
two windows never hold the same ticket; FIFO within class and service; nothing waits past the
maximum while a younger competing ticket is called; one rating per ticket per moment; each 差评
opens one work order, resolved and re-rated at most once; a remote ticket (远程取号) is never
called before it checks in, is held with a deadline once near the front, expires past it, and
keeps its place by issue time once checked in; 预约: a slot never holds more bookings than
its capacity, a code checks in once, a check-in within the tolerance is an appointment ticket
due at its slot and a later one a walk-in, due appointments are called before walk-ins, a
booked-only window calls appointments alone; refused commands change nothing; replaying the
emitted events into a fresh engine gives an equal state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
from typing import Any

import pytest
from core_hall import HALL, SHANGHAI, T0
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from queue_server.core import (
    CODES,
    AckAlert,
    AssignFollowup,
    CallNext,
    CallNumber,
    CallParked,
    CheckAlerts,
    CheckIn,
    CloseWindow,
    Command,
    ContactFollowup,
    DomainError,
    Engine,
    Finish,
    InviteRating,
    NoShow,
    OpenWindow,
    Park,
    PauseWindow,
    PostNotice,
    Rate,
    RateHall,
    Recall,
    ReportDeviceStatus,
    RerateFollowup,
    ResolveFollowup,
    Result,
    ResumeWindow,
    StartDay,
    TakeRemote,
    TakeTicket,
    Transfer,
    VoidTicket,
)
from queue_server.core.alerts import conditions
from queue_server.core.appointments import (
    BookAppointment,
    CancelAppointment,
    RebookAppointment,
    SweepAppointments,
)
from queue_server.core.booking import BookingState
from queue_server.core.model import TicketClass, TicketState, WindowState
from queue_server.core.policy import choose_next, choose_next_scan
from queue_server.core.remote import checkin_ahead
from queue_server.core.slots import booked_only_at, capacity_of, slot_at
from queue_server.core.views import Directory

WINDOWS = st.sampled_from([1, 2, 3])
SERVICES = st.sampled_from(["tax", "social", "licence"])
NUMBERS = st.builds(lambda prefix, n: f"{prefix}{n:03d}", st.sampled_from("ABC"), st.integers(1, 6))
_STEPS = [0, 1, 5, 40, 60, 200, 300, 900, 1800, 3700] * 3 + [30000, 86400]
STEPS = st.sampled_from(_STEPS)  # mostly within the day; sometimes into the next
MAX_WAIT = HALL.policy.max_wait_s
MOMENTS = ["after", "after", "during", "before"]
SLOTS = st.sampled_from(["08:00", "09:30", "10:00", "12:00", "12:30", "13:00", "17:30", "18:00"])
CITIZENS = st.sampled_from(["c1", "c2", "c3", "c4", "c5"])
POLICY = HALL.appointments

# Passing takes seconds; a failure may take a minute or two to shrink to a short example.
pytestmark = pytest.mark.timeout(600)


class HallMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine = Engine(HALL)
        self.now = T0
        self.events: list[dict[str, Any]] = []
        self.requests: dict[tuple[str, str], str] = {}
        self.last_run = T0  # when the engine last ran a command (holds and expiry happen then)
        self.codes: list[str] = []  # every code ever booked

    # -- running commands ------------------------------------------------------------------

    def do(self, command: Command | Any, actor: str = "prop") -> Result | None:
        before = pickle.dumps(self.engine.state)
        try:
            result = self.engine.execute(command, self.now, actor)
        except DomainError as exc:
            assert exc.code in CODES
            assert exc.message_zh and exc.message_en
            json.dumps(exc.to_dict())
            # Equal as state: the lanes' heaps are caches a look may tidy (compare=False).
            assert pickle.loads(before) == self.engine.state, "a refused command changed the state"
            return None
        self.last_run = self.now
        json.dumps(result.events)
        json.dumps(result.reply)
        for event in result.events:
            assert event["at"] == self.now
            assert event["day"] == self.engine.day
            assert event["actor"] == actor
        self.events.extend(result.events)
        # The command's own events, without the remote sweep the engine appends after them.
        own = list(result.events)
        while own and (own[-1]["type"] == "ticket_held" or own[-1].get("reason") == "checkin_late"):
            own.pop()
        result = dataclasses.replace(result, events=own)
        if result.error is not None:
            assert [e["type"] for e in result.events][-1] == "rating_rejected"
        return result

    # -- rules -----------------------------------------------------------------------------

    @initialize(
        services=st.lists(SERVICES, max_size=6),
        classes=st.lists(st.sampled_from(list(TicketClass)), min_size=6, max_size=6),
    )
    def open_hall(self, services: list[str], classes: list[TicketClass]) -> None:
        """Windows open and a few tickets issued, so that calls have something to do."""
        for window, staff in ((1, "s1"), (2, "s2"), (3, "s1")):
            assert self.do(OpenWindow(window, staff)) is not None
        for i, (service, ticket_class) in enumerate(zip(services, classes, strict=False)):
            self.now += 7
            self.take(service, 10 + i, ticket_class, None)

    @rule(step=STEPS)
    def tick(self, step: int) -> None:
        self.now += step

    @rule(
        service=SERVICES,
        request=st.integers(0, 15),
        ticket_class=st.sampled_from(list(TicketClass)),
        citizen=st.sampled_from([None, "h1", "h2"]),
    )
    def take(
        self, service: str, request: int, ticket_class: TicketClass, citizen: str | None
    ) -> None:
        rid = f"r{request}"
        result = self.do(TakeTicket(service, rid, ticket_class, citizen))
        if result is None:
            return
        day = self.engine.day
        assert day is not None
        ticket = result.reply["ticket"]
        known = self.requests.get((day, rid))
        if known is not None:
            assert ticket["id"] == known
            assert [e["type"] for e in result.events if e["type"] == "ticket_issued"] == []
        else:
            self.requests[(day, rid)] = ticket["id"]
            assert ticket["id"] == f"{day}-{ticket['number']}"

    @rule(
        service=SERVICES,
        request=st.integers(0, 15),
        citizen=st.sampled_from(["h1", "h2", "h3"]),
        arrives=st.booleans(),
    )
    def take_remote(self, service: str, request: int, citizen: str, arrives: bool) -> None:
        """远程取号 from a phone (the phone's check is named after the request); the citizen
        may check in at the door at once, so checked-in phone tickets compete in the calls."""
        result = self.do(
            TakeRemote(service, f"p{request}", citizen, f"check{request}", f"tok{request:02d}")
        )
        if result is not None and arrives:
            self.do(CheckIn(result.reply["ticket"]["number"], "door"))

    @rule(data=st.data(), via=st.sampled_from(["door", "kiosk", "kiosk", "kiosk-wrong"]))
    def check_in(self, data: st.DataObject, via: str) -> None:
        """Mostly a remote ticket still waiting to check in; sometimes any remote one."""
        state = self.engine.state
        tickets = [t for t in state.tickets.values() if t.day == state.day]
        waiting = sorted((t.number, t.request_id) for t in tickets if t.awaiting_checkin)
        remote = sorted((t.number, t.request_id) for t in tickets if t.remote)
        mostly: int = data.draw(st.integers(0, 3))
        pool = waiting if waiting and mostly else remote
        number, request = data.draw(st.sampled_from(pool or [("A001", "p0")]))
        proof = "wrong" if via == "kiosk-wrong" else f"check{request[1:]}"
        self.do(CheckIn(number, via.removesuffix("-wrong"), proof))

    @rule(
        rush=st.lists(
            st.tuples(SERVICES, st.sampled_from(list(TicketClass)), st.sampled_from([0, 1, 30])),
            min_size=2,
            max_size=8,
        )
    )
    def rush(self, rush: list[tuple[str, TicketClass, int]]) -> None:
        """Several citizens take tickets in quick succession (some at the same instant)."""
        for service, ticket_class, gap in rush:
            self.now += gap
            self.take(service, 100 + len(self.events), ticket_class, None)

    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        ids = sorted(self.engine.state.tickets) or ["none"]
        self.do(VoidTicket(data.draw(st.sampled_from(ids)), "print failed"))

    @rule(window=WINDOWS, staff=st.sampled_from(["s1", "s2", "nobody"]))
    def open(self, window: int, staff: str) -> None:
        self.do(OpenWindow(window, staff))

    @rule(
        window=WINDOWS,
        kind=st.sampled_from([CloseWindow, PauseWindow, ResumeWindow, ResumeWindow]),
    )
    def window_state(self, window: int, kind: type[CloseWindow]) -> None:
        self.do(kind(window))

    @rule(window=WINDOWS)
    def call_next(self, window: int) -> None:
        state = self.engine.state
        same_day = state.day == self.engine.day_of(self.now)
        config = HALL.window(window)
        assert config is not None
        candidates = [
            t
            for t in state.waiting()
            if not t.awaiting_checkin
            and (
                t.target_window == window
                or (t.target_window is None and t.service in config.services)
            )
        ]
        booked_only = booked_only_at(config, self.now, HALL.policy.timezone) is not None
        if booked_only:
            candidates = [t for t in candidates if t.ticket_class is TicketClass.APPOINTMENT]
        snapshot = [
            (t.id, t.ticket_class, t.service, t.target_window, t.issued_at, t.order, t.due_at)
            for t in candidates
        ]
        result = self.do(CallNext(window))
        if result is None or not same_day:
            return
        called = result.events[-1]
        assert called["type"] == "ticket_called" and not called["recall"]
        chosen = next(s for s in snapshot if s[0] == called["ticket"])
        _, cls, service, target, issued, order, due = chosen
        if booked_only:
            assert cls is TicketClass.APPOINTMENT, "a booked-only window called a walk-in"
        if cls is not TicketClass.APPOINTMENT and called["reason"]["rule"] != "max_wait":
            for other in snapshot:
                if other[1] is TicketClass.APPOINTMENT:
                    assert other[6] is None or other[6] > self.now, (
                        f"{chosen[0]} called before the due appointment {other[0]}"
                    )
        for other in snapshot:
            if other[0] == chosen[0]:
                continue
            if cls is TicketClass.APPOINTMENT:  # appointments go by their slot
                older = (other[6] or other[4], other[5]) < (due or issued, order)
            else:
                older = (other[4], other[5]) < (issued, order)
            if self.now - other[4] >= MAX_WAIT:
                assert not older, f"{other[0]} waited past the maximum while {chosen[0]} was called"
            same_lane = other[1] == cls and other[2] == service
            if same_lane and (other[3] == window) == (target == window):
                if cls is TicketClass.APPOINTMENT and (other[6] or 0) > self.now >= (due or 0):
                    continue  # a due appointment goes before one checked in early
                assert not older, f"FIFO broken: {chosen[0]} called before {other[0]}"

    # -- 预约 ------------------------------------------------------------------------------

    @rule(
        service=st.sampled_from(["tax", "tax", "tax", "social"]),
        days=st.sampled_from([0, 0, 0, 1, 9]),
        ahead=st.sampled_from([1, 1, 2, 3, 40]),
        slot=SLOTS,
        citizen=CITIZENS,
    )
    def book(self, service: str, days: int, ahead: int, slot: str, citizen: str) -> None:
        """Book one of the next half-hour slots (sometimes a fixed one, or past the range)."""
        local = dt.datetime.fromtimestamp(self.now, SHANGHAI)
        start = local.replace(minute=30 if local.minute < 30 else 0, second=0, microsecond=0)
        if local.minute >= 30:
            start += dt.timedelta(hours=1)
        start += dt.timedelta(minutes=30 * (ahead - 1))
        if ahead < 40:
            slot = f"{start:%H:%M}"
        day = self.engine.day_of(self.now)
        date = (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
        code = f"{len(self.codes) + 1:08d}"
        result = self.do(BookAppointment(service, date, slot, citizen, code))
        if result is not None:
            self.codes.append(code)
            [booked] = result.events[-1:]
            assert booked["type"] == "appointment_booked"
            assert booked["slot_at"] > self.now

    @rule(data=st.data(), citizen=CITIZENS, slot=SLOTS, cancel=st.booleans())
    def change(self, data: st.DataObject, citizen: str, slot: str, cancel: bool) -> None:
        """Cancel or move a booking, with its citizen's hash (mostly) or another's."""
        code = data.draw(st.sampled_from([*self.codes, "99999999"]))
        owner = self.engine.state.book.bookings.get(code)
        who = owner.citizen_hash if owner and data.draw(st.booleans()) else citizen
        if cancel:
            self.do(CancelAppointment(code, who))
        else:
            day = owner.day if owner else "2026-11-23"
            result = self.do(RebookAppointment(code, who, day, slot))
            if result is not None:
                assert owner is not None and who == owner.citizen_hash

    @rule(
        data=st.data(),
        service=SERVICES,
        lead=st.sampled_from([None, -3600, -1900, -1700, -60, 0, 600, 899, 901, 3000]),
    )
    def check_in_appointment(self, data: st.DataObject, service: str, lead: int | None) -> None:
        """A citizen comes to the kiosk with a code, mostly around its slot (the clock is
        moved on to ``lead`` seconds from the slot when that is not in the past)."""
        code = data.draw(st.sampled_from([*self.codes, *self.codes, "12345678"]))
        before = self.engine.state.book.bookings.get(code)
        if before is not None and lead is not None:
            self.now = max(self.now, before.slot_at + lead)
        state = before.state if before else None
        slot = before.slot_at if before else 0.0
        rid = f"y{len(self.events)}"
        result = self.do(TakeTicket(service, rid, TicketClass.APPOINTMENT, appointment_code=code))
        if result is None:
            return
        assert before is not None
        assert state in (BookingState.BOOKED, BookingState.MISSED)
        assert before.day == self.engine.day
        issued, checked = result.events[-2:]
        assert checked["type"] == "appointment_checked_in"
        assert self.now >= slot - POLICY.early_s
        if self.now > slot + POLICY.late_s:
            assert (issued["class"], checked["outcome"]) == ("normal", "late")
        else:
            assert (issued["class"], checked["outcome"]) == ("appointment", "on_time")
            assert issued["due_at"] == slot
        if data.draw(st.booleans()):  # and a window calls next at once
            self.call_next(data.draw(WINDOWS))

    @rule()
    def sweep(self) -> None:
        self.do(SweepAppointments())
        for b in self.engine.state.book.bookings.values():
            if b.state is BookingState.BOOKED:
                assert self.now <= b.slot_at + POLICY.late_s

    def _numbers(self, data: st.DataObject, state: TicketState) -> str:
        """Mostly a number in ``state`` today, sometimes any number."""
        numbers = sorted(t.number for t in self.engine.state.tickets.values() if t.state is state)
        return str(data.draw(st.sampled_from(numbers) if numbers else NUMBERS))

    @rule(window=WINDOWS, data=st.data())
    def call_number(self, window: int, data: st.DataObject) -> None:
        self.do(CallNumber(window, self._numbers(data, TicketState.WAITING)))

    @rule(window=WINDOWS, kind=st.sampled_from([Recall, NoShow, Finish, Park, InviteRating]))
    def at_window(self, window: int, kind: type[Recall]) -> None:
        self.do(kind(window))

    @rule(
        window=WINDOWS,
        to_service=st.sampled_from([None, "tax", "social", "licence"]),
        to_window=st.sampled_from([None, 1, 2, 3]),
    )
    def transfer(self, window: int, to_service: str | None, to_window: int | None) -> None:
        self.do(Transfer(window, to_service, to_window))

    @rule(window=WINDOWS, data=st.data())
    def call_parked(self, window: int, data: st.DataObject) -> None:
        self.do(CallParked(window, self._numbers(data, TicketState.PARKED)))

    @rule(
        window=WINDOWS,
        then=st.sampled_from([Park, NoShow, Recall, Transfer, InviteRating]),
        to_window=st.sampled_from([None, 1, 2, 3]),
    )
    def detour(self, window: int, then: type[Any], to_window: int | None) -> None:
        """Call next, then something other than finishing."""
        self.call_next(window)
        self.now += 30
        if then is Transfer:
            self.do(Transfer(window, to_window=to_window))
        else:
            self.do(then(window))

    @rule(window=WINDOWS, pause=STEPS, score=st.integers(0, 6))
    def serve(self, window: int, pause: int, score: int) -> None:
        """Call next, finish after ``pause`` and rate: the common path at a window."""
        self.call_next(window)
        self.now += pause
        self.do(Finish(window))
        self.rate(window, score, "after")

    @rule(window=WINDOWS, score=st.integers(0, 6), moment=st.sampled_from(MOMENTS))
    def rate(self, window: int, score: int, moment: str = "after") -> None:
        result = self.do(Rate(window, score, moment=moment))
        if result is not None and result.error is None:
            recorded = result.events[-1] if score > 2 else result.events[-2]
            assert recorded["type"] == "rating_recorded"
            assert recorded["moment"] == moment
            ticket = self.engine.state.tickets[recorded["ticket"]]
            assert (ticket.rating_during if moment == "during" else ticket.rating) == score
            if score <= 2:
                opened = result.events[-1]
                assert opened["type"] == "followup_opened"
                assert opened["owner"] == ticket.staff
                assert opened["at"] <= opened["contact_due"] <= opened["resolve_due"]
                assert opened["feedback_due"] <= opened["resolve_due"]

    @rule(score=st.integers(0, 6), aspect=st.sampled_from(["overall", "guidance", "lift"]))
    def rate_hall(self, score: int, aspect: str) -> None:
        result = self.do(RateHall(score, aspect=aspect))
        if result is not None:
            assert result.events[-1]["type"] == ("followup_opened" if score <= 2 else "hall_rated")

    @rule(
        data=st.data(),
        steps=st.lists(
            st.sampled_from(["assign", "contact", "resolve", "rerate"]), min_size=1, max_size=4
        ),
        actor=st.sampled_from(["s3", "s3", "s3", "kiosk"]),
    )
    def work_on_followup(self, data: st.DataObject, steps: list[str], actor: str) -> None:
        """A manager works on a 差评 work order (mostly a real one, with good or bad values)."""
        ids = sorted(self.engine.state.followups)
        followup = data.draw(st.sampled_from([*ids, *ids, *ids, "2026-11-23-F999"]))
        for step in steps:
            command: Command
            if step == "assign":
                command = AssignFollowup(followup, data.draw(st.sampled_from(["s2", "s1", "x"])))
            elif step == "contact":
                channel = data.draw(st.sampled_from(["phone", "visit", "fax"]))
                note = data.draw(st.sampled_from(["回访", " "]))
                command = ContactFollowup(followup, note, channel)
            elif step == "resolve":
                outcome = data.draw(st.sampled_from(["fixed", "explained", "appealed", "lost"]))
                command = ResolveFollowup(followup, outcome, "说明")
            else:
                command = RerateFollowup(followup, data.draw(st.integers(0, 6)))
            self.do(command, actor)

    @rule()
    def start_day(self) -> None:
        self.do(StartDay())

    @rule(status=st.sampled_from(["ok", "printer_paper_near_end", "printer_paper_out"]))
    def printer(self, status: str) -> None:
        self.do(ReportDeviceStatus("kiosk-1", "kiosk", status))

    @rule()
    def check_alerts(self) -> None:
        """After a check, every problem present has its alert, and no acknowledged alert
        outlives its condition."""
        self.do(CheckAlerts())
        state = self.engine.state
        now = conditions(Directory(HALL), state, self.now)
        assert set(now) <= set(state.alerts)
        for key, entry in state.alerts.items():
            assert key in now or entry["acknowledged_at"] is None

    @rule(data=st.data(), note=st.sampled_from([None, "已通知值班长"]))
    def ack_alert(self, data: st.DataObject, note: str | None) -> None:
        keys = [*sorted(self.engine.state.alerts), "wait:nothing"]
        key = data.draw(st.sampled_from(keys))
        if self.do(AckAlert(key, note)) is not None:
            assert self.engine.state.alerts[key]["acknowledged_at"] == self.now

    @rule(text=st.sampled_from([None, "", "今日下午系统升级"]))
    def notice(self, text: str | None) -> None:
        self.do(PostNotice(text, "Upgrade this afternoon" if text else None))

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def slots_never_over_capacity(self) -> None:
        book = self.engine.state.book
        seats: dict[tuple[str, str, str], int] = {}
        for b in book.bookings.values():
            if b.state is not BookingState.CANCELLED:
                key = (b.service, b.day, b.slot)
                seats[key] = seats.get(key, 0) + 1
        for (service, day, slot), n in seats.items():
            assert book.taken[(service, day, slot)] == n
            config = HALL.service(service)
            assert config is not None
            assert n <= capacity_of(config, dt.date.fromisoformat(day), slot)
            b = next(
                b
                for b in book.bookings.values()
                if (b.service, b.day, b.slot) == (service, day, slot)
            )
            assert b.slot_at == slot_at(day, slot, HALL.policy.timezone)

    @invariant()
    def a_code_checks_in_once(self) -> None:
        used = [e["appointment_code"] for e in self.events if e["type"] == "appointment_checked_in"]
        assert len(used) == len(set(used))
        missed = [e["appointment_code"] for e in self.events if e["type"] == "appointment_missed"]
        assert len(missed) == len(set(missed))

    @invariant()
    def one_window_per_ticket(self) -> None:
        state = self.engine.state
        held = [w.current for w in state.windows.values() if w.current is not None]
        assert len(held) == len(set(held)), "two windows hold the same ticket"
        for status in state.windows.values():
            if status.state is WindowState.CLOSED:
                assert status.current is None
            if status.current is not None:
                ticket = state.tickets[status.current]
                assert ticket.state is TicketState.CALLED
                assert ticket.window == status.number
        called = {t.id for t in state.tickets.values() if t.state is TicketState.CALLED}
        assert called == set(held)

    @invariant()
    def waiting_index_matches_the_tickets(self) -> None:
        """The per-service index of waiting tickets is exactly what a full scan finds."""
        state = self.engine.state
        scanned = {
            (t.service, t.id) for t in state.tickets.values() if t.state is TicketState.WAITING
        }
        indexed = {(service, tid) for service, queue in state.queues.items() for tid in queue}
        assert indexed == scanned
        for queue in state.queues.values():
            for tid, t in queue.items():
                assert state.tickets[tid] is t
        assert set(state.unchecked) == {
            t.id for t in state.waiting_any_order() if t.awaiting_checkin
        }
        for service, counts in state.lane_counts.items():
            unreserved = [
                t
                for t in state.waiting_in(service)
                if t.target_window is None and not t.awaiting_checkin
            ]
            for cls, n in counts.items():
                assert n == sum(1 for t in unreserved if t.ticket_class is cls)
            oldest = min((t.issued_at for t in unreserved), default=None)
            assert state.oldest_waiting_at(service) == oldest

    @invariant()
    def call_index_matches_a_full_scan(self) -> None:
        """Calling next from the lanes' heads chooses what a scan of every ticket chooses."""
        state = self.engine.state
        for window in HALL.windows:
            status = state.windows.get(window.number)
            counter = status.normal_since_priority if status else 0
            for now in (self.now, self.now + HALL.policy.max_wait_s):
                indexed = choose_next(window, counter, state, HALL.policy, now)
                scanned = choose_next_scan(
                    window, counter, state.waiting_any_order(), HALL.policy, now
                )
                assert indexed == scanned
                assert indexed is None or not indexed.ticket.awaiting_checkin
        for number, reserved in state.reserved.items():
            assert set(reserved) == {
                t.id for t in state.waiting_any_order() if t.target_window == number
            }
        for number in {t.window for t in state.tickets.values() if t.window is not None}:
            parked = [
                t.id
                for t in state.tickets.values()
                if t.state is TicketState.PARKED and t.window == number
            ]
            assert sorted(parked) == sorted(t.id for t in state.parked_at(number))

    @invariant()
    def remote_tickets_wait_for_check_in(self) -> None:
        """Never called unchecked; held once near the front; expired past the deadline."""
        checked: set[str] = set()
        remote: set[str] = set()
        for e in self.events:
            if e["type"] == "ticket_issued" and e.get("remote"):
                remote.add(e["ticket"])
            elif e["type"] == "ticket_checked_in":
                assert e["ticket"] in remote
                checked.add(e["ticket"])
            elif e["type"] == "ticket_called" and e["ticket"] in remote:
                assert e["ticket"] in checked, f"{e['ticket']} called before checking in"
        state = self.engine.state
        policy = HALL.remote
        for t in state.unchecked.values():
            if checkin_ahead(state, t) <= policy.hold_ahead:
                assert t.checkin_deadline is not None, f"{t.number} near the front, not held"
            if t.checkin_deadline is not None:
                assert self.last_run < t.checkin_deadline, f"{t.number} late but not expired"

    @invariant()
    def only_today_is_open(self) -> None:
        state = self.engine.state
        for t in state.tickets.values():
            if t.state in (TicketState.WAITING, TicketState.CALLED, TicketState.PARKED):
                assert t.day == state.day

    @invariant()
    def numbers_unique_and_restart_each_day(self) -> None:
        seen: set[tuple[str, str]] = set()
        counts: dict[tuple[str, str], int] = {}
        for e in self.events:
            if e["type"] != "ticket_issued":
                continue
            key = (e["day"], e["number"])
            assert key not in seen, f"number {key} issued twice"
            seen.add(key)
            prefix = (e["day"], e["prefix"])
            counts[prefix] = counts.get(prefix, 0) + 1
            assert e["sequence"] == counts[prefix]
            assert e["ticket"] == f"{e['day']}-{e['number']}"

    @invariant()
    def one_rating_per_ticket(self) -> None:
        rated = [(e["ticket"], e["moment"]) for e in self.events if e["type"] == "rating_recorded"]
        assert len(rated) == len(set(rated))

    @invariant()
    def work_orders_follow_their_rules(self) -> None:
        """Each 差评 opens one work order; resolved once; re-rated once, after resolution."""
        bad = sum(
            1 for e in self.events if e["type"] in ("rating_recorded", "hall_rated") and e["bad"]
        )
        opened = [e["followup"] for e in self.events if e["type"] == "followup_opened"]
        assert len(opened) == bad == len(set(opened))
        resolved = [e["followup"] for e in self.events if e["type"] == "followup_resolved"]
        rerated = [e["followup"] for e in self.events if e["type"] == "followup_rerated"]
        assert len(resolved) == len(set(resolved))
        assert len(rerated) == len(set(rerated))
        assert set(rerated) <= set(resolved)
        for e in self.events:
            if e["type"].startswith("followup_") and e["type"] != "followup_opened":
                assert e["actor"] == "s3"
        listed = {f["followup"] for f in self.engine.snapshot(self.now)["followups"]}
        assert listed <= set(self.engine.state.followups)
        assert {k for k, f in self.engine.state.followups.items() if f.resolved_at is None} <= (
            listed
        )

    def teardown(self) -> None:
        """Replaying the log into a fresh engine gives the same state and snapshot."""
        fresh = Engine(HALL)
        for event in json.loads(json.dumps(self.events)):
            fresh.apply(event)
        assert fresh.state == self.engine.state
        assert fresh.snapshot(self.now) == self.engine.snapshot(self.now)


HallMachine.TestCase.settings = settings(
    max_examples=120,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestHall = HallMachine.TestCase
