"""For the tests of filtered streams (zones' boards, windows' clerks): random days for the
property tests (the actions a day is made of, as engine commands), a snapshot without what
events do not carry, and helpers to follow a real server's stream."""

from __future__ import annotations

import itertools
from typing import Any

import msgspec
from hypothesis import strategies as st

from contract.records import Snapshot
from queue_server import core
from queue_server.client import HallClient

WINDOWS = st.sampled_from([1, 2, 3, 4])
NUMBERS = st.builds(lambda p, n: f"{p}{n:03d}", st.sampled_from("ABCX"), st.integers(1, 4))
ACTIONS = st.one_of(
    st.tuples(st.just("take"), st.sampled_from(["SB", "YB", "HJ", "BIRTH"])),
    st.tuples(st.just("open"), WINDOWS, st.sampled_from(["s1", "s2", "s3", "s4"])),
    st.tuples(st.sampled_from(["next", "recall", "park", "finish", "no_show"]), WINDOWS),
    st.tuples(st.just("next"), WINDOWS),
    st.tuples(st.sampled_from(["finish", "finish", "park", "recall"]), WINDOWS),
    st.tuples(st.sampled_from(["next", "finish", "pause", "resume", "close"]), WINDOWS),
    st.tuples(st.sampled_from(["number", "parked"]), WINDOWS, NUMBERS),
    st.tuples(st.just("to_window"), WINDOWS, WINDOWS),
    st.tuples(st.just("to_service"), WINDOWS, st.sampled_from(["SB", "YB", "HJ"])),
    st.tuples(st.just("wait"), st.sampled_from([5.0, 600.0, 86400.0])),
)


def command(action: tuple[Any, ...], n: int) -> object:
    kind, *args = action
    if kind == "take":
        if args[0] == "BIRTH":
            return core.TakeBundle("BIRTH", f"r{n}", token=f"tok{n:019d}")
        return core.TakeTicket(args[0], f"r{n}", token=f"tok{n:020d}")
    simple = {
        "next": core.CallNext,
        "recall": core.Recall,
        "park": core.Park,
        "finish": core.Finish,
        "no_show": core.NoShow,
        "pause": core.PauseWindow,
        "resume": core.ResumeWindow,
        "close": core.CloseWindow,
    }
    if kind in simple:
        return simple[kind](args[0])
    if kind == "open":
        return core.OpenWindow(args[0], args[1])
    if kind == "number":
        return core.CallNumber(args[0], args[1])
    if kind == "parked":
        return core.CallParked(args[0], args[1])
    if kind == "to_window":
        return core.Transfer(args[0], to_window=args[1])
    return core.Transfer(args[0], to_service=args[1])


def comparable(snapshot: Snapshot) -> Snapshot:
    """Without what events do not carry (waits, phone links)."""
    strip = msgspec.structs.replace
    return strip(
        snapshot,
        seq=None,
        windows=tuple(
            strip(w, current=strip(w.current, status_url=None) if w.current else None)
            for w in snapshot.windows
        ),
        services=tuple(strip(s, estimated_wait_s=0) for s in snapshot.services),
    )


async def until(client: HallClient, kind: str, window: int) -> list[dict[str, Any]]:
    """The events ``client`` receives up to the first ``kind`` at ``window``, that one too."""
    events: list[dict[str, Any]] = []
    while not events or (events[-1]["kind"], events[-1].get("window")) != (kind, window):
        events.append(await client.next_event())
    return events


def chained(events: list[dict[str, Any]]) -> bool:
    """Each event's ``prev`` is the ``seq`` of the one before it on the stream."""
    return all(b["prev"] == a["seq"] for a, b in itertools.pairwise(events))
