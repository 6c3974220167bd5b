"""一件事 bundles and 帮办代办 in the engine.

A bundle is one ticket with one number throughout; its steps are done in order, at one window
that serves them all or from window to window, and at each step the ticket keeps its place by
its original issue time. An agent's ticket records the agent and the citizen.
"""

from __future__ import annotations

import json
import pickle
from typing import Any

import hypothesis
import pytest
from core_hall import BUNDLE_HALL, Clerk
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from queue_server.core import (
    CallNext,
    DomainError,
    Engine,
    Finish,
    OpenWindow,
    TakeBundle,
    TakeForCitizen,
    TakeTicket,
)
from queue_server.core.model import TicketClass, TicketState
from tests.core.test_properties import HallMachine


@pytest.fixture
def run() -> Clerk:
    return Clerk(Engine(BUNDLE_HALL))


def states(run: Clerk, number: str) -> list[str]:
    ticket = run.engine.find(number)
    assert ticket is not None
    return [step["state"] for step in ticket["steps"]]


def test_a_bundle_is_one_ticket_passed_from_window_to_window_in_its_order(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))  # tax, social
    run(OpenWindow(2, "s2"))  # social, licence
    issued = run(TakeBundle("birth", "r1"), actor="kiosk").reply["ticket"]
    assert issued["number"] == "N001"
    assert issued["bundle_name_zh"] == "新生儿出生一件事"
    assert [s["service"] for s in issued["steps"]] == ["tax", "social", "licence"]
    assert states(run, "N001") == ["current", "to_come", "to_come"]

    assert run(CallNext(1), after=60).events[-1]["number"] == "N001"
    # Window 1 also serves social: the second step is done there, at once.
    done = run(Finish(1), after=300).events
    assert [e["type"] for e in done] == ["ticket_step_done"]
    assert done[0]["stay"] is True and done[0]["next_service"] == "social"
    assert run.engine.find("N001")["state"] == "called"  # type: ignore[index]
    assert states(run, "N001") == ["done", "current", "to_come"]

    # Window 1 does not serve licence: the ticket waits for window 2, same number.
    done = run(Finish(1), after=200).events
    assert done[0]["stay"] is False and done[0]["next_service"] == "licence"
    assert run.engine.find("N001")["state"] == "waiting"  # type: ignore[index]
    assert run(CallNext(2), after=10).events[-1]["number"] == "N001"
    finished = run(Finish(2), after=100).events
    assert [e["type"] for e in finished] == ["ticket_finished"]
    assert finished[0]["service"] == "licence"
    assert states(run, "N001") == ["done", "done", "done"]


def test_a_bundle_keeps_its_place_by_issue_time_at_each_step(run: Clerk) -> None:
    run(OpenWindow(1, "s1"))
    run(OpenWindow(2, "s2"))
    run(TakeBundle("birth", "r1"), actor="kiosk")  # N001 at T0, tax first
    run(TakeTicket("licence", "r2"), after=60, actor="kiosk")  # C001 later, for licence
    run(CallNext(1), after=60)  # N001 at tax
    run(Finish(1), after=60)  # → social, same window
    run(Finish(1), after=60)  # → licence, waits: issued before C001
    assert run(CallNext(2), after=1).events[-1]["number"] == "N001"


def test_a_bundle_that_shares_a_prefix_keeps_the_numbers_unique(run: Clerk) -> None:
    assert run(TakeTicket("social", "r1"), actor="kiosk").reply["ticket"]["number"] == "B001"
    assert run(TakeBundle("move", "r2"), actor="kiosk").reply["ticket"]["number"] == "B002"
    assert run(TakeBundle("move", "r2"), actor="kiosk").events == []  # a retry: same ticket


def test_unknown_bundles_and_appointment_class_are_refused(run: Clerk) -> None:
    with pytest.raises(DomainError) as unknown:
        run(TakeBundle("nope", "r1"), actor="kiosk")
    assert unknown.value.code == "unknown_bundle"
    with pytest.raises(DomainError) as appointment:
        run(TakeBundle("birth", "r1", TicketClass.APPOINTMENT), actor="kiosk")
    assert appointment.value.code == "class_not_allowed"
    assert run.engine.state.tickets == {}


def test_an_agent_takes_a_ticket_for_a_citizen_marked_proxy(run: Clerk) -> None:
    reply = run(TakeForCitizen("a1", "p1", "hash-1", bundle="birth"), actor="agent-1").reply
    assert reply["ticket"]["proxy"] == "a1" and reply["ticket"]["bundle"] == "birth"
    t = run.engine.state.tickets[reply["ticket"]["id"]]
    assert (t.proxy, t.citizen_hash) == ("a1", "hash-1")
    for command, code in (
        (TakeForCitizen("s1", "p2", "hash-2", service="tax"), "not_agent"),
        (TakeForCitizen("ghost", "p2", "hash-2", service="tax"), "unknown_staff"),
        (TakeForCitizen("a1", "p2", "", service="tax"), "citizen_required"),
        (TakeForCitizen("a1", "p2", "hash-2"), "unknown_service"),
        (TakeForCitizen("a1", "p2", "hash-1", bundle="birth"), "already_holding"),
    ):
        with pytest.raises(DomainError) as refused:
            run(command, actor="agent-1")
        assert refused.value.code == code


class BundleMachine(HallMachine):
    """The engine's properties with bundles and agents' tickets among the others."""

    def __init__(self) -> None:
        super().__init__()
        self.engine = Engine(BUNDLE_HALL)

    @rule(
        bundle=st.sampled_from(["birth", "move", "birth", "none"]),
        request=st.integers(0, 15),
        ticket_class=st.sampled_from([TicketClass.NORMAL, TicketClass.PRIORITY]),
        citizen=st.sampled_from([None, "h1"]),
    )
    def take_bundle(
        self, bundle: str, request: int, ticket_class: TicketClass, citizen: str | None
    ) -> None:
        self.do(TakeBundle(bundle, f"b{request}", ticket_class, citizen))

    @rule(
        agent=st.sampled_from(["a1", "a1", "s1"]),
        what=st.sampled_from([("service", "tax"), ("bundle", "birth"), ("bundle", "move")]),
        citizen=st.sampled_from(["h1", "h2", "h3"]),
        request=st.integers(0, 15),
    )
    def take_for_citizen(
        self, agent: str, what: tuple[str, str], citizen: str, request: int
    ) -> None:
        kind, code = what
        service, bundle = (code, None) if kind == "service" else (None, code)
        self.do(TakeForCitizen(agent, f"p{request}", citizen, service, bundle), "agent-1")

    @rule(window=st.sampled_from([1, 2, 3]), steps=st.integers(1, 3))
    def serve_steps(self, window: int, steps: int) -> None:
        """Call next and finish a few times: a bundle's steps at one window or passed on."""
        self.call_next(window)
        for _ in range(steps):
            self.now += 60
            self.do(Finish(window))

    @invariant()
    def bundles_keep_one_number_and_their_order(self) -> None:
        issued: dict[str, dict[str, Any]] = {}
        done: dict[str, list[int]] = {}
        for e in self.events:
            if e["type"] == "ticket_issued":
                issued[e["ticket"]] = e
                continue
            ticket = e.get("ticket")
            if ticket is None or ticket not in issued:
                continue
            assert e.get("number", issued[ticket]["number"]) == issued[ticket]["number"]
            steps = issued[ticket].get("steps")
            if e["type"] == "ticket_step_done":
                assert steps is not None, "a step done of a ticket of one service"
                assert e["step"] == len(done.setdefault(ticket, [])), "a step skipped or repeated"
                assert e["next_service"] == steps[e["step"] + 1]
                done[ticket].append(e["step"])
                hypothesis.event(f"step done stay={e['stay']}")
            if e["type"] == "ticket_finished" and steps is not None:
                assert len(done.get(ticket, [])) == len(steps) - 1, "finished before its last step"
        for t in self.engine.state.tickets.values():
            if t.id in issued:  # its place at every step: the time it was issued, kept
                assert t.issued_at == issued[t.id]["at"]
            if t.bundle is not None:
                assert t.number.startswith("N") or t.number.startswith("B")
                assert 0 <= t.step < len(t.steps)
                if t.state is TicketState.WAITING and t.transfers == 0:
                    assert t.service == t.steps[t.step]

    @invariant()
    def a_stay_keeps_the_ticket_at_its_window(self) -> None:
        last = next((e for e in reversed(self.events) if e["type"] == "ticket_step_done"), None)
        if last is None or last is not self.events[-1]:
            return
        t = self.engine.state.tickets[last["ticket"]]
        if last["stay"]:
            assert t.state is TicketState.CALLED and t.window == last["window"]
        else:
            assert t.state is TicketState.WAITING
            assert self.engine.state.windows[last["window"]].current is None

    def teardown(self) -> None:
        """Replayed from the log, or restored from a checkpoint: the same state."""
        assert pickle.loads(pickle.dumps(self.engine)).state == self.engine.state
        fresh = Engine(BUNDLE_HALL)
        for event in json.loads(json.dumps(self.events)):
            fresh.apply(event)
        assert fresh.state == self.engine.state
        assert fresh.snapshot(self.now) == self.engine.snapshot(self.now)


BundleMachine.TestCase.settings = settings(
    max_examples=120,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBundles = BundleMachine.TestCase
