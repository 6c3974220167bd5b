"""What the bridge says of each bus device, on a clock the test moves: heard, silent only while
its window is open and the line up, not known otherwise; boards by their line; each change
said once, everything again after a reconnect."""

from __future__ import annotations

import pytest

from drivers.bridge import parse_bridge_config
from drivers.bridge.config import BridgeConfigError
from drivers.bridge.health import EVALUATOR, KEYPAD, PartStatus, Tracker

CONFIG = """
[server]
url = "ws://127.0.0.1:1/ws"
device = "bridge-1"
token = "bridge-token-0001-abcdef"

[bus]
port = "loop://"
silent_after_s = 60

[[keypads]]
address = 1
window = 1

[[evaluators]]
address = 0x11
window = 1
model = "four_key"

[[evaluators]]
address = 0x40
model = "five_key"
aspect = "environment"

[[displays]]
address = 0x21
window = 1
type = "bus"
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tracker(clock: Clock) -> Tracker:
    config = parse_bridge_config(CONFIG)
    return Tracker(config, config.bus.silent_after_s, clock)


def states(tracker: Tracker) -> dict[str, tuple[PartStatus, bool | None]]:
    return {r.part: (r.status, r.online) for r in tracker.reports()}


def test_before_the_line_everything_is_line_down(tracker: Tracker) -> None:
    assert set(states(tracker).values()) == {(PartStatus.LINE_DOWN, None)}


def test_silence_counts_only_while_the_window_is_open(tracker: Tracker, clock: Clock) -> None:
    tracker.line(up=True)
    assert states(tracker)["board-33"] == (PartStatus.LINE_OK, True)
    assert states(tracker)["keypad-1"] == (PartStatus.UNHEARD, None)
    clock.now += 600  # window 1 closed all along: nothing is expected of its devices
    assert states(tracker)["evaluator-17"] == (PartStatus.UNHEARD, None)
    tracker.windows([1])
    tracker.heard(EVALUATOR, 0x11)
    clock.now += 59
    assert states(tracker)["evaluator-17"] == (PartStatus.HEARD, True)
    assert states(tracker)["keypad-1"] == (PartStatus.UNHEARD, None)
    clock.now += 1
    assert states(tracker)["evaluator-17"] == (PartStatus.SILENT, False)
    assert states(tracker)["keypad-1"] == (PartStatus.SILENT, False)
    silent = next(r for r in tracker.reports() if r.part == "evaluator-17")
    assert silent.fields() == {
        "part": "evaluator-17",
        "kind": "evaluator",
        "status": "silent",
        "online": False,
        "window": 1,
        "quiet_s": 60,
    }
    tracker.heard(KEYPAD, 1)  # a key: heard again at once
    assert states(tracker)["keypad-1"] == (PartStatus.HEARD, True)
    tracker.windows([])  # closed: the silence says nothing any more
    assert states(tracker)["evaluator-17"] == (PartStatus.UNHEARD, None)


def test_a_hall_evaluator_is_watched_while_the_line_is_up(tracker: Tracker, clock: Clock) -> None:
    tracker.line(up=True)
    clock.now += 60
    assert states(tracker)["evaluator-64"] == (PartStatus.SILENT, False)
    tracker.line(up=False)
    assert states(tracker)["evaluator-64"] == (PartStatus.LINE_DOWN, None)


def test_each_change_is_said_once_and_everything_after_a_reconnect(
    tracker: Tracker, clock: Clock
) -> None:
    assert len(tracker.changes()) == 4
    assert tracker.changes() == []
    tracker.line(up=True)
    assert {r.part for r in tracker.changes()} == set(states(tracker))
    tracker.heard(EVALUATOR, 0x11)
    [heard] = tracker.changes()
    assert heard.part == "evaluator-17" and heard.status is PartStatus.HEARD
    clock.now += 30
    assert tracker.changes() == []  # heard a while ago: no change worth a message
    tracker.forget([heard])  # not delivered: said again
    assert [r.part for r in tracker.changes()] == ["evaluator-17"]
    assert len(tracker.everything()) == 4


def test_silent_after_is_bounded() -> None:
    with pytest.raises(BridgeConfigError) as refused:
        parse_bridge_config(CONFIG.replace("silent_after_s = 60", "silent_after_s = 0.1"))
    assert refused.value.field == "bus.silent_after_s"
