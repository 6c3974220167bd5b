"""The bridge recovers on its own: the server restarting, the serial adapter vanishing and
coming back, noise on the line; and the boards are redrawn from the server's snapshot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import websockets.asyncio.server
from bridgekit import bridged, until
from hallkit import running
from websockets.asyncio.server import ServerConnection

from drivers.bridge import LineState
from drivers.bridge.bridge import MAX_PENDING_PRESSES
from drivers.bus.evaluator import FOUR_KEY
from drivers.bus.fake import FakeBus, FakeEvaluator, FakeKeypad, FakeWindowDisplay
from drivers.bus.frame import Frame
from drivers.bus.keypad import KeypadAction

BLANK = "      "


T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def welcome(re: int, seq: int, snapshot: object) -> dict[str, object]:
    """A fake server's welcome to the bridge."""
    fields = {"protocol": 1, "seq": seq, "device": "bridge-1", "role": "bridge"}
    return {"type": "welcome", "re": re, **fields, "snapshot": snapshot}


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def test_boards_are_drawn_from_the_snapshot_when_the_bridge_starts(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    keypad = bus.attach(FakeKeypad(1))
    board_1 = bus.attach(FakeWindowDisplay(0x21))
    board_2 = bus.attach(FakeWindowDisplay(0x22))

    async def body() -> None:
        async with running(tmp_path) as hall:
            one = await hall.clerk(1, "s1")
            two = await hall.clerk(2, "s2")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            await one.request("call_next", window=1)
            await two.request("pause", window=2)
            async with bridged(hall, link):
                await until(bus, lambda: keypad.display == "  1001" and board_1.number == "  1001")
                await until(bus, lambda: board_2.number == BLANK)  # paused

    run(body())


def test_the_bridge_survives_a_server_restart(tmp_path: Path, bus: FakeBus, link: Path) -> None:
    keypad = bus.attach(FakeKeypad(1))
    board = bus.attach(FakeWindowDisplay(0x21))

    async def body() -> None:
        async with running(tmp_path) as first:
            port = port_of(first.url)
            await first.clerk(1, "s1")
            kiosk = await first.client("kiosk-1")
            for n in range(2):
                await kiosk.request("take_ticket", service="SB", request_id=f"k-{n}")
            async with bridged(first, link) as bridge:
                watcher = await first.client("board-1")
                keypad.press(KeypadAction.CALL_NEXT)
                await watcher.next_event("ticket_called")
                await until(bus, lambda: board.number == "  1001")

                await first.server.stop()  # the server goes away
                await bridge.wait_for(lambda: not bridge.online)
                keypad.press(KeypadAction.CALL_NEXT)  # nobody to ask: beeps
                await until(bus, lambda: keypad.beeps == 1)

                async with running(tmp_path, port=port) as second:  # same port, same db
                    await bridge.wait_for(lambda: bridge.online and bridge.syncs >= 2)
                    watcher = await second.client("board-1")
                    keypad.press(KeypadAction.CALL_NEXT)
                    called = await watcher.next_event("ticket_called")
                    assert (called["window"], called["number"]) == (1, "A002")
                    await until(
                        bus, lambda: board.number == "  1002" and keypad.display == "  1002"
                    )
                    clerk = await second.clerk(1, "s1")
                    await clerk.request("finish", window=1)
                    await until(bus, lambda: board.number == BLANK)

    run(body())


def test_the_bridge_survives_the_serial_adapter_vanishing(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    bus.attach(FakeKeypad(1))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link):
            watcher = await hall.client("board-1")
            await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            for n in range(2):
                await kiosk.request("take_ticket", service="SB", request_id=f"k-{n}")

            bus.stop()  # unplugged: the pty is gone and so is its /dev/serial/by-id link
            link.unlink()
            status = await watcher.next_event("device_status")
            assert (status["device"], status["status"]) == ("bridge-1", "device_missing")
            assert status["detail"]
            snap = await watcher.request("snapshot")
            assert [(d["device"], d["status"]) for d in snap["devices"] if d["status"]] == [
                ("bridge-1", "device_missing")
            ]
            # The clerk's app still works; the bridge catches up when the bus is back.
            clerk = await hall.clerk(1, "s1")
            await clerk.request("call_next", window=1)

            with FakeBus() as again:  # plugged in again: a new tty behind the same link
                keypad = again.attach(FakeKeypad(1))
                evaluator = again.attach(FakeEvaluator(0x11, FOUR_KEY))
                board = again.attach(FakeWindowDisplay(0x21))
                link.symlink_to(again.port_path)
                status = await watcher.next_event("device_status")
                assert (status["status"], status["detail"]) == ("ok", "")
                await until(again, lambda: keypad.display == "  1001" and board.number == "  1001")
                keypad.press(KeypadAction.CALL_NEXT)  # ends A001, calls A002
                assert (await watcher.next_event("ticket_called"))["number"] == "A002"
                await until(again, lambda: board.number == "  1002")
                keypad.press(KeypadAction.INVITE_RATING)
                await until(again, lambda: evaluator.start_requests == 1)

    run(body())


def test_a_missing_port_at_start_is_reported_and_picked_up_when_it_appears(tmp_path: Path) -> None:
    link = tmp_path / "usb-bus-if00-port0"

    async def body() -> None:
        async with running(tmp_path) as hall:
            watcher = await hall.client("board-1")
            async with bridged(hall, link, wait_line=False) as bridge:
                await bridge.wait_for(lambda: bridge.line.state is LineState.MISSING)
                status = await watcher.next_event("device_status")
                assert status["status"] == "device_missing" and str(link) in status["detail"]
                with FakeBus() as bus:
                    keypad = bus.attach(FakeKeypad(1))
                    link.symlink_to(bus.port_path)
                    assert (await watcher.next_event("device_status"))["status"] == "ok"
                    await until(bus, lambda: keypad.display == BLANK)  # window 1 closed
                    keypad.press(KeypadAction.CALL_NEXT)
                    await until(bus, lambda: keypad.beeps == 1)  # window_closed

    run(body())


def test_an_event_lost_on_the_way_is_made_good_from_a_snapshot(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    """A gap in the events (here the model is made to miss a call): the bridge fetches a
    snapshot and the window's display shows the number after all."""
    keypad = bus.attach(FakeKeypad(1))
    board = bus.attach(FakeWindowDisplay(0x21))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link) as bridge:
            clerk = await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            apply = bridge.hall.apply_event
            lost: list[int] = []

            def lossy(message: dict[str, Any]) -> bool:
                if message["kind"] == "ticket_called" and not lost:
                    lost.append(message["seq"])
                    return False
                return apply(message)

            bridge.hall.apply_event = lossy  # type: ignore[method-assign]  # loses one event
            await clerk.request("call_next", window=1)
            await kiosk.request("take_ticket", service="SB", request_id="k-2")  # the gap shows
            await until(bus, lambda: keypad.display == board.number == "  1001")
            assert lost and not bridge.hall.needs_resync
            assert bridge.hall.seq > lost[0] and bridge.hall.services["SB"].waiting == 1

    run(body())


def test_noise_half_frames_and_strangers_on_the_bus_do_no_harm(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    keypad = bus.attach(FakeKeypad(1))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link):
            watcher = await hall.client("board-1")
            await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            bus.inject(b"\x00\xff\x68\x03\x03\x68\x01\x01\x0c\x0e")  # half a frame, cut off
            bus.inject(b"\x13\x37garbage")
            bus.inject(Frame(0x55, 0x01, b"\x0c").encode())  # a keypad nobody configured
            bus.inject(Frame(0x56, 0x11, b"\x02").encode())  # an evaluator nobody configured
            bus.inject(Frame(0x11, 0x11, b"\x09").encode())  # a key the model does not know
            bus.inject(Frame(1, 0x01, b"\x07\x07").encode())  # no such key: beep
            await until(bus, lambda: keypad.beeps == 1)
            keypad.press(KeypadAction.CALL_NEXT)
            assert (await watcher.next_event("ticket_called"))["number"] == "A001"
            await until(bus, lambda: keypad.display == "  1001")
            strangers = [f for f in bus.host_frames if f.addr in (0x55, 0x56)]
            assert [f.func for f in strangers] == [0x01, 0x01]  # acknowledged all the same
            snap = await watcher.request("snapshot")
            assert snap["windows"][0]["last_rating"] is None

    run(body())


def test_bad_messages_from_the_server_never_stop_the_bridge(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    """A server (here a fake one) that sends nonsense: the bridge logs, reconnects, goes on."""
    keypad = bus.attach(FakeKeypad(1))
    board = bus.attach(FakeWindowDisplay(0x21))
    hellos: list[dict[str, Any]] = []
    a007 = {"id": "2026-11-22-A007", "number": "A007", "service": "SB", "state": "called"}
    window_1 = {"number": 1, "state": "open", "current": a007, "parked": []}
    unusable = [
        {"windows": "not a list"},
        {"windows": [window_1, {"number": 2, "state": "sideways"}, "junk"]},
    ]

    async def serve(ws: ServerConnection) -> None:
        hello = json.loads(await ws.recv())
        hellos.append(hello)
        # Two welcomes it cannot use (refused whole: their windows unknown), then a good one.
        snapshot = unusable[len(hellos) - 1] if len(hellos) <= 2 else {"windows": [window_1]}
        await ws.send(json.dumps(welcome(hello["id"], 10, snapshot)))
        await ws.send(
            json.dumps(
                {"type": "event", "seq": 11, "kind": "ticket_called", "window": [1], "number": 5}
            )
        )
        await ws.send(
            json.dumps({"type": "event", "seq": 12, "kind": "window_paused", "window": None})
        )
        await ws.send("{not json")  # skipped by the client
        if len(hellos) < 3:
            await ws.close()  # and the first two connections drop
            return
        async for raw in ws:  # answer the keypad's requests with errors of unknown shape
            request = json.loads(raw)
            await ws.send(json.dumps({"type": "error", "re": request["id"], "code": 42}))

    async def body() -> None:
        async with websockets.asyncio.server.serve(serve, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            hall = SimpleNamespace(url=f"ws://127.0.0.1:{port}/ws", token=lambda _: "t" * 16)
            async with bridged(hall, link, wait_line=False) as bridge:  # type: ignore[arg-type]
                await bridge.wait_for(
                    lambda: len(hellos) == 3 and bridge.online and bridge.line.state == "ok"
                )
                assert bridge.syncs == 3  # the unusable welcomes count: their windows unknown
                await until(bus, lambda: board.number == "  1007")  # the good snapshot
                keypad.press(KeypadAction.CALL_NEXT)
                await until(bus, lambda: keypad.beeps == 1)
                current = bridge.hall.windows[1].current
                assert current is not None and current.number == "A007"
                assert 2 not in bridge.hall.windows  # unknown: its boards are left alone
                assert bridge.hall.needs_resync  # the events that did not read

    asyncio.run(body())


def test_a_serial_server_dropping_the_connection_is_a_missing_device_until_it_answers(
    tmp_path: Path,
) -> None:
    """socket://: an RS-485 to Ethernet converter (串口服务器) that drops the TCP connection."""
    press = Frame(1, 0x01, b"\x0c").encode()  # keypad 1: 呼叫
    connections: list[asyncio.StreamWriter] = []
    acked = asyncio.Event()

    async def converter(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        if len(connections) == 1:  # the first connection: one press, its ack, then dropped
            # pyserial's socket:// open() discards what arrives while it opens: press a key
            # once the bridge draws the boards, i.e. once the port is open.
            heard = await reader.read(256)
            writer.write(press)
            while press not in heard:  # the ack is the frame echoed
                chunk = await reader.read(256)
                assert chunk, f"the bridge hung up before acknowledging; it sent {heard.hex()}"
                heard += chunk
            acked.set()
            writer.close()
        await reader.read()  # later ones: stay until the bridge closes
        writer.close()

    async def body() -> None:
        server = await asyncio.start_server(converter, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server, running(tmp_path) as hall:
            watcher = await hall.client("board-1")
            await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            async with bridged(hall, f"socket://127.0.0.1:{port}", wait_line=False) as bridge:
                statuses: list[tuple[str, str]] = []
                called: list[str] = []
                while len(statuses) < 3 or not called:  # in any order between the two kinds
                    event = await watcher.next_event()
                    if event["kind"] == "device_status":
                        statuses.append((event["status"], event["detail"]))
                    elif event["kind"] == "ticket_called":
                        called.append(event["number"])
                assert acked.is_set() and called == ["A001"]
                assert [status for status, _ in statuses] == ["ok", "device_missing", "ok"]
                assert f"socket://127.0.0.1:{port}" in statuses[1][1]
                assert len(connections) == 2 and bridge.line.state is LineState.OK

    asyncio.run(body())


def test_a_stuck_key_against_a_silent_server_is_bounded(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    """A server that never answers: a window holds at most MAX_PENDING_PRESSES presses."""
    keypad = bus.attach(FakeKeypad(1))
    requests: list[str] = []
    called = asyncio.Event()

    async def serve(ws: ServerConnection) -> None:
        hello = json.loads(await ws.recv())
        await ws.send(json.dumps(welcome(hello["id"], 0, {"windows": []})))
        async for raw in ws:  # never answers
            requests.append(json.loads(raw)["type"])
            if requests[-1] == "call_next":
                called.set()

    async def body() -> None:
        async with websockets.asyncio.server.serve(serve, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            hall = SimpleNamespace(url=f"ws://127.0.0.1:{port}/ws", token=lambda _: "t" * 16)
            async with bridged(hall, link, wait_line=False) as bridge:  # type: ignore[arg-type]
                await bridge.wait_for(lambda: bridge.line.state == "ok")
                for _ in range(10):
                    keypad.press(KeypadAction.CALL_NEXT)
                await until(bus, lambda: len(keypad.acks) == 10)  # every frame acknowledged
                await until(bus, lambda: keypad.beeps == 10 - MAX_PENDING_PRESSES)
                await asyncio.wait_for(called.wait(), 5)
                assert requests.count("call_next") == 1  # the others wait for their turn

    asyncio.run(body())
