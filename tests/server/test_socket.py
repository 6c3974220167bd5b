"""The server over real WebSocket connections on localhost, with a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import urllib.request
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hallkit import make_hall, must, running
from websockets.asyncio.client import connect

from queue_server.client import HallClient, ServerError
from queue_server.server import MAX_PENDING, Session

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def test_kiosk_takes_a_ticket_and_every_subscriber_sees_it(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            board = await hall.client("board-1")
            clerk = await hall.client("clerk-1")
            kiosk = await hall.client("kiosk-1")
            reply = await kiosk.request("take_ticket", service="SB", request_id="k1-1")
            ticket = reply["ticket"]
            assert reply["type"] == "ticket"
            assert (ticket["number"], ticket["service"], ticket["class"]) == (
                "A001",
                "SB",
                "normal",
            )
            assert ticket["ahead"] == 0 and ticket["estimated_wait_s"] >= 0
            assert (
                must(kiosk.welcome)["hall"]["timezone"] == "Asia/Shanghai"
            )  # the apps show hall time
            event = await clerk.next_event("ticket_issued")
            assert event["ticket"] == ticket["id"] and event["seq"] == hall.server.service.seq
            assert event["prev"] < event["seq"]  # a device's stream is chained by prev
            # A board follows the counts, not each ticket: a `counts` now and then.
            counts = await board.next_event("counts")
            # (all services: the first since the board joined, later only those that changed;
            # one may come before the ticket, with another device's arrival)
            assert "SB" in counts["services"]
            while counts["services"].get("SB") != {"waiting": 1, "issued_today": 1}:
                counts = await board.next_event("counts")
            assert counts["seq"] == event["seq"]
            assert reply["seq"] <= event["seq"]  # the seq the kiosk's own model reaches
            snap = await clerk.request("snapshot")
            assert [t["number"] for t in snap["waiting"]] == ["A001"]
            assert (await board.request("snapshot"))["waiting"] == []
            # Committed before acknowledged: a second connection to the file sees it.
            db = sqlite3.connect(hall.db)
            assert db.execute("SELECT number FROM tickets").fetchall() == [("A001",)]
            db.close()

    run(body())


def test_a_board_gets_the_counts_now_and_then_not_one_per_ticket(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            board = await hall.client("board-1")
            kiosk = await hall.client("kiosk-1")
            for i in range(30):  # one batch each: the kiosk waits for every reply
                await kiosk.request("take_ticket", service="SB", request_id=f"c{i}")
            counts: list[dict[str, Any]] = []
            while not counts or counts[-1]["services"].get("SB") != {
                "waiting": 30,
                "issued_today": 30,
            }:
                counts.append(await board.next_event("counts"))
            assert len(counts) < 15  # at most one per COUNTS_EVERY_S
            assert all(b["prev"] <= b["seq"] for b in counts)

    run(body())


def test_a_retried_request_id_returns_the_same_ticket(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            first = await kiosk.request("take_ticket", service="SB", request_id="k1-42")
            await kiosk.close()
            again = await hall.client("kiosk-1")  # reconnected after a dropped connection
            second = await again.request("take_ticket", service="SB", request_id="k1-42")
            assert second["ticket"]["id"] == first["ticket"]["id"]
            other = await again.request("take_ticket", service="SB", request_id="k1-43")
            assert other["ticket"]["number"] == "A002"
            db = sqlite3.connect(hall.db)
            assert db.execute("SELECT count(*) FROM tickets").fetchone() == (2,)
            db.close()

    run(body())


def test_concurrent_kiosks_and_windows_never_share_a_ticket(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosks = [await hall.client(f"kiosk-{i}") for i in range(1, 7)]

            async def take(kiosk: HallClient, k: int) -> list[str]:
                numbers = []
                for n in range(30):
                    service = "SB" if n % 2 else "YB"
                    reply = await kiosk.request(
                        "take_ticket", service=service, request_id=f"k{k}-{n}"
                    )
                    numbers.append(reply["ticket"]["number"])
                return numbers

            issued = await asyncio.gather(*(take(k, i) for i, k in enumerate(kiosks)))
            numbers = [n for batch in issued for n in batch]
            assert len(numbers) == 180 == len(set(numbers))

            clerks = [await hall.clerk(w, f"s{w}") for w in (1, 2, 3)]

            async def serve_all(clerk: HallClient, window: int) -> list[str]:
                got: list[str] = []
                while True:
                    try:
                        reply = await clerk.request("call_next", window=window)
                    except ServerError as exc:
                        assert exc.code == "queue_empty"
                        return got
                    got.append(reply["ticket"]["number"])
                    await clerk.request("finish", window=window)

            served = await asyncio.gather(
                *(serve_all(c, w) for c, w in zip(clerks, (1, 2, 3), strict=True))
            )
            called = [n for per_window in served for n in per_window]
            assert sorted(called) == sorted(numbers)  # each called exactly once
            assert all(served)  # every window got work

    run(body())


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "bad_json"),
        ('"just a string"', "bad_message"),
        ('{"type": "take_ticket", "id": 1}', "missing_field"),
        ('{"type": "take_ticket", "id": 1, "service": 7, "request_id": "x"}', "bad_field"),
        ('{"type": "fly", "id": 1}', "unknown_type"),
        ('{"type": "call_next", "id": 1, "window": 1}', "forbidden"),
        (
            '{"type": "take_ticket", "id": 1, "service": "NOPE", "request_id": "x"}',
            "unknown_service",
        ),
        (
            '{"type": "take_ticket", "id": 1, "service": "SB", "request_id": "x", "class": "vip"}',
            "bad_field",
        ),
        (
            '{"type": "hello", "id": 1, "role": "kiosk", "device": "kiosk-1", "token": "x"}',
            "already_authenticated",
        ),
        (json.dumps({"type": "ping", "id": 1, "pad": "x" * 9000}), "too_large"),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(
    tmp_path: Path, raw: bytes, code: str
) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall, connect(hall.url) as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "id": 0,
                        "role": "kiosk",
                        "device": "kiosk-1",
                        "token": hall.token("kiosk-1"),
                    }
                )
            )
            assert json.loads(await ws.recv())["type"] == "welcome"
            seq = hall.server.service.seq
            await ws.send(raw)
            reply = json.loads(await ws.recv())
            assert reply["type"] == "error" and reply["code"] == code
            assert reply["message"] and reply["message_en"]
            # The connection and the server go on, and nothing was written.
            await ws.send('{"type": "ping", "id": "after"}')
            assert json.loads(await ws.recv())["re"] == "after"
            assert hall.server.service.seq == seq

    run(body())


def test_authentication_and_roles(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            bad = HallClient(hall.url, "kiosk", "kiosk-1", "wrong-token-0000000")
            with pytest.raises(ServerError) as info:
                await bad.connect()
            assert info.value.code == "bad_token"
            await bad.close()
            wrong_role = HallClient(hall.url, "clerk", "kiosk-1", hall.token("kiosk-1"))
            with pytest.raises(ServerError) as info:
                await wrong_role.connect()
            assert info.value.code == "bad_token"
            await wrong_role.close()

            clerk = await hall.client("clerk-1")
            with pytest.raises(ServerError) as info:
                await clerk.request("call_next", window=1)
            assert info.value.code == "not_logged_in"
            with pytest.raises(ServerError) as info:
                await clerk.request("login", window=2, staff="s1", pin="1001")
            assert info.value.code == "wrong_window"
            with pytest.raises(ServerError) as info:
                await clerk.request("login", window=1, staff="s1", pin="9999")
            assert info.value.code == "bad_pin"
            await clerk.request("login", window=1, staff="s1", pin="1001")
            with pytest.raises(ServerError) as info:
                await clerk.request("call_next", window=1)
            assert info.value.code == "queue_empty"
            with pytest.raises(ServerError) as info:
                await clerk.request("take_ticket", service="SB", request_id="r")
            assert info.value.code == "forbidden"
            board = await hall.client("board-1")
            with pytest.raises(ServerError) as info:
                await board.request("rate", window=1, score=5)
            assert info.value.code == "forbidden"

    run(body())


def test_reconnect_with_last_seq_receives_what_was_missed(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            board = await hall.client("board-1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="r1")
            await board.next_event("counts")
            last = must(board.last_seq)
            await board.close()
            for n in range(2, 5):
                await kiosk.request("take_ticket", service="YB", request_id=f"r{n}")
            back = await hall.client("board-1", last_seq=last)
            again = must(back.welcome)
            missed_count = again["missed"]
            assert again["replay"] is True and missed_count == again["seq"] - last
            # The board's own leaving and coming back; the three tickets are not a board's
            # events (its welcome has their counts). The replay is chained from last_seq.
            missed = [await back.next_event() for _ in range(2)]
            assert [e["kind"] for e in missed] == ["device_presence", "device_presence"]
            assert [e["online"] for e in missed] == [False, True]
            assert [e["prev"] for e in missed] == [last, missed[0]["seq"]]
            assert missed[-1]["seq"] == last + missed_count
            await kiosk.request("take_ticket", service="YB", request_id="r9")
            live = await back.next_event()
            assert live["kind"] == "counts" and live["seq"] == last + missed_count + 1
            assert live["prev"] <= again["seq"]  # follows the welcome: no gap, no duplicate

    run(body())


def test_rating_goes_to_the_ticket_served_last_once(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            ticket = (await kiosk.request("take_ticket", service="SB", request_id="r1"))["ticket"]
            clerk = await hall.clerk(1, "s1")
            bridge = await hall.client("bridge-1")
            with pytest.raises(ServerError) as info:
                await bridge.request("rate", window=1, score=5)
            assert info.value.code == "no_served_ticket"
            await clerk.request("call_next", window=1)
            await clerk.request("finish", window=1)
            rating = await bridge.request("rate", window=1, score=2)
            assert rating["type"] == "rating"
            with pytest.raises(ServerError) as info:
                await bridge.request("rate", window=1, score=5)
            assert info.value.code == "already_rated"
            db = sqlite3.connect(hall.db)
            rows = db.execute(
                "SELECT ticket, score, bad, rejected FROM ratings ORDER BY seq"
            ).fetchall()
            assert rows[-2:] == [
                (ticket["id"], 2, 1, None),
                (ticket["id"], 5, None, "already_rated"),
            ]
            assert rows[0][3] == "no_served_ticket"
            assert db.execute("SELECT ticket FROM followups").fetchall() == [(ticket["id"],)]
            db.close()

    run(body())


def test_a_flooding_client_is_slowed_and_the_hall_goes_on(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-2")
            async with connect(hall.url) as ws:
                await ws.send(
                    json.dumps(
                        {
                            "type": "hello",
                            "id": 0,
                            "role": "kiosk",
                            "device": "kiosk-1",
                            "token": hall.token("kiosk-1"),
                        }
                    )
                )
                await ws.recv()
                for n in range(1100):
                    await ws.send(json.dumps({"type": "ping", "id": n}))
                codes: list[str] = []
                while len(codes) < 1100:
                    codes.append(json.loads(await ws.recv()).get("code", "ok"))
                # Slowed, not cut off: at least its allowance in flight is served.
                assert "rate_limited" in codes and codes.count("ok") >= MAX_PENDING
            # Meanwhile and after, another kiosk is served normally.
            reply = await kiosk.request("take_ticket", service="SB", request_id="calm")
            assert reply["ticket"]["number"] == "A001"

    run(body())


def test_health_and_ticket_page_over_plain_http(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            ticket = (await kiosk.request("take_ticket", service="SB", request_id="r1"))["ticket"]
            base = hall.url.replace("ws://", "http://").removesuffix("/ws")

            def get(path: str) -> tuple[int, str]:
                try:
                    with urllib.request.urlopen(base + path, timeout=5) as resp:
                        return resp.status, resp.read().decode()
                except urllib.error.HTTPError as err:
                    return err.code, err.read().decode()

            status, text = await asyncio.to_thread(get, "/health")
            assert status == 200 and json.loads(text)["status"] == "ok"
            assert json.loads(text)["seq"] == hall.server.service.seq
            link = ticket["status_url"]
            assert link.startswith("http://localhost:8765/t/")  # the hall's public address
            path = link.removeprefix("http://localhost:8765")
            status, page = await asyncio.to_thread(get, path)
            # No window is open: the page says so rather than promising minutes.
            assert status == 200 and "A001" in page and "暂无窗口开放" in page
            assert "No window is open" in page and "一楼 1–4 号窗口" in page
            # The day and number no longer open a ticket's page; a wrong token looks the same.
            status, guessed = await asyncio.to_thread(get, f"/t/{ticket['id']}")
            assert status == 404
            status, wrong = await asyncio.to_thread(get, path[:-4] + "AAAA")
            assert (status, wrong) == (404, guessed)
            status, _ = await asyncio.to_thread(get, "/nothing")
            assert status == 404

    run(body())


def test_an_idle_hall_starts_the_new_day_on_time(tmp_path: Path) -> None:
    """At the start of day the waiting tickets expire (kept, not deleted) and numbers restart."""
    day_one = 1795312800.0  # 2026-11-22 10:00 in Asia/Shanghai
    now = [day_one]

    async def body() -> None:
        async with running(tmp_path, clock=lambda: now[0], day_check_s=0.02) as hall:
            kiosk = await hall.client("kiosk-1")
            board = await hall.client("board-1")
            old = (await kiosk.request("take_ticket", service="SB", request_id="r1"))["ticket"]
            assert old["number"] == "A001"
            now[0] = day_one + 86400  # the next morning; nobody sends anything
            started = await board.next_event("day_started")
            expired = await board.next_event("ticket_expired")
            assert started["day"] == "2026-11-23" and expired["ticket"] == old["id"]
            snap = await board.request("snapshot")
            assert snap["day"] == "2026-11-23" and snap["waiting"] == []
            new = (await kiosk.request("take_ticket", service="SB", request_id="r2"))["ticket"]
            assert new["number"] == "A001" and new["id"] != old["id"]
            db = sqlite3.connect(hall.db)
            assert db.execute("SELECT id, state FROM tickets ORDER BY id").fetchall() == [
                (old["id"], "expired"),
                (new["id"], "waiting"),
            ]
            db.close()

    run(body())


def test_one_connection_may_send_many_requests_over_time(tmp_path: Path) -> None:
    """Flow control counts requests in flight, not requests ever made: a busy kiosk goes on."""

    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            for n in range(600):  # more than MAX_PENDING, each answered before the next
                reply = await kiosk.request("take_ticket", service="SB", request_id=f"r{n}")
                assert reply["type"] == "ticket"
            session = next(iter(hall.server.service.subscribers))
            assert isinstance(session, Session)
            assert session.pending == 0

    run(body())


def test_the_snapshot_says_which_ticket_a_rating_would_attach_to(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            ticket = (await kiosk.request("take_ticket", service="SB", request_id="r1"))["ticket"]
            clerk = await hall.clerk(1, "s1")
            await clerk.request("call_next", window=1)
            await clerk.request("finish", window=1)
            window = (await clerk.request("snapshot"))["windows"][0]
            assert (
                window["last_served"]["id"] == ticket["id"] and not window["last_served"]["rated"]
            )
            bridge = await hall.client("bridge-1")
            await bridge.request("rate", window=1, score=4)
            window = (await clerk.request("snapshot"))["windows"][0]
            assert window["last_served"]["rated"] is True

    run(body())


def test_device_health_survives_a_restart_after_a_checkpoint(tmp_path: Path) -> None:
    """A printer reported out of paper is still shown so after the server restarts."""

    config = make_hall()  # the same configuration, so the checkpoint stays valid

    async def body() -> None:
        async with running(tmp_path, config) as hall:
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("device_status", status="printer_paper_out", detail="缺纸")
            await kiosk.request("take_ticket", service="SB", request_id="r1")
            await hall.server.service._checkpoint()  # start-up will replay only what follows
        async with running(tmp_path, config) as hall:
            assert hall.server.service.store.checkpoints(hall.server.service._version)
            board = await hall.client("board-1")
            devices = {d["device"]: d for d in must(board.welcome)["snapshot"]["devices"]}
            assert devices["kiosk-1"]["status"] == "printer_paper_out"
            # Nobody stays connected through a restart: the kiosk shows as gone until it returns.
            assert devices["kiosk-1"]["online"] is False
            assert devices["board-1"]["online"] is True

    run(body())
