"""Clerk windows' streams on a real server: a clerk device bound to a window is sent what
concerns its window and its services (one stream per window, ``staff:w<W>``), not the tickets
of services it does not serve; a ticket transferred to it reaches it, a ticket of its service
called elsewhere leaves its list; two clerk devices of one window share the stream; the bridge
still sees everything; a reconnect replays the window's missed events chained by ``prev``."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
from hallkit import Running, make_hall, must, running
from streamkit import chained, comparable, until

from contract.hall import HallModel
from contract.records import Snapshot
from queue_server.client import HallClient
from queue_server.core.model import Device, Role
from queue_server.fanout import device_interest, window_streams

# Window 1 serves SB and YB; window 4 serves HJ alone; window 3 all three.
HALL = make_hall()
HALL = replace(
    HALL, devices=(*HALL.devices, Device("clerk-1b", Role.CLERK, "clerk-token-1b-abcdef", window=1))
)


def run(coro: Any) -> None:
    asyncio.run(coro)


def issued(events: list[dict[str, Any]]) -> set[str]:
    return {e["service"] for e in events if e["kind"] == "ticket_issued"}


def shown(hall: Running, device: str, snapshot: Snapshot) -> Snapshot:
    device_record = next(d for d in hall.hall.devices if d.id == device)
    part = comparable(device_interest(hall.hall, device_record).shown(snapshot))
    return msgspec.structs.replace(part, devices=())  # a second connection's arrival after


async def take(kiosk: HallClient, services: str, tag: str) -> list[str]:
    numbers = []
    for i, service in enumerate(services.split()):
        reply = await kiosk.request("take_ticket", service=service, request_id=f"{tag}-{i}")
        numbers.append(reply["ticket"]["number"])
    return numbers


def test_a_window_is_not_sent_tickets_of_services_it_does_not_serve(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, HALL) as hall:
            c1, c4 = await hall.clerk(1, "s1"), await hall.clerk(4, "s3")
            bridge = await hall.client("bridge-1")
            kiosk = await hall.client("kiosk-1")
            await take(kiosk, "HJ HJ SB HJ", "k")
            await c4.request("call_next", window=4)  # an HJ ticket
            await c4.request("pause", window=4, reason="meeting")  # every window's state
            got = await until(c1, "window_paused", 4)
            assert issued(got) == {"SB"} and chained(got)
            assert not [e for e in got if e["kind"] == "ticket_called"]
            everything = await until(bridge, "window_paused", 4)
            assert issued(everything) == {"SB", "HJ"} and chained(everything)
            at_4 = await until(c4, "window_paused", 4)
            assert issued(at_4) == {"HJ"}
            streams = {s.device.id: s.stream for s in hall.server.sessions if s.device}
            assert (streams["clerk-1"], streams["clerk-4"]) == ("staff:w1", "staff:w4")
            assert streams["bridge-1"] == "staff"
            # Its welcome lists only what it may call (SB, YB) or what is reserved for it.
            waiting = (await c1.request("snapshot"))["waiting"]
            assert {t["service"] for t in waiting} == {"SB"}

    run(body())


def test_a_ticket_transferred_to_a_window_reaches_it_and_one_called_elsewhere_leaves_it(
    tmp_path: Path,
) -> None:
    async def body() -> None:
        async with running(tmp_path, HALL) as hall:
            c1, c3, c4 = (
                await hall.clerk(1, "s1"),
                await hall.clerk(3, "s3"),
                await hall.clerk(4, "s2"),
            )
            model = HallModel.from_welcome(must(c1.welcome))
            kiosk = await hall.client("kiosk-1")
            sb, hj, _ = await take(kiosk, "SB HJ SB", "k")
            # An HJ ticket (not window 1's service) transferred to window 1 by window 4.
            assert (await c4.request("call_next", window=4))["ticket"]["number"] == hj
            await c4.request("transfer", window=4, to_window=1)
            # An SB ticket called at window 3: it leaves window 1's list.
            assert (await c3.request("call_next", window=3))["ticket"]["number"] == sb
            await c3.request("pause", window=3, reason="meeting")
            for event in await until(c1, "window_paused", 3):
                if not model.needs_resync:
                    model.apply_event(event)
            if model.needs_resync:  # the HJ ticket was never sent whole: ask, as the app does
                assert model.apply_snapshot(await c1.request("snapshot"))
            numbers = [t.number for t in model.waiting()]
            assert hj in numbers and sb not in numbers
            fresh = HallModel.from_welcome(must((await hall.client("clerk-1b")).welcome))
            assert shown(hall, "clerk-1", model.snapshot()) == shown(
                hall, "clerk-1", fresh.snapshot()
            )
            # Window 1 calls it; then window 4 is closed and it does not matter to window 1.
            assert (await c1.request("call_number", window=1, number=hj))["ticket"]["number"] == hj

    run(body())


def test_two_clerk_devices_of_a_window_share_its_stream(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, HALL) as hall:
            one = await hall.client("clerk-1")
            two = await hall.client("clerk-1b")
            c3 = await hall.clerk(3, "s3")
            streams = {s.device.id: s.stream for s in hall.server.sessions if s.device}
            assert streams["clerk-1"] == streams["clerk-1b"] == "staff:w1"
            kiosk = await hall.client("kiosk-1")
            await take(kiosk, "SB HJ YB", "k")
            await c3.request("call_next", window=3)
            await c3.request("pause", window=3, reason="meeting")
            a, b = await until(one, "window_paused", 3), await until(two, "window_paused", 3)
            joined = must(two.welcome)["seq"]
            assert [e for e in a if e["seq"] > joined] == b
            assert issued(b) == {"SB", "YB"}

    run(body())


def test_a_window_coming_back_is_replayed_its_missed_events(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, HALL) as hall:
            c3 = await hall.clerk(3, "s3")
            c1 = await hall.client("clerk-1")
            model = HallModel.from_welcome(must(c1.welcome))
            await c1.close()
            kiosk = await hall.client("kiosk-1")
            await take(kiosk, "HJ SB HJ YB", "k")
            await c3.request("call_next", window=3)
            await c3.request("pause", window=3, reason="meeting")
            back = await hall.client("clerk-1", last_seq=model.seq)
            welcome = must(back.welcome)
            assert welcome["replay"] is True
            replayed: list[dict[str, Any]] = []
            while not replayed or replayed[-1]["seq"] != welcome["seq"]:
                replayed.append(await back.next_event())
            assert replayed[0]["prev"] == model.seq and chained(replayed)
            assert issued(replayed) == {"SB", "YB"}
            logged = hall.logged(model.seq)
            assert len(replayed) < len(logged)
            for event in replayed:
                assert model.apply_event(event), event
            assert not model.needs_resync
            fresh = HallModel.from_welcome(welcome)
            assert shown(hall, "clerk-1", model.snapshot()) == shown(
                hall, "clerk-1", fresh.snapshot()
            )

    run(body())


def test_a_pong_names_the_seq_the_windows_stream_reaches(tmp_path: Path) -> None:
    """A clerk app settles on a ping's ``seq`` (``when_seen``): it must not name an event the
    window is never sent (a ticket of another service), or the app would wait for it."""

    async def body() -> None:
        async with running(tmp_path, HALL) as hall:
            c1 = await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await take(kiosk, "SB", "a")
            got = await until_kind(c1, "ticket_issued")
            await take(kiosk, "HJ HJ", "b")  # not sent to window 1: the log's last events
            pong = await c1.request("ping")
            assert pong["seq"] == got["seq"] < hall.server.service.seq

    run(body())


async def until_kind(client: HallClient, kind: str) -> dict[str, Any]:
    while (event := await client.next_event())["kind"] != kind:
        pass
    return event


def test_a_window_stream_nobody_follows_forgets_the_tickets_of_past_days() -> None:
    """A window closed overnight is not there to see its tickets expire at the new day: it
    stops following them then, so the tickets it follows do not pile up from day to day."""
    stream = window_streams(HALL, 0, {})["staff:w1"]
    stream.seed(["2026-11-22-A001", "2026-11-22-Y002"])
    stream.idle("2026-11-22")
    assert stream.tickets == {"2026-11-22-A001", "2026-11-22-Y002"}
    stream.seed(["2026-11-23-A001"])  # the next morning's clerk: its welcome
    stream.idle("2026-11-23")
    assert stream.tickets == {"2026-11-23-A001"}
