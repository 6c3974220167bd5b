"""Hostile and broken input against a real server: each case once broke or could break the hall.

Every request gets an answer, one connection's fault is never another's, and nothing that
cannot be stored faithfully reaches the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from hallkit import PINS, Running, running
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from queue_server.client import ServerError
from queue_server.server import MAX_PENDING, MAX_REFUSED, HallServer
from queue_server.store.sqlite import SQLiteStore


def run(coro: Any) -> None:
    asyncio.run(coro)


async def raw(hall: Running, device: str | None = None) -> ClientConnection:
    ws = await connect(hall.url)
    if device is not None:
        await ws.send(
            json.dumps(
                {
                    "type": "hello",
                    "id": 0,
                    "role": hall.role(device),
                    "device": device,
                    "token": hall.token(device),
                }
            )
        )
        assert json.loads(await ws.recv())["type"] == "welcome"
    return ws


async def ask(ws: ClientConnection, text: str | bytes) -> dict[str, Any]:
    await ws.send(text)
    return await reply_of(ws)


async def reply_of(ws: ClientConnection) -> dict[str, Any]:
    """The next message that is not an event (other devices' comings and goings are)."""
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message.get("type") != "event":
            return message


def http_get(hall: Running, path: str) -> tuple[int, str]:
    base = hall.url.replace("ws://", "http://").removesuffix("/ws")
    try:
        with urllib.request.urlopen(base + path, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def stored_texts(hall: Running) -> list[str]:
    conn = sqlite3.connect(hall.db)
    try:
        rows = conn.execute("SELECT data FROM events UNION ALL SELECT data FROM tickets").fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


# -- one message must not stop the hall ---------------------------------------------------


def test_a_lone_surrogate_id_is_answered_and_the_writer_lives_on(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            ws = await raw(hall, "kiosk-1")
            reply = await ask(ws, '{"type":"ping","id":"\\ud800"}')
            assert (reply["code"], reply["re"]) == ("bad_message", None)
            taken = await ask(
                ws, '{"type":"take_ticket","id":"\\udfff","service":"SB","request_id":"r1"}'
            )
            assert taken["code"] == "bad_message"
            # The writer still serves this connection and every other one.
            assert (await ask(ws, '{"type":"ping","id":1}'))["type"] == "pong"
            other = await hall.client("kiosk-2")
            ticket = (await other.request("take_ticket", service="SB", request_id="x"))["ticket"]
            assert ticket["number"] == "A001"  # the surrogate request committed nothing
            assert (await asyncio.to_thread(http_get, hall, "/health"))[0] == 200
            await ws.close()

    run(body())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("request_id", "r\ud800"),
        ("citizen_hash", "\udc00abc"),
        ("appointment_code", "12\ud83d"),
        ("request_id", "a\x00b"),
        ("request_id", "长" * 70),  # 210 bytes: over the limit in bytes, not characters
    ],
)
def test_bad_text_in_a_stored_field_is_that_request_s_error_only(
    tmp_path: Path, field: str, value: object
) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            bad = await raw(hall, "kiosk-1")
            good = await hall.client("kiosk-2")
            message = {
                "type": "take_ticket",
                "id": 7,
                "service": "SB",
                "request_id": "r1",
                field: value,
            }
            text = json.dumps(message)  # ASCII escapes: surrogates survive the wire as sent
            await bad.send(text)
            numbers = await asyncio.gather(
                *(good.request("take_ticket", service="SB", request_id=f"g{i}") for i in range(5))
            )
            reply = await reply_of(bad)
            assert (reply["code"], reply["re"]) == ("bad_field", 7)
            assert field in reply["message_en"]
            assert sorted(n["ticket"]["number"] for n in numbers) == [
                "A001",
                "A002",
                "A003",
                "A004",
                "A005",
            ]
            for text in stored_texts(hall):
                text.encode("utf-8")  # every stored row is valid UTF-8
            await bad.close()

    run(body())


def test_a_huge_score_is_refused_at_the_edge(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            bridge = await raw(hall, "bridge-1")
            reply = await ask(
                bridge, json.dumps({"type": "rate", "id": 1, "window": 1, "score": 10**30})
            )
            assert reply["code"] == "bad_field" and "score" in reply["message_en"]
            reply = await ask(bridge, '{"type":"call_next","id":2,"window":1e400}')
            assert reply["code"] == "bad_field"
            await bridge.close()
            board = await hall.client("board-1")
            assert (await board.request("ping"))["type"] == "pong"

    run(body())


def test_deep_nesting_is_bad_json_and_the_connection_stays(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            ws = await raw(hall, "kiosk-1")
            assert (await ask(ws, "[" * 5000))["code"] == "bad_json"
            assert (await ask(ws, '{"a":' * 1200 + "1" + "}" * 1200))["code"] == "bad_json"
            assert (await ask(ws, b"\xff\xfe{"))["code"] == "bad_json"
            assert (await ask(ws, '{"type":"ping","id":1}'))["type"] == "pong"
            await ws.close()

    run(body())


@pytest.mark.parametrize(
    "hello",
    [
        {"type": "hel\ud800lo", "id": 1},
        {"type": "hello", "id": 1, "role": "kiosk", "device": "kiosk-1\ud800", "token": "x"},
        {"type": "hello", "id": 1, "role": "kiosk", "device": "kiosk-1", "token": "\udfff"},
        {"type": "hello", "id": 1, "role": "kios\udfffk", "device": "kiosk-1", "token": "x"},
    ],
)
def test_a_surrogate_in_hello_is_refused_and_the_connection_can_still_say_hello(
    tmp_path: Path, hello: dict[str, Any]
) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            ws = await raw(hall)
            reply = await ask(ws, json.dumps(hello))
            assert reply["type"] == "error"
            assert reply["code"] in ("bad_message", "bad_field")
            good = {
                "type": "hello",
                "id": 2,
                "role": "kiosk",
                "device": "kiosk-1",
                "token": hall.token("kiosk-1"),
            }
            assert (await ask(ws, json.dumps(good)))["type"] == "welcome"
            await ws.close()

    run(body())


def test_a_surrogate_pin_leaks_no_pending_slot(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            ws = await raw(hall, "clerk-1")
            for i in range(MAX_PENDING + 10):
                reply = await ask(
                    ws,
                    json.dumps(
                        {"type": "login", "id": i, "window": 1, "staff": "s1", "pin": "\ud800"}
                    ),
                )
                assert reply["code"] == "bad_field"
            login = {"type": "login", "id": "ok", "window": 1, "staff": "s1", "pin": PINS["s1"]}
            assert (await ask(ws, json.dumps(login)))["type"] == "logged_in"
            await ws.close()

    run(body())


# -- floods and guessing --------------------------------------------------------------------


def test_a_bad_json_flood_is_cut_off_with_bounded_logging(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="queue_server")

    async def body() -> None:
        async with running(tmp_path) as hall:
            calm = await hall.client("kiosk-2")
            ws = await raw(hall, "kiosk-1")

            async def flood() -> None:
                for _ in range(MAX_REFUSED * 20):
                    await ws.send("{nope")
                async for _ in ws:  # drain the refusals until the server closes
                    pass
                raise AssertionError("the flood was not cut off")

            with pytest.raises(ConnectionClosed) as closed:
                await flood()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
            ticket = (await calm.request("take_ticket", service="SB", request_id="c"))["ticket"]
            assert ticket["number"] == "A001"

    run(body())
    lines = [r for r in caplog.records if "kiosk-1" in r.getMessage()]
    assert 1 <= len(lines) <= 5, [r.getMessage() for r in lines]


def test_guessing_tokens_closes_the_connection_then_blocks_the_address(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="queue_server")

    async def body() -> None:
        async with running(tmp_path) as hall:
            attempts = 0
            blocked = False
            for _ in range(30):
                try:
                    ws = await connect(hall.url)
                except InvalidStatus as exc:
                    assert exc.response.status_code == 429
                    blocked = True
                    break
                for n in range(5):
                    try:
                        reply = await ask(
                            ws,
                            json.dumps(
                                {
                                    "type": "hello",
                                    "id": n,
                                    "role": "kiosk",
                                    "device": "kiosk-1",
                                    "token": f"guess-{attempts:08d}",
                                }
                            ),
                        )
                    except ConnectionClosed:
                        break
                    attempts += 1
                    assert reply["code"] == "bad_token"
                else:
                    raise AssertionError("a guessing connection was not closed")
                await ws.close()
            assert blocked and attempts <= 25
            # A real kiosk from elsewhere is unaffected... and this address only for a minute.
            assert hall.server.addresses.blocked("127.0.0.1")

    run(body())
    guesses = [r for r in caplog.records if "wrong device token" in r.getMessage()]
    assert len(guesses) == 1


def test_a_connection_that_never_says_hello_is_closed(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, hello_deadline_s=0.2) as hall:
            ws = await raw(hall)
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.reason == "hello expected"
            kiosk = await hall.client("kiosk-1")  # says hello in time: stays
            assert (await kiosk.request("ping"))["type"] == "pong"

    run(body())


def test_connections_are_capped_and_health_counts_them_all(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, max_connections=3) as hall:
            first = await raw(hall, "kiosk-1")
            silent = [await raw(hall), await raw(hall)]  # not yet said hello: counted too
            status, text = await asyncio.to_thread(http_get, hall, "/health")
            assert status == 200 and json.loads(text)["connections"] == 3
            with pytest.raises(InvalidStatus) as refused:
                await raw(hall)
            assert refused.value.response.status_code == 503
            for ws in (first, *silent):
                await ws.close()

    run(body())


def test_wrong_pins_lock_the_staff_id_and_the_manager_sees_it(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, pin_delay_s=0.001) as hall:
            manager = await hall.client("manager-1")
            clerk = await hall.client("clerk-1")
            codes = []
            for pin in ("0000", "1111", "2222", "3333", "4444"):
                with pytest.raises(ServerError) as refused:
                    await clerk.request("login", window=1, staff="s1", pin=pin)
                codes.append(refused.value.code)
            assert codes == ["bad_pin"] * 4 + ["staff_locked"]
            assert refused.value.reply["until"] > 0
            # Locked: even the right PIN is refused, at any window.
            with pytest.raises(ServerError) as still:
                await clerk.request("login", window=1, staff="s1", pin=PINS["s1"])
            assert still.value.code == "staff_locked"
            event = await manager.next_event("staff_locked")
            assert (event["staff"], event["device"], event["window"]) == ("s1", "clerk-1", 1)
            snapshot = await manager.request("snapshot")
            assert [lock["staff"] for lock in snapshot["lockouts"]] == ["s1"]
            # Another clerk is not locked out.
            other = await hall.client("clerk-2")
            assert (await other.request("login", window=2, staff="s2", pin=PINS["s2"]))[
                "type"
            ] == "logged_in"
            # The device that guessed is slowed: each failure waits longer.
            assert hall.server.pins.delay("clerk-1") > hall.server.pins.delay("clerk-2")

    run(body())


# -- whose ticket, who sees what --------------------------------------------------------------


def test_a_kiosk_cannot_void_or_reuse_another_kiosk_s_ticket(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            one, two = await hall.client("kiosk-1"), await hall.client("kiosk-2")
            mine = (await one.request("take_ticket", service="SB", request_id="same"))["ticket"]
            theirs = (await two.request("take_ticket", service="SB", request_id="same"))["ticket"]
            assert (mine["number"], theirs["number"]) == ("A001", "A002")
            with pytest.raises(ServerError) as refused:
                await two.request("void_ticket", ticket=mine["id"], reason="printer_failed")
            assert refused.value.code == "unknown_ticket"
            voided = await one.request("void_ticket", ticket=mine["id"], reason="printer_failed")
            assert voided["ticket"]["state"] == "voided"

    run(body())


PRIVATE = {"citizen_hash", "request_id", "appointment_code", "token", "status_url", "issuer"}


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_each_role_gets_its_view(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            board = await hall.client("board-1")
            watcher = await hall.client("kiosk-2")
            manager = await hall.client("manager-1")
            kiosk = await hall.client("kiosk-1")
            clerk = await hall.clerk(1, "s1")
            ticket = (
                await kiosk.request(
                    "take_ticket", service="SB", request_id="r1", citizen_hash="c" * 64
                )
            )["ticket"]
            assert ticket["token"] and ticket["status_url"]  # the issuing kiosk's own
            await clerk.request("call_next", window=1)
            # A board is sent the calls and the counts; a kiosk the counts alone.
            seen: dict[str, dict[str, Any]] = {}
            while not {"counts", "ticket_called"} <= set(seen):
                message = await board.next_event()
                seen.setdefault(message["kind"], message)
            called = seen["ticket_called"]
            assert not _keys(list(seen.values())) & (PRIVATE | {"staff", "actor"})
            assert called["number"] == "A001" and called["window"] == 1
            counts = await watcher.next_event("counts")
            while counts["services"].get("SB", {}).get("issued_today") != 1:  # older ones first
                counts = await watcher.next_event("counts")
            assert not _keys(counts) & (PRIVATE | {"staff", "actor"})
            for client in (board, watcher):
                snap = await client.request("snapshot")
                assert not _keys(snap) & (PRIVATE | {"staff", "actor"})
                assert snap["windows"][0]["staff_name"] == "职员s1"  # names, as halls show
            issued = await manager.next_event("ticket_issued")
            called = await manager.next_event("ticket_called")
            assert issued["citizen_hash"] == "c" * 64 and called["staff"] == "s1"
            clerk_view = await clerk.request("snapshot")
            assert not _keys(clerk_view) & PRIVATE
            assert clerk_view["windows"][0]["staff"] == "s1"

    run(body())


def test_a_clerk_at_a_second_window_moves_and_the_first_connection_stops_acting(
    tmp_path: Path,
) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            first = await hall.clerk(1, "s1")
            second = await hall.clerk(3, "s1")  # the same clerk, at window 3 now
            board = await hall.client("board-1")
            snap = {w["number"]: w for w in (await board.request("snapshot"))["windows"]}
            assert (snap[1]["state"], snap[3]["state"]) == ("closed", "open")
            with pytest.raises(ServerError) as refused:
                await first.request("call_next", window=1)
            assert refused.value.code == "not_logged_in"
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="HJ", request_id="r")
            await second.request("call_next", window=3)
            with pytest.raises(ServerError) as busy:
                await first.request("login", window=1, staff="s1", pin=PINS["s1"])
            assert busy.value.code == "staff_busy_elsewhere"

    run(body())


# -- health -----------------------------------------------------------------------------


def test_health_goes_503_while_the_store_cannot_commit_and_returns(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            store = hall.server.service.store
            assert isinstance(store, SQLiteStore)
            store.db.conn.execute("PRAGMA busy_timeout=50")
            blocker = sqlite3.connect(hall.db, isolation_level=None)
            blocker.execute("BEGIN EXCLUSIVE")  # another process holds the database
            with pytest.raises(ServerError) as refused:
                await kiosk.request("take_ticket", service="SB", request_id="r1")
            assert refused.value.code == "unavailable"
            status, text = await asyncio.to_thread(http_get, hall, "/health")
            assert status == 503 and json.loads(text)["store"] == "failing"
            blocker.execute("ROLLBACK")
            blocker.close()
            for _ in range(100):  # the store is probed every second; a supervisor polls too
                status, text = await asyncio.to_thread(http_get, hall, "/health")
                if status == 200:
                    break
                await asyncio.sleep(0.1)
            assert status == 200 and json.loads(text)["store"] == "ok"
            ticket = (await kiosk.request("take_ticket", service="SB", request_id="r1"))["ticket"]
            assert ticket["number"] == "A001"  # nothing of the failed batch was kept

    run(body())


def test_a_stopped_writer_makes_health_503(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            service = hall.server.service
            assert service._writer is not None
            service._writer.cancel()  # as if the writer had died
            assert service.fatal is not None
            await asyncio.wait_for(service.fatal.wait(), 5)
            status, text = await asyncio.to_thread(http_get, hall, "/health")
            assert status == 503 and json.loads(text)["writer"] == "stopped"

    run(body())


def test_the_process_exits_non_zero_when_the_writer_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from queue_server.__main__ import parse_args, serve

    config = Path(__file__).resolve().parents[2] / "config" / "demo-hall.toml"
    args = parse_args(
        [
            "--config",
            str(config),
            "--db",
            str(tmp_path / "hall.sqlite"),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
        ]
    )

    async def body() -> int:
        started: asyncio.Future[HallServer] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(serve(args, started.set_result))
        server = await asyncio.wait_for(started, 30)
        assert server.service._writer is not None
        server.service._writer.cancel()  # as if the writer had died
        return await asyncio.wait_for(task, 30)

    assert asyncio.run(body()) == 1
    assert "listening on" in capsys.readouterr().out


def test_a_reconnected_bridge_still_acts_for_the_clerk_on_duty(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            manager = await hall.client("manager-1")
            kiosk = await hall.client("kiosk-1")
            bridge = await hall.client("bridge-1")
            await bridge.request("login", window=1, staff="s1", pin=PINS["s1"])  # on a keypad
            await bridge.close()
            again = await hall.client("bridge-1")  # a new connection: no login of its own
            await kiosk.request("take_ticket", service="SB", request_id="r")
            await again.request("call_next", window=1)
            called = await manager.next_event("ticket_called")
            assert (called["actor"], called["staff"]) == ("s1", "s1")

    run(body())


def test_a_client_that_stops_reading_is_cut_off_and_the_hall_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="queue_server")

    async def body() -> None:
        async with running(tmp_path, max_output_buffer=256 * 1024) as hall:
            kiosk = await hall.client("kiosk-1")
            for i in range(150):  # a long waiting list makes a clerk's every snapshot large
                await kiosk.request("take_ticket", service="SB", request_id=f"r{i}")
            port = int(hall.url.rsplit(":", 1)[1].split("/")[0])
            sock = socket.create_connection(("127.0.0.1", port))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            slow = await connect(hall.url, sock=sock, max_queue=1)
            await slow.send(
                json.dumps(
                    {
                        "type": "hello",
                        "id": 0,
                        "role": "clerk",
                        "device": "clerk-2",
                        "token": hall.token("clerk-2"),
                    }
                )
            )
            assert json.loads(await slow.recv())["type"] == "welcome"
            (session,) = (s for s in hall.server.sessions if s.device and s.device.id == "clerk-2")
            for i in range(400):  # asks, never reads
                await slow.send(json.dumps({"type": "snapshot", "id": i}))
            # The server drops it once its output passes the limit.
            await asyncio.wait_for(session.ws.wait_closed(), 30)
            assert not any(s.device and s.device.id == "clerk-2" for s in hall.server.sessions)
            ticket = await kiosk.request("take_ticket", service="SB", request_id="after")
            assert ticket["ticket"]["number"] == "A151"
            slow.transport.abort()

    run(body())
    cut = [r for r in caplog.records if "slow consumer" in r.getMessage()]
    assert len(cut) == 1


def test_anyone_may_watch_the_public_view_and_ask_about_one_ticket_but_change_nothing(
    tmp_path: Path,
) -> None:
    async def body() -> None:
        async with running(tmp_path, hello_deadline_s=0.3) as hall:
            kiosk = await hall.client("kiosk-1")
            ticket = (
                await kiosk.request(
                    "take_ticket", service="SB", request_id="r1", citizen_hash="c" * 64
                )
            )["ticket"]
            tv = await raw(hall)
            welcome = await ask(tv, json.dumps({"type": "watch", "id": 1}))
            assert (welcome["type"], welcome["role"]) == ("welcome", "public")
            assert not _keys(welcome) & (PRIVATE | {"staff", "actor"})
            refused = await ask(
                tv, json.dumps({"type": "take_ticket", "id": 2, "service": "SB", "request_id": "x"})
            )
            assert refused["code"] == "not_authenticated"
            clerk = await hall.clerk(1, "s1")
            await clerk.request("call_next", window=1)
            called = None
            while called is None:  # past the deadline for hello: a watcher stays
                message = json.loads(await asyncio.wait_for(tv.recv(), 10))
                if message.get("kind") == "ticket_called":
                    called = message
            assert called["number"] == "A001" and not _keys(called) & (PRIVATE | {"staff"})
            phone = await raw(hall)
            status = await ask(
                phone, json.dumps({"type": "ticket_status", "id": 3, "token": ticket["token"]})
            )
            assert status["ticket"]["number"] == "A001" and status["ticket"]["window"] == 1
            assert status["headline"] == ["请到窗口办理", "Your number is called"]
            assert not _keys(status) & PRIVATE
            wrong = await ask(
                phone, json.dumps({"type": "ticket_status", "id": 4, "token": "A" * 22})
            )
            assert wrong["code"] == "unknown_ticket" and "A001" not in json.dumps(wrong)
            await tv.close()
            await phone.close()

    run(body())
