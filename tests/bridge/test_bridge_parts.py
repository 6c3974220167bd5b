"""The bus devices' health, from the fake bus on a pty through the bridge and a real server to
the manager's live model: an evaluator heard, then silent at an open window (offline, and an
alert), boards known by their line, all unknown once the bridge is gone; hostile reports
refused with nothing written."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bridgekit import DEVICES, bridged
from hallkit import running

from contract.hall import HallModel
from drivers.bus.evaluator import FOUR_KEY
from drivers.bus.fake import FakeBus, FakeEvaluator
from queue_server.client import HallClient, ServerError

QUICK = "silent_after_s = 1.0\n" + DEVICES  # goes in [bus]: silent after a second


async def follow(client: HallClient) -> HallModel:
    """The manager's live model: its welcome, then every event it gets (in the background)."""
    model = HallModel()
    model.apply_welcome(client.welcome or {})
    return model


async def until_model(
    client: HallClient, model: HallModel, predicate: Callable[[], bool], timeout: float = 10
) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            model.apply_event(await client.events.get())


def online(model: HallModel, device: str) -> bool | None:
    record = model.devices.get(device)
    return None if record is None else record.online


def test_a_silent_evaluator_goes_offline_on_the_managers_model_with_an_alert(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    evaluator = bus.attach(FakeEvaluator(0x11, FOUR_KEY))

    async def body() -> None:
        async with running(tmp_path) as hall:
            await hall.clerk(1, "s1")  # window 1 open: its devices' silence counts
            manager = await hall.manager()
            model = await follow(manager)
            async with bridged(hall, link, QUICK):
                evaluator.press_level(5)  # no one served: refused, but heard
                await until_model(
                    manager, model, lambda: online(model, "bridge-1/evaluator-17") is True
                )
                record = model.devices["bridge-1/evaluator-17"]
                assert (record.role, record.window, record.parent) == ("evaluator", 1, "bridge-1")
                assert record.status == "heard" and record.seen_at is not None
                assert online(model, "bridge-1/board-33") is True  # its line is up
                assert model.devices["bridge-1/board-33"].status == "line_ok"
                # Not pressed again: after a second at an open window it is silent.
                await until_model(
                    manager, model, lambda: online(model, "bridge-1/evaluator-17") is False
                )
                assert model.devices["bridge-1/evaluator-17"].status == "silent"
                await until_model(
                    manager, model, lambda: "silent:bridge-1/evaluator-17" in model.alerts
                )
                alert = model.alerts["silent:bridge-1/evaluator-17"]
                assert alert.text_zh == "1号窗口评价器无响应（bridge-1/evaluator-17）"
                # Window 2 is closed: its keypad has said nothing, which tells nothing.
                assert online(model, "bridge-1/keypad-2") is None
                assert model.devices["bridge-1/keypad-2"].status == "unheard"
                assert "silent:bridge-1/keypad-2" not in model.alerts
            # The bridge is gone: what it said of its devices is stale, not online.
            await until_model(manager, model, lambda: online(model, "bridge-1") is False)
            for key, record in model.devices.items():
                if record.parent == "bridge-1":
                    assert record.online is None, key

    asyncio.run(body())


GOOD: dict[str, Any] = {"part": "evaluator-17", "kind": "evaluator", "status": "heard"}


@pytest.mark.parametrize(
    ("device", "parts", "code"),
    [
        ("bridge-1", [{**GOOD, "part": f"board-{n}", "kind": "board"} for n in range(65)], None),
        ("bridge-1", [{**GOOD, "part": "kiosk-1"}], "bad_field"),
        ("bridge-1", [{**GOOD, "part": "evaluator-17/x"}], "bad_field"),
        ("bridge-1", [{**GOOD, "detail": "评" * 1000}], "bad_field"),
        ("bridge-1", [GOOD, {**GOOD, "part": "evaluator-18", "window": 99}], "unknown_window"),
        (
            "bridge-1",
            [GOOD, {"part": "announcer", "kind": "announcer", "status": "speaking"}],
            "bad_part",
        ),
        ("board-1", [GOOD], "bad_part"),
        ("kiosk-1", [GOOD], "forbidden"),
    ],
)
def test_hostile_reports_are_refused_and_nothing_is_written(
    tmp_path: Path, device: str, parts: list[dict[str, Any]], code: str | None
) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            client = await hall.client(device)
            before = len(hall.logged())
            with pytest.raises(ServerError) as refused:
                await client.request("device_parts", parts=parts)
            if code is not None:
                assert refused.value.code == code
            assert len(hall.logged()) == before
            snapshot = await client.request("snapshot")
            assert not [d for d in snapshot["devices"] if "/" in d["device"]]
            await client.request("ping")  # the connection still works

    asyncio.run(body())
