"""预约 on a real server: booking without hello and by a clerk, hostile inputs refused with
nothing written, guessed codes blocked per address, no-shows recorded by the server's clock,
the manager's count, and bookings kept from boards and kiosks."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from hallkit import Running, next_slot, running
from websockets.asyncio.client import ClientConnection, connect

from queue_server.bookings import MAX_BAD_CODES, MAX_BOOKINGS

PHONE = "13912345678"


def run(coro: Any) -> None:
    asyncio.run(coro)


async def ask(ws: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps(message))
    while True:
        reply: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("type") != "event":
            return reply


async def book(ws: ClientConnection, who: str = PHONE, slot: str | None = None) -> dict[str, Any]:
    day, next_ = next_slot()
    message = {"type": "book_appointment", "id": 1, "service": "SB", "day": day}
    return await ask(ws, {**message, "slot": slot or next_, "citizen_id": who})


def appointment_events(hall: Running, after: int = 0) -> list[dict[str, Any]]:
    return [e for e in hall.logged(after) if e["type"].startswith("appointment_")]


def test_a_phone_books_without_hello_and_hostile_input_writes_nothing(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            phone = await connect(hall.url)
            slots = await ask(phone, {"type": "appointment_slots", "id": 1, "service": "SB"})
            assert slots["type"] == "appointment_slots" and slots["days"][0]["slots"]
            booked = await book(phone)
            assert booked["type"] == "booking" and booked["booking"]["state"] == "booked"
            assert "citizen_hash" not in json.dumps(booked)
            seq = hall.server.service.seq
            day, slot = next_slot()
            for bad in (
                {"citizen_id": "1391234567"},  # ten digits
                {"citizen_id": "13912345678<script>"},
                {"day": "2026-13-45x"},
                {"slot": "9:30"},
                {"service": "SB" * 200},
            ):
                message = {"type": "book_appointment", "id": 2, "service": "SB", "day": day}
                reply = await ask(phone, {**message, "slot": slot, "citizen_id": PHONE, **bad})
                assert reply["type"] == "error", bad
                assert reply["code"] in ("bad_field", "too_large"), reply
            unknown = await ask(
                phone,
                {
                    "type": "book_appointment",
                    "id": 3,
                    "service": "XX",
                    "day": day,
                    "slot": slot,
                    "citizen_id": PHONE,
                },
            )
            assert unknown["code"] == "no_appointments"
            assert unknown["message"] == "该事项暂不开放预约" and unknown["message_en"]
            assert hall.logged(seq) == []
            forbidden = await ask(
                phone, {"type": "take_ticket", "id": 4, "service": "SB", "request_id": "r1"}
            )
            assert forbidden["code"] == "not_authenticated"
            await phone.close()

    run(body())


def test_guessed_codes_block_the_address(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            phone = await connect(hall.url)
            code = (await book(phone))["booking"]["code"]
            for n in range(MAX_BAD_CODES):
                guess = {"type": "cancel_appointment", "id": n, "code": f"1000000{n}"}
                reply = await ask(phone, {**guess, "citizen_id": PHONE})
                assert reply["code"] == "appointment_unknown"
            right = {"type": "cancel_appointment", "id": 9, "code": code, "citizen_id": PHONE}
            blocked = await ask(phone, right)
            assert blocked["code"] == "too_many_codes"
            assert blocked["message"].startswith("预约码错误次数过多")
            other = await connect(hall.url)  # the same address on a new connection too
            assert (await ask(other, right))["code"] == "too_many_codes"
            assert [e["type"] for e in appointment_events(hall)] == ["appointment_booked"]
            await phone.close()
            await other.close()

    run(body())


def test_a_clerk_books_for_a_caller_and_the_manager_counts_no_shows(tmp_path: Path) -> None:
    now = [time.time()]

    async def body() -> None:
        async with running(tmp_path, clock=lambda: now[0], alert_check_s=0.02) as hall:
            clerk = await hall.client("clerk-1")
            board = await hall.client("board-1")
            manager = await hall.client("manager-1")
            day, slot = next_slot(now[0])
            booked = await clerk.request(
                "book_appointment", service="SB", day=day, slot=slot, citizen_id=PHONE
            )
            [event] = appointment_events(hall)
            assert (event["channel"], event["actor"]) == ("clerk", "clerk-1")
            code = booked["booking"]["code"]
            # The clock passes the slot's late tolerance: the server's timer records the no-show.
            now[0] = booked["booking"]["slot_at"] + 16 * 60
            missed = await manager.next_event("appointment_missed")
            assert (missed["appointment_code"], missed["missed"]) == (code, 1)
            report = await manager.request("appointments")
            assert report["no_shows"] == [{"citizen": missed["citizen_hash"][:8], "missed": 1}]
            assert report["slots"][0]["missed"] == 1
            # Boards are sent neither the bookings nor stand-ins for them (only what they show).
            await clerk.request("ping")
            board_kinds = set()
            while not board.events.empty():
                board_kinds.add(board.events.get_nowait()["kind"])
            assert not {k for k in board_kinds if k.startswith("appointment_") or k == "private"}

    run(body())


def test_one_address_cannot_fill_the_slots(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            phone = await connect(hall.url)
            tomorrow = (dt.date.fromisoformat(next_slot()[0]) + dt.timedelta(days=1)).isoformat()
            for n in range(MAX_BOOKINGS + 1):  # a slot each, tomorrow
                slot = f"{n // 4:02d}:{n % 4 * 15:02d}"
                message = {"type": "book_appointment", "id": n, "service": "SB", "day": tomorrow}
                reply = await ask(phone, {**message, "slot": slot, "citizen_id": f"1380000{n:04d}"})
                if n < MAX_BOOKINGS:
                    assert reply["type"] == "booking", reply
            refused = reply
            assert refused["code"] == "too_many_bookings"
            assert refused["message"].startswith("此网络预约次数过多")
            booked = [e for e in appointment_events(hall) if e["type"] == "appointment_booked"]
            assert len(booked) == MAX_BOOKINGS
            clerk = await hall.client("clerk-1")  # a clerk books for callers all day
            day, slot = next_slot()
            reply = await clerk.request(
                "book_appointment", service="SB", day=day, slot=slot, citizen_id="13900000000"
            )
            assert reply["type"] == "booking"
            await phone.close()

    run(body())
