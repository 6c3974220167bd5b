"""Clerk windows' streams under random days: whatever the engine does (calls at other windows,
recalls, parks, transfers to a service or to a window, 一件事 steps, pauses, closings, the next
day), the model of each window's clerk, fed only its window's stream as the server makes it
(asking for a snapshot when the stream brings a ticket it was never sent), equals its window's
fresh snapshot in what it shows; and a window is not sent a ticket issued for a service it does
not serve."""

from __future__ import annotations

import json
from typing import Any

import hypothesis
import pytest
from hallkit import bundle_hall
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamkit import ACTIONS, NUMBERS, WINDOWS, command, comparable

from contract.hall import HallModel
from queue_server import core
from queue_server.core.model import Role, TicketClass
from queue_server.fanout import Stream, window_streams
from queue_server.views import VIEWS

HALL = bundle_hall()
T0 = 1795312800.0  # 2026-11-22 08:00 in Shanghai


SERVICES = st.sampled_from(["SB", "YB", "HJ"])
MORE = st.one_of(
    ACTIONS,
    st.tuples(st.just("to_both"), WINDOWS, WINDOWS, SERVICES),
    st.tuples(st.sampled_from(["take_priority", "remote"]), SERVICES),
    st.tuples(st.sampled_from(["checkin", "void"]), NUMBERS),
    st.tuples(st.sampled_from(["next", "finish"]), WINDOWS),  # 一件事 steps
    st.tuples(st.just("take"), st.just("BIRTH")),
    st.tuples(st.just("alerts")),
)


def sent_snapshot(
    stream: Stream, engine: core.Engine, now: float, seed: bool = True
) -> dict[str, Any]:
    """The snapshot a clerk of the stream's window is sent (``HallServer.role_snapshot``:
    its stream follows its tickets; not a snapshot only made to compare)."""
    assert stream.interest is not None
    trimmed = stream.interest.trim(VIEWS[Role.CLERK].snapshot(engine.snapshot(now)))
    current = [w["current"] for w in trimmed["windows"] if w.get("current")]
    if seed:
        stream.seed(t["id"] for t in [*trimmed["waiting"], *current])
    return trimmed


def welcome(window: int, snapshot: dict[str, Any], seq: int) -> dict[str, Any]:
    return {"type": "welcome", "protocol": 1, "seq": seq, "device": f"clerk-{window}"} | {
        "role": "clerk",
        "window": window,
        "snapshot": snapshot,
    }


def step(action: tuple[Any, ...], n: int, day: str | None) -> object:
    kind = action[0]
    if kind == "to_both":
        return core.Transfer(action[1], to_service=action[3], to_window=action[2])
    if kind == "take_priority":
        return core.TakeTicket(action[1], f"r{n}", ticket_class=TicketClass.PRIORITY)
    if kind == "remote":  # 远程取号: waits uncalled until it checks in
        return core.TakeRemote(action[1], f"r{n}", f"c{n}", "check", f"tok{n:020d}")
    if kind == "checkin":
        return core.CheckIn(action[1], "door")
    if kind == "void":
        return core.VoidTicket(f"{day}-{action[1]}", "printer")
    if kind == "alerts":  # holds remote tickets near the front, expires late ones
        return core.CheckAlerts()
    return command(action, n)


@pytest.mark.timeout(600)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MORE, min_size=10, max_size=80))
# A 户籍 ticket reserved for window 1 (which serves none of 户籍), called at window 4 once 1
# closed: the call names neither window 1 nor its services; window 1 must still let it go.
@example([("next", 4), ("to_window", 4, 1), ("close", 1), ("number", 4, "C001")])
# 户籍 then back: a ticket leaves window 1's services and comes back, called meanwhile.
@example([("next", 1), ("to_service", 1, "HJ"), ("next", 4), ("to_service", 4, "SB")])
# 一件事: 户籍 done at window 4, the ticket waits for 社保, unseen by windows 1 and 2 before.
@example([("next", 4), ("finish", 4), ("next", 4), ("finish", 4), ("next", 1), ("finish", 1)])
def test_a_windows_clerk_model_equals_its_windows_snapshot_after_any_day(
    actions: list[tuple[Any, ...]],
) -> None:
    engine, now, seq = core.Engine(HALL), T0, 0
    streams = window_streams(HALL, 0, {})
    models = {
        name: HallModel.from_welcome(welcome(s.interest.window, sent_snapshot(s, engine, now), 0))
        for name, s in streams.items()
        if s.interest is not None and s.interest.window is not None
    }
    start: list[tuple[Any, ...]] = [("open", 1, "s1"), ("open", 3, "s3"), ("open", 4, "s4")]
    start += [("take", service) for service in ("SB", "HJ", "BIRTH", "YB", "SB", "HJ")]
    kinds: set[str] = set()
    for n, action in enumerate([*start, *actions]):
        if action[0] == "wait":
            now += action[1]
            continue
        now += 1.0
        try:
            result = engine.execute(step(action, n, engine.day), now, "s1")  # type: ignore[arg-type]
        except core.DomainError:
            continue
        batch = []
        for event in result.events:
            seq += 1
            batch.append({**event, "seq": seq})
            kinds.add(event["type"])
        for name, stream in streams.items():
            assert stream.interest is not None
            model, here = models[name], stream.interest.window
            services = stream.interest.services
            for frame in stream.batch(batch):
                message = json.loads(frame)
                if message["kind"] == "ticket_issued":
                    steps = {message["service"], *(message.get("steps") or ())}
                    assert steps & services, (name, message)
                if not model.needs_resync:
                    model.apply_event(message)
            if model.needs_resync:  # as the app does: ask for a snapshot
                hypothesis.event("resync")
                reply = {"type": "snapshot", "seq": seq, **sent_snapshot(stream, engine, now)}
                assert model.apply_snapshot(reply)
            fresh = HallModel()
            assert fresh.apply_snapshot(
                {"type": "snapshot", "seq": seq, **sent_snapshot(stream, engine, now, seed=False)}
            )
            shown = stream.interest.shown
            assert shown(comparable(model.snapshot())) == shown(comparable(fresh.snapshot())), (
                name,
                here,
                action,
            )
            assert not model.needs_resync
    for kind in sorted(kinds):
        hypothesis.event(kind)
