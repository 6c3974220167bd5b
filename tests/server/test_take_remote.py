"""远程取号 against a real server: take from a phone, check in at the door or a kiosk, the limits.

Every refusal has a stable code and both texts and writes nothing; the phone number is never
in the log, the store or any view; boards and kiosks count remote tickets but see nothing
private.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hallkit import REMOTE_SECRET, make_hall, running
from websockets.asyncio.client import ClientConnection, connect

from contract.texts import ERROR_TEXTS
from queue_server.client import HallClient, ServerError
from queue_server.core.model import RemotePolicy
from queue_server.phone import RemoteGuard, door_code, normal_id_number, normal_phone

PHONE = "13812345678"


async def ask(ws: ClientConnection, **message: Any) -> dict[str, Any]:
    """Send one public request and return its reply (events in between are skipped)."""
    message.setdefault("id", 1)
    await ws.send(json.dumps(message))
    while True:
        reply: dict[str, Any] = json.loads(await ws.recv())
        if reply.get("type") != "event" and reply.get("re") == message["id"]:
            return reply


async def take(
    ws: ClientConnection, phone: str = PHONE, service: str = "SB", rid: str = "p1"
) -> dict[str, Any]:
    return await ask(ws, type="take_remote", service=service, phone=phone, request_id=rid)


async def refusal(client: HallClient, kind: str, **fields: Any) -> dict[str, Any]:
    try:
        reply = await client.request(kind, **fields)
    except ServerError as exc:
        return dict(exc.reply)
    raise AssertionError(f"{kind} was not refused: {reply}")


def drained(client: HallClient) -> list[dict[str, Any]]:
    """The events the client has received so far."""
    events = []
    while not client.events.empty():
        events.append(client.events.get_nowait())
    return events


def refused(reply: dict[str, Any], code: str) -> None:
    assert reply["type"] == "error", reply
    assert reply["code"] == code
    assert reply["message"] and reply["message_en"]
    assert code in ERROR_TEXTS


def test_take_from_a_phone_then_check_in_at_a_kiosk(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk, board = await hall.client("kiosk-1"), await hall.client("board-1")
            clerk = await hall.clerk(1, "s1")
            async with connect(hall.url) as phone:
                reply = await take(phone, phone="138 1234 5678")
                assert reply["type"] == "remote_ticket"
                ticket = reply["ticket"]
                assert ticket["number"] == "A001" and ticket["remote"] is True
                assert reply["page"].startswith("/t/") and "token" not in ticket
                again = await take(phone)  # the same request again: the same ticket
                assert again["ticket"]["id"] == ticket["id"]
                refused(await take(phone, rid="p2"), "already_holding")
            await kiosk.request("take_ticket", service="SB", request_id="k1")  # A002
            called = await clerk.request("call_next", window=1)
            assert called["ticket"]["number"] == "A002"  # A001 is not checked in: skipped
            await clerk.request("finish", window=1)
            error = await refusal(kiosk, "kiosk_checkin", number="A001", phone_last4="0000")
            assert error["code"] == "checkin_refused"
            checked = await kiosk.request("kiosk_checkin", number="a001", phone_last4="5678")
            assert checked["type"] == "checked_in"
            assert checked["ticket"]["checked_in_at"] is not None
            called = await clerk.request("call_next", window=1)
            assert called["ticket"]["number"] == "A001"
            logged = hall.logged()
            assert PHONE not in json.dumps(logged, ensure_ascii=False)
            kinds = [e["type"] for e in logged]
            assert "ticket_checked_in" in kinds and "ticket_held" in kinds
            # the board saw the remote ticket counted (its counts), nothing private
            await board.request("ping")  # the events before its answer have arrived
            events = drained(board)
            if not any(e["kind"] == "counts" for e in events):  # sent within 0.1 s of a change
                events.append(await board.next_event("counts"))
            seen = json.dumps(events, ensure_ascii=False)
            assert "phone_check" not in seen and "citizen_hash" not in seen

    asyncio.run(body())


def test_door_check_in_with_todays_code_only(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            async with connect(hall.url) as phone:
                reply = await take(phone)
                token = reply["page"].removeprefix("/t/")
                before = len(hall.logged())
                refused(
                    await ask(phone, type="door_checkin", token=token, door="0" * 16), "door_code"
                )
                yesterday = door_code(REMOTE_SECRET, "2000-01-01")
                refused(
                    await ask(phone, type="door_checkin", token=token, door=yesterday), "door_code"
                )
                refused(
                    await ask(phone, type="door_checkin", token="x" * 22, door=_today(hall)),
                    "checkin_refused",
                )
                assert len(hall.logged()) == before  # refusals write nothing
                done = await ask(phone, type="door_checkin", token=token, door=_today(hall))
                assert done["type"] == "checked_in" and done["ticket"]["number"] == "A001"
            code = await kiosk.request("door_code")
            assert code["url"].endswith("/door/" + _today(hall))

    asyncio.run(body())


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return str(answer.read().decode())


def _today(hall: Any) -> str:
    return door_code(REMOTE_SECRET, hall.server.phone.day())


def test_refusals_each_with_a_code_and_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tight = replace(
        make_hall(),
        remote=RemotePolicy(
            enabled=True, secret=REMOTE_SECRET, per_address_hour=4, per_citizen_day=2
        ),
    )

    async def body() -> None:
        async with running(tmp_path, tight) as hall:
            async with connect(hall.url) as phone:
                refused(await take(phone, phone="12345"), "bad_phone")
                refused(await take(phone, service="XX"), "unknown_service")
                await take(phone, service="SB", rid="a")
                await take(phone, service="YB", rid="b")
                refused(await take(phone, service="HJ", rid="c"), "citizen_limit")
                refused(await take(phone, phone="13900000000", rid="d"), "address_limit")
            logged = json.dumps(hall.logged(), ensure_ascii=False)
            assert "13900000000" not in logged and PHONE not in logged

    with caplog.at_level(logging.INFO):
        asyncio.run(body())
    lines = [r.getMessage() for r in caplog.records if "remote" in r.getMessage()]
    assert PHONE not in " ".join(r.getMessage() for r in caplog.records)
    assert len(lines) <= 1  # one bounded line for a connection's refusals


def test_wrong_digits_lock_a_number_at_the_kiosks(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            async with connect(hall.url) as phone:
                await take(phone)
            for digits in ("0001", "0002", "0003", "0004", "0005"):
                error = await refusal(kiosk, "kiosk_checkin", number="A001", phone_last4=digits)
                assert error["code"] == "checkin_refused"
            error = await refusal(kiosk, "kiosk_checkin", number="A001", phone_last4="5678")
            assert error["code"] == "checkin_locked"

    asyncio.run(body())


def test_the_remote_limits_by_themselves() -> None:
    now = [0.0]
    guard = RemoteGuard(lambda: now[0])
    assert [guard.take("1.2.3.4", 2) for _ in range(3)] == [True, True, False]
    assert guard.take("5.6.7.8", 2)
    now[0] += 3600
    assert guard.take("1.2.3.4", 2)
    assert normal_phone("+86 138-1234-5678") == PHONE
    assert normal_phone("23812345678") is None


def test_a_held_ticket_past_its_deadline_expires_and_its_page_says_so(tmp_path: Path) -> None:
    now = [1795312800.0]  # a weekday morning in Shanghai

    async def body() -> None:
        async with running(tmp_path, clock=lambda: now[0]) as hall:
            kiosk, board = await hall.client("kiosk-1"), await hall.client("board-1")
            async with connect(hall.url) as phone:
                reply = await take(phone)
                token = reply["page"].removeprefix("/t/")
                status = await ask(phone, type="ticket_status", token=token, id=2)
                assert status["ticket"]["remote"] is True
                assert status["headline"] == ["请尽快到大厅签到", "Please check in at the hall now"]
                assert "请在 10 分钟内到达大厅签到" in status["detail"][0]
                assert status["checkin"]["deadline"] == now[0] + 600
                snapshot = await board.request("snapshot")
                [sb] = [s for s in snapshot["services"] if s["code"] == "SB"]
                assert sb["waiting"] == 1  # the board counts it, and sees nothing private
                text = json.dumps(snapshot, ensure_ascii=False)
                assert "citizen_hash" not in text and "phone_check" not in text
                now[0] += 601
                await kiosk.request("take_ticket", service="YB", request_id="k1")  # any command
                status = await ask(phone, type="ticket_status", token=token, id=3)
                assert status["ticket"]["state"] == "expired"
                assert status["detail"][0] == "未在规定时间内到大厅签到，本号已作废，请重新取号"
                expired = [e for e in hall.logged() if e["type"] == "ticket_expired"]
                assert [(e["number"], e["reason"]) for e in expired] == [("A001", "checkin_late")]
                refused(
                    await ask(phone, type="door_checkin", token=token, door=_today(hall), id=4),
                    "checkin_late",
                )
            base = "http" + hall.url.removeprefix("ws").removesuffix("/ws")
            page = await asyncio.to_thread(_get, f"{base}/t/{token}")
            assert "未在规定时间内到大厅签到，本号已作废，请重新取号" in page
            assert "已过期" in page and "13812345678" not in page

    asyncio.run(body())


ID_NUMBER = "11010519491231002X"  # GB 11643's own example: the check character is X


def test_an_id_number_makes_the_citizen_whichever_phone(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            async with connect(hall.url) as phone:
                first = await ask(
                    phone,
                    type="take_remote",
                    service="SB",
                    phone=PHONE,
                    request_id="a",
                    id_number=ID_NUMBER.lower(),
                )
                assert first["type"] == "remote_ticket"
                again = await ask(  # another phone, the same person: one ticket per service
                    phone,
                    type="take_remote",
                    service="SB",
                    phone="13900001111",
                    request_id="b",
                    id_number=ID_NUMBER,
                )
                refused(again, "already_holding")
                bad = await ask(
                    phone,
                    type="take_remote",
                    service="SB",
                    phone=PHONE,
                    request_id="c",
                    id_number="110105194912310021",  # a wrong check digit
                )
                refused(bad, "bad_id_number")
            logged = json.dumps(hall.logged(), ensure_ascii=False)
            assert ID_NUMBER not in logged and ID_NUMBER.lower() not in logged

    asyncio.run(body())
    assert normal_id_number(" 11010519491231002x ") == ID_NUMBER
    assert normal_id_number("11010519491231002") is None
