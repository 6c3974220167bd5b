"""远程取号: a phone ticket waits, is held near the front until it checks in, keeps its place."""

from __future__ import annotations

import dataclasses
import json

import pytest
from core_hall import HALL, T0, Clerk, at

from queue_server.core import (
    CallNext,
    CallNumber,
    CheckAlerts,
    CheckIn,
    DomainError,
    Engine,
    Finish,
    OpenWindow,
    TakeRemote,
    TakeTicket,
)
from queue_server.core.model import RemotePolicy


def remote(n: int, service: str = "tax", citizen: str | None = None) -> TakeRemote:
    return TakeRemote(
        service=service,
        request_id=f"p{n}",
        citizen_hash=citizen or f"c{n}",
        phone_check=f"check{n}",
        token=f"token-{n:02d}-aaaaaaaaaaaa",
    )


def walk_in(n: int, service: str = "tax") -> TakeTicket:
    return TakeTicket(service, f"k{n}")


def refused(clerk: Clerk, command: object, code: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        clerk(command)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.message_zh and caught.value.message_en
    return caught.value


@pytest.fixture
def clerk() -> Clerk:
    return Clerk(Engine(HALL))


def test_a_remote_ticket_waits_in_the_count_but_is_never_called_unchecked(clerk: Clerk) -> None:
    clerk(OpenWindow(1, "s1"))
    r = clerk(remote(1)).reply["ticket"]
    assert (r["number"], r["remote"], r["checked_in_at"]) == ("A001", True, None)
    assert clerk.engine.snapshot(clerk.now)["services"][0]["waiting"] == 1
    refused(clerk, CallNext(1), "queue_empty")
    refused(clerk, CallNumber(1, "A001"), "not_checked_in")


def test_held_near_the_front_skipped_then_called_first_on_check_in(clerk: Clerk) -> None:
    clerk(OpenWindow(1, "s1"))
    for n in (1, 2, 3):
        clerk(walk_in(n), after=10)  # A001–A003
    clerk(remote(1), after=10)  # A004, 3 ahead: not held yet (hold_ahead 2)
    clerk(walk_in(4), after=10)  # A005
    assert clerk.engine.state.tickets[f"{clerk.engine.day}-A004"].checkin_deadline is None
    called = clerk(CallNext(1), after=60)
    assert called.reply["ticket"]["number"] == "A001"
    held = [e for e in called.events if e["type"] == "ticket_held"]
    assert [(e["number"], e["deadline"]) for e in held] == [("A004", clerk.now + 600)]
    clerk(Finish(1), after=60)
    assert clerk(CallNext(1)).reply["ticket"]["number"] == "A002"
    clerk(Finish(1), after=60)
    assert clerk(CallNext(1)).reply["ticket"]["number"] == "A003"
    clerk(Finish(1), after=60)
    # A004 is at the front but has not checked in: skipped, A005 is called.
    assert clerk(CallNext(1)).reply["ticket"]["number"] == "A005"
    clerk(Finish(1), after=60)
    clerk(walk_in(6), after=5)  # A006, issued after A004
    checked = clerk(CheckIn("A004", "kiosk", "check1"), after=60)
    assert [e["type"] for e in checked.events] == ["ticket_checked_in"]
    assert checked.events[0]["via"] == "kiosk"
    call = clerk(CallNext(1), after=1)
    assert call.reply["ticket"]["number"] == "A004"  # its place by issue time, before A006
    assert call.reply["reason"]["rule"] == "normal"


def test_a_held_ticket_past_its_deadline_expires_with_an_event(clerk: Clerk) -> None:
    clerk(remote(1))
    held = clerk.engine.state.tickets[f"{clerk.engine.day}-A001"]
    assert held.checkin_deadline == clerk.now + 600  # nobody ahead: held at once
    assert "ticket_expired" not in [e["type"] for e in clerk(CheckAlerts(), after=599).events]
    expired = [e for e in clerk(CheckAlerts(), after=1).events if e["type"] == "ticket_expired"]
    assert [(e["number"], e["reason"], e["was"]) for e in expired] == [
        ("A001", "checkin_late", "waiting")
    ]
    assert held.state.value == "expired"
    refused(clerk, CheckIn("A001", "door"), "checkin_late")


def test_check_in_refusals_reveal_nothing_and_write_nothing(clerk: Clerk) -> None:
    clerk(remote(1))
    clerk(walk_in(1))
    before = len(clerk.events)
    refused(clerk, CheckIn("A001", "kiosk", "wrong"), "checkin_refused")
    refused(clerk, CheckIn("A001", "kiosk", None), "checkin_refused")
    refused(clerk, CheckIn("A002", "kiosk", "check1"), "checkin_refused")  # taken in the hall
    refused(clerk, CheckIn("A999", "kiosk", "check1"), "checkin_refused")
    assert len(clerk.events) == before
    assert clerk(CheckIn("A001", "door")).events[0]["via"] == "door"
    assert clerk(CheckIn("A001", "kiosk", "check1")).events == []  # twice: nothing new


def test_check_in_only_while_the_service_is_open() -> None:
    clerk = Clerk(Engine(HALL), now=at(23, 11, 55))
    clerk(remote(1, service="licence"))  # opens 9–12
    clerk.now = at(23, 12, 1)
    refused(clerk, CheckIn("C001", "door"), "service_closed")


def test_one_open_ticket_per_citizen_and_service_and_the_caps(clerk: Clerk) -> None:
    clerk(remote(1, citizen="same"))
    refused(clerk, remote(2, citizen="same"), "already_holding")
    clerk(remote(3, service="social", citizen="same"))
    clerk(remote(4, service="licence", citizen="same"))
    error = refused(clerk, remote(5, service="tax", citizen="same"), "citizen_limit")
    assert "3" in error.message_zh
    # per service and hour: four (per_service_hour) remote tickets of tax, then refused
    for n in (6, 7, 8):
        clerk(remote(n))
    error = refused(clerk, remote(9), "remote_hour_cap")
    assert "税务登记" in error.message_zh and "Tax registration" in error.message_en
    clerk.now += 3600
    clerk(remote(9))
    # a retry of a known request returns its ticket, whatever the caps say
    again = clerk(remote(9))
    assert [e for e in again.events if e["type"] == "ticket_issued"] == []
    assert again.reply["ticket"]["number"] == "A005"


def test_remote_taking_can_be_switched_off() -> None:
    hall = dataclasses.replace(HALL, remote=RemotePolicy(enabled=False))
    refused(Clerk(Engine(hall)), remote(1), "remote_off")


def test_replay_equals_live(clerk: Clerk) -> None:
    clerk(OpenWindow(1, "s1"))
    clerk(remote(1))
    clerk(remote(2), after=5)
    clerk(walk_in(1), after=5)
    clerk(CallNext(1), after=5)
    clerk(CheckIn("A002", "door"), after=5)
    clerk(CheckAlerts(), after=900)
    fresh = Engine(HALL)
    for event in json.loads(json.dumps(clerk.events)):
        fresh.apply(event)
    assert fresh.state == clerk.engine.state
    kinds = [e["type"] for e in clerk.events]
    assert {"ticket_held", "ticket_checked_in", "ticket_expired"} <= set(kinds)
    assert clerk.now >= T0


def test_a_ticket_behind_one_that_expires_is_held_in_the_same_step(clerk: Clerk) -> None:
    """The property machine's case: A001 (remote) is held, two walk-ins follow, A001 runs out
    of time as A004 (remote) is taken; with A001 gone only two wait before A004, so A004 is
    held at once, not at the next command."""
    clerk(remote(1))  # A001, nobody ahead: held
    clerk(walk_in(1), after=1)  # A002
    clerk(walk_in(2), after=1)  # A003
    result = clerk(remote(4), after=900)  # A001's 10 minutes are over
    kinds = [(e["type"], e.get("number")) for e in result.events]
    assert ("ticket_expired", "A001") in kinds
    assert ("ticket_held", "A004") in kinds
    held = clerk.engine.state.tickets[f"{clerk.engine.day}-A004"]
    assert held.checkin_deadline == clerk.now + 600
