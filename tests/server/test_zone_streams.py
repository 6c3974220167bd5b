"""Boards kept to a zone, on a real server: a display device with ``zone`` is sent only what
concerns its zone's windows (one stream per zone, ``board:<zone>``), its welcome lists only
them, its live model stays equal to a fresh welcome, and a reconnect replays its zone's
missed events chained by ``prev``. A board without a zone still gets the whole hall."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from hallkit import FRONT, Running, must, running, zoned_hall
from streamkit import chained, comparable, until

from contract.hall import HallModel
from contract.records import Snapshot
from queue_server.client import HallClient
from queue_server.fanout import device_interest


def run(coro: Any) -> None:
    asyncio.run(coro)


def windows_named(events: list[dict[str, Any]]) -> set[int]:
    return {e["window"] for e in events if e.get("window") is not None}


def shown(hall: Running, device: str, snapshot: Snapshot) -> Snapshot:
    """What the device's model keeps live, without what events do not carry (waits, links)."""
    device_record = next(d for d in hall.hall.devices if d.id == device)
    return comparable(device_interest(hall.hall, device_record).shown(snapshot))


async def open_and_take(hall: Running) -> tuple[HallClient, HallClient, HallClient]:
    """Clerks at windows 1 and 3, and tickets waiting: four SB, two HJ."""
    c1, c3 = await hall.clerk(1, "s1"), await hall.clerk(3, "s3")
    kiosk = await hall.client("kiosk-1")
    for i, service in enumerate(("SB", "SB", "HJ", "SB", "HJ", "SB")):
        await kiosk.request("take_ticket", service=service, request_id=f"k-{i}")
    return c1, c3, kiosk


async def across_zones(c1: HallClient, c3: HallClient) -> None:
    """Calls, a transfer from the front (window 1) to the back (window 3), a park and a call
    back, a finish and pauses: the last event is at window 1, in the front."""
    await c1.request("call_next", window=1)
    await c1.request("transfer", window=1, to_window=3)
    await c3.request("call_next", window=3)  # the transferred ticket, reserved for window 3
    await c3.request("park", window=3)
    await c1.request("call_next", window=1)
    await c1.request("recall", window=1)
    await c3.request("call_next", window=3)
    await c3.request("finish", window=3)
    parked = (await c3.request("snapshot"))["windows"][2]["parked"][0]
    await c3.request("call_parked", window=3, number=parked)
    await c3.request("pause", window=3, reason="meeting")
    await c1.request("pause", window=1, reason="meeting")


def test_a_zones_board_is_sent_its_windows_calls_and_not_the_other_zones(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, zoned_hall()) as hall:
            front, back = await hall.client("board-front"), await hall.client("board-back")
            c1, c3, _ = await open_and_take(hall)
            at_3 = (await c3.request("call_next", window=3))["ticket"]["number"]
            at_1 = (await c1.request("call_next", window=1))["ticket"]["number"]
            await c3.request("pause", window=3, reason="meeting")
            await c1.request("pause", window=1, reason="meeting")
            # Each waits for its own zone's last event: anything of the other zone came first.
            got = await until(front, "window_paused", 1)
            assert windows_named(got) == {1}
            assert [e["number"] for e in got if e["kind"] == "ticket_called"] == [at_1]
            assert {"window_opened", "device_presence"} <= {e["kind"] for e in got}  # and hall-wide
            assert chained(got)
            got = await until(back, "window_paused", 3)
            assert windows_named(got) == {3}
            assert [e["number"] for e in got if e["kind"] == "ticket_called"] == [at_3]
            assert chained(got)

    run(body())


def test_boards_of_a_zone_share_its_stream_and_a_board_without_one_sees_the_hall(
    tmp_path: Path,
) -> None:
    async def body() -> None:
        async with running(tmp_path, zoned_hall()) as hall:
            front = await hall.client("board-front")
            front_2 = await hall.client("board-front-2")
            whole = await hall.client("board-1")
            await hall.client("board-back")
            streams = {s.device.id: s.stream for s in hall.server.sessions if s.device}
            assert streams["board-front"] == streams["board-front-2"] == "board:front"
            assert (streams["board-back"], streams["board-1"]) == ("board:back", "board")
            assert {"board", "board:front", "board:back"} <= set(hall.server.service.streams)
            c1, c3, _ = await open_and_take(hall)
            await across_zones(c1, c3)
            one, two = (
                await until(front, "window_paused", 1),
                await until(front_2, "window_paused", 1),
            )
            # The same messages, seq and prev alike (encoded once for the zone), from the
            # second board's welcome on (the first also got that board's arrival).
            joined = must(front_2.welcome)["seq"]
            assert [e for e in one if e["seq"] > joined] == two
            assert windows_named(one) == {1} and chained(one)
            everything = await until(whole, "window_paused", 1)
            assert windows_named(everything) == {1, 3} and chained(everything)
            since = must(whole.welcome)["seq"]
            assert {e["seq"] for e in one if e["seq"] > since} < {e["seq"] for e in everything}

    run(body())


def test_a_zones_board_model_equals_a_fresh_welcome_after_calls_across_zones(
    tmp_path: Path,
) -> None:
    async def body() -> None:
        async with running(tmp_path, zoned_hall()) as hall:
            front = await hall.client("board-front")
            model = HallModel.from_welcome(must(front.welcome))
            welcome = must(front.welcome)["snapshot"]
            assert [w["number"] for w in welcome["windows"]] == list(FRONT)
            c1, c3, _ = await open_and_take(hall)
            await across_zones(c1, c3)
            fresh = HallModel.from_welcome(must((await hall.client("board-front-2")).welcome))
            snapshot = await front.request("snapshot")
            # Its windows, their calls only (the transferred ticket's call at 1 stays listed),
            # and each service's open windows among them.
            assert [w["number"] for w in snapshot["windows"]] == list(FRONT)
            calls = [(c["window"], c["recall"]) for c in snapshot["recent_calls"]]
            assert calls == [(1, True), (1, False)]
            open_windows = {s["code"]: s["open_windows"] for s in snapshot["services"]}
            assert open_windows == {"SB": 0, "YB": 0, "HJ": 0}  # window 1 is paused
            # Up to its last event and the counts that follow a moment later.
            now = fresh.snapshot()
            while shown(hall, "board-front", model.snapshot()) != shown(hall, "board-front", now):
                message = await front.next_event()
                assert model.apply_event(message), message
                assert message.get("window") in (None, *FRONT), message
            assert not model.needs_resync and model.windows[1].pause_reason == "meeting"
            assert set(model.windows) == set(FRONT)

    run(body())


def test_a_zones_board_coming_back_is_replayed_its_zones_missed_events(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, zoned_hall()) as hall:
            c1, c3, _ = await open_and_take(hall)
            front = await hall.client("board-front")
            model = HallModel.from_welcome(must(front.welcome))
            await front.close()
            await across_zones(c1, c3)
            back = await hall.client("board-front", last_seq=model.seq)
            welcome = must(back.welcome)
            assert welcome["replay"] is True
            # The last event is the board's own arrival (no window): the replay ends there.
            replayed: list[dict[str, Any]] = []
            while not replayed or replayed[-1]["seq"] != welcome["seq"]:
                replayed.append(await back.next_event())
            assert replayed[0]["prev"] == model.seq and chained(replayed)
            assert windows_named(replayed) == {1}
            assert {"ticket_called", "ticket_transferred", "window_paused"} <= {
                e["kind"] for e in replayed
            }
            logged = hall.logged(model.seq)
            assert windows_named(logged) == {1, 3} and len(replayed) < len(logged)
            for event in replayed:  # as if the board had not been away
                assert model.apply_event(event), event
            assert model.seq == welcome["seq"] and not model.needs_resync
            fresh = HallModel.from_welcome(welcome)
            now, then = model.snapshot(), fresh.snapshot()
            assert (
                shown(hall, "board-front", now).windows == shown(hall, "board-front", then).windows
            )
            assert now.recent_calls == then.recent_calls

    run(body())
