"""The parts of a device (a bridge's keypads, evaluators and boards, a board's announcer):
recorded only when they change, refused whole when any part is wrong, made unknown when
their device leaves, replayed as they were, and an alert for a silent one at an open window."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from core_hall import HALL, Clerk, at

from queue_server.core import (
    CheckAlerts,
    DomainError,
    Engine,
    MarkPresence,
    OpenWindow,
    PartReport,
    ReportParts,
)
from queue_server.core.handlers import MAX_PARTS_KEPT
from queue_server.core.model import AlertPolicy, Device, Role

HALL_WITH_BRIDGE = dataclasses.replace(
    HALL,
    devices=(
        Device("bridge-1", Role.BRIDGE, "b" * 16),
        Device("board-1", Role.DISPLAY, "d" * 16),
    ),
    alerts=AlertPolicy(wait_s=30 * 60, quota_left=2, silent_s=5 * 60, followup_warn_s=3600),
)

EVALUATOR = PartReport("evaluator-3", "evaluator", "heard", online=True, window=1, quiet_s=2)
KEYPAD = PartReport("keypad-3", "keypad", "heard", online=True, window=1, quiet_s=0)
SILENT = dataclasses.replace(EVALUATOR, status="silent", online=False, quiet_s=700)


@pytest.fixture
def run() -> Clerk:
    clerk = Clerk(Engine(HALL_WITH_BRIDGE), now=at(23, 9, 30))
    clerk(MarkPresence("bridge-1", "bridge", online=True))
    clerk(MarkPresence("board-1", "display", online=True))
    return clerk


def parts(
    run: Clerk, *reports: PartReport, device: str = "bridge-1", role: str = "bridge"
) -> list[dict[str, Any]]:
    return run(ReportParts(device, role, reports), actor=device).events


def test_a_part_is_kept_under_its_device_with_kind_window_and_last_heard(run: Clerk) -> None:
    events = parts(run, EVALUATOR, KEYPAD)
    assert [e["type"] for e in events] == ["device_parts"]
    entry = run.engine.state.devices["bridge-1/evaluator-3"]
    assert entry["role"] == "evaluator" and entry["parent"] == "bridge-1"
    assert entry["window"] == 1 and entry["online"] is True and entry["status"] == "heard"
    assert entry["seen_at"] == run.now - 2
    snapshot = run.engine.snapshot(run.now)
    assert "bridge-1/keypad-3" in {d["device"] for d in snapshot["devices"]}


def test_the_same_report_again_writes_nothing_a_change_writes_only_it(run: Clerk) -> None:
    parts(run, EVALUATOR, KEYPAD)
    assert parts(run, EVALUATOR, KEYPAD) == []
    [event] = parts(run, SILENT, KEYPAD)
    assert [p["part"] for p in event["parts"]] == ["evaluator-3"]


@pytest.mark.parametrize(
    ("report", "role", "code"),
    [
        (PartReport("announcer", "announcer", "speaking", online=True), "bridge", "bad_part"),
        (KEYPAD, "display", "bad_part"),
        (KEYPAD, "kiosk", "bad_part"),
        (dataclasses.replace(KEYPAD, window=99), "bridge", "unknown_window"),
    ],
)
def test_a_wrong_part_refuses_the_whole_report(
    run: Clerk, report: PartReport, role: str, code: str
) -> None:
    before = dict(run.engine.state.devices)
    with pytest.raises(DomainError) as refused:
        parts(run, EVALUATOR, report, role=role)
    assert refused.value.code == code
    assert run.engine.state.devices == before


def test_parts_of_one_device_are_bounded(run: Clerk) -> None:
    many = [PartReport(f"board-{n}", "board", "line_ok", online=True) for n in range(64)]
    for start in range(0, MAX_PARTS_KEPT, 64):
        shifted = [dataclasses.replace(p, part=f"board-{start + i}") for i, p in enumerate(many)]
        parts(run, *shifted)
    with pytest.raises(DomainError) as refused:
        parts(run, PartReport("board-99999", "board", "line_ok", online=True))
    assert refused.value.code == "bad_part"
    assert "bridge-1/board-99999" not in run.engine.state.devices


def test_parts_become_unknown_when_their_device_leaves_and_replay_equal(run: Clerk) -> None:
    parts(run, EVALUATOR, KEYPAD)
    run(MarkPresence("bridge-1", "bridge", online=False))
    entry = run.engine.state.devices["bridge-1/evaluator-3"]
    assert entry["online"] is None and entry["seen_at"] == run.now - 2
    replayed = Engine(run.engine.hall)
    for event in run.events:
        replayed.apply(event)
    assert replayed.state == run.engine.state


def test_a_silent_evaluator_at_an_open_window_raises_an_alert(run: Clerk) -> None:
    parts(run, SILENT)
    check = run(CheckAlerts(), actor="system")
    assert check.events == []  # window 1 is closed: nobody expects a rating there
    run(OpenWindow(1, "s1"), actor="s1")
    [alert] = run(CheckAlerts(), actor="system").events
    assert alert["alert"] == "silent:bridge-1/evaluator-3"
    assert alert["text_zh"] == "1号窗口评价器无响应（bridge-1/evaluator-3）"
    run(MarkPresence("bridge-1", "bridge", online=False))
    parts_gone = run.engine.state.devices["bridge-1/evaluator-3"]
    assert parts_gone["online"] is None  # the bridge's own absence is what to look at
