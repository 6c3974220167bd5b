"""Zones' streams under random days: whatever the engine does (calls, recalls, parks, transfers
across zones, 一件事 steps, pauses, closings, the next day), a board kept to a zone is sent no
event naming another zone's window, and its model, fed its stream as the server makes it,
equals its zone's fresh snapshot in what it shows, as the whole hall's board's does."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import hypothesis
import pytest
from hallkit import BACK, FRONT, bundle_hall
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamkit import ACTIONS, command, comparable

from contract.hall import HallModel
from queue_server import core
from queue_server.core.model import Zone
from queue_server.core.views import recent_calls
from queue_server.fanout import Stream, streams, zone_streams

T0 = 1795312800.0  # 2026-11-22 08:00 in Shanghai
HALL = replace(
    bundle_hall(), zones=(Zone("front", "前厅", FRONT, "Front"), Zone("back", "后厅", BACK, "Back"))
)
ZONE_OF = {"board": None, "board:front": FRONT, "board:back": BACK}


def sent_snapshot(stream: Stream, engine: core.Engine, now: float) -> dict[str, Any]:
    """The snapshot a board of the stream is sent now (``HallServer.role_snapshot``)."""
    assert stream.interest is not None
    snapshot = engine.snapshot(now)
    zone = ZONE_OF[stream.name]
    if zone is not None:
        snapshot["recent_calls"] = recent_calls(engine.state, zone)
    return stream.interest.trim(stream.view.snapshot(snapshot))


@pytest.mark.timeout(600)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ACTIONS, min_size=10, max_size=80))
def test_a_zones_board_model_equals_its_zones_snapshot_after_any_day(
    actions: list[tuple[Any, ...]],
) -> None:
    engine, now, seq = core.Engine(HALL), T0, 0
    boards = {"board": streams(0, {})["board"], **zone_streams(HALL, 0, {})}
    models = {
        name: HallModel.from_welcome(
            {"type": "welcome", "protocol": 1, "seq": 0, "device": "d", "role": "display"}
            | {"snapshot": sent_snapshot(stream, engine, now)}
        )
        for name, stream in boards.items()
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
            result = engine.execute(command(action, n), now, "s1")  # type: ignore[arg-type]
        except core.DomainError:
            continue
        batch = []
        for event in result.events:
            seq += 1
            batch.append({**event, "seq": seq})
            kinds.add(event["type"])
        snapshot = engine.snapshot(now)
        counts = {s["code"]: (s["waiting"], s["issued_today"]) for s in snapshot["services"]}
        for name, stream in boards.items():
            zone, model = ZONE_OF[name], models[name]
            for frame in stream.batch(batch) + stream.counts(counts, seq, now, engine.day):
                message = json.loads(frame)
                assert zone is None or message.get("window") in (None, *zone), message
                assert model.apply_event(message), message
            fresh = HallModel()
            assert fresh.apply_snapshot(
                {"type": "snapshot", "seq": seq, **sent_snapshot(stream, engine, now)}
            )
            assert stream.interest is not None
            shown = stream.interest.shown
            assert shown(comparable(model.snapshot())) == shown(comparable(fresh.snapshot())), (
                name,
                action,
            )
            assert not model.needs_resync
    for kind in sorted(kinds):
        hypothesis.event(kind)
