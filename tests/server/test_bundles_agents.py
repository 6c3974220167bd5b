"""一件事 and 帮办代办 on a real server: one number passed from window to window, an agent's
tickets held for citizens, and nothing private on boards and kiosks."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hallkit import AGENT, AGENT_PIN, PINS, bundle_hall, running

from queue_server import client as client_module
from queue_server.bookings import citizen_hash, secret_of
from queue_server.client import HallClient, ServerError

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"  # GB 11643's own example: the check character is X


def run(coro: Any) -> None:
    asyncio.run(coro)


async def refused(client: HallClient, kind: str, **fields: Any) -> dict[str, Any]:
    with pytest.raises(ServerError) as error:
        await client.request(kind, **fields)
    return error.value.reply


def test_a_bundle_keeps_its_number_from_window_to_window(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, bundle_hall()) as hall:
            kiosk = await hall.client("kiosk-1")
            board = await hall.client("board-1")
            welcome = kiosk.welcome
            assert welcome is not None
            assert [b["code"] for b in welcome["snapshot"]["bundles"]] == ["BIRTH"]
            ticket = (await kiosk.request("take_bundle", bundle="BIRTH", request_id="r1"))["ticket"]
            assert ticket["number"] == "X001"
            assert [s["state"] for s in ticket["steps"]] == ["current", "to_come", "to_come"]
            assert ticket["status_url"]  # the issuing kiosk prints the phone page's QR

            household = await hall.clerk(4, "s1")  # 户籍 only
            both = await hall.clerk(1, "s2")  # 社保 and 医保
            assert (await household.request("call_next", window=4))["ticket"]["number"] == "X001"
            step = await household.request("finish", window=4)
            assert step["ticket"]["state"] == "waiting"
            assert [s["state"] for s in step["ticket"]["steps"]] == ["done", "current", "to_come"]
            done = await board.next_event("ticket_step_done")
            assert (done["number"], done["stay"], "staff" in done) == ("X001", False, False)

            assert (await both.request("call_next", window=1))["ticket"]["number"] == "X001"
            stay = await both.request("finish", window=1)
            assert stay["ticket"]["state"] == "called"  # 医保 at the same window
            last = await both.request("finish", window=1)
            assert last["ticket"]["state"] == "done"
            assert [s["state"] for s in last["ticket"]["steps"]] == ["done"] * 3

            assert (await refused(kiosk, "take_bundle", bundle="NOPE", request_id="r2"))[
                "code"
            ] == "unknown_bundle"

    run(body())


def test_an_agent_holds_tickets_for_citizens_and_boards_see_a_number(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, bundle_hall(), pin_delay_s=0.0) as hall:
            agent = await hall.client("agent-1")
            board = await hall.client("board-1")
            kiosk = await hall.client("kiosk-1")
            before = await refused(
                agent, "take_for_citizen", request_id="p1", citizen_id=PHONE, service="SB"
            )
            assert before["code"] == "not_logged_in"
            no_role = await refused(agent, "agent_login", staff="s1", pin=PINS["s1"])
            assert no_role["code"] == "not_agent" and no_role["message_en"]
            assert (await refused(kiosk, "agent_login", staff=AGENT, pin=AGENT_PIN))[
                "code"
            ] == "forbidden"
            assert (await refused(kiosk, "take_for_citizen", request_id="p", citizen_id=PHONE))[
                "code"
            ] == "forbidden"

            login = await agent.request("agent_login", staff=AGENT, pin=AGENT_PIN)
            assert (login["staff"], login["staff_name"]) == (AGENT, "帮办员")
            one = await agent.request(
                "take_for_citizen", request_id="p1", citizen_id=PHONE, service="SB"
            )
            two = await agent.request(
                "take_for_citizen", request_id="p2", citizen_id=ID_NUMBER, bundle="BIRTH"
            )
            assert one["ticket"]["proxy"] == AGENT and "citizen_hash" not in one["ticket"]
            assert two["ticket"]["number"] == "X001"
            again = await refused(
                agent, "take_for_citizen", request_id="p3", citizen_id=PHONE, service="SB"
            )
            assert again["code"] == "already_holding"
            held = await agent.request("agent_tickets")
            assert [t["number"] for t in held["tickets"]] == ["A001", "X001"]

            # A board is sent the counts, not the tickets: nothing of who took them.
            counts = await board.next_event("counts")
            while counts["services"].get("SB", {}).get("waiting") != 1:  # sent before them
                counts = await board.next_event("counts")
            assert not {"proxy", "citizen_hash", "actor", "request_id"} & set(counts)
            picture = await kiosk.request("snapshot")
            assert all("proxy" not in t for t in picture["waiting"])

            stored = [e for e in hall.logged(0) if e["type"] == "ticket_issued"]
            assert [(e["proxy"], e["citizen_hash"]) for e in stored] == [
                (AGENT, citizen_hash(secret_of(hall.hall), PHONE)),  # as 预约 hashes it
                (AGENT, citizen_hash(secret_of(hall.hall), ID_NUMBER)),
            ]
            await agent.request("agent_logout")
            assert (await refused(agent, "agent_tickets"))["code"] == "not_logged_in"

    run(body())


def test_hostile_bundle_and_agent_requests_write_nothing(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, bundle_hall(), pin_delay_s=0.0) as hall:
            kiosk, agent = await hall.client("kiosk-1"), await hall.client("agent-1")
            await agent.request("agent_login", staff=AGENT, pin=AGENT_PIN)
            seq = hall.server.service.seq
            for client, kind, fields, code in (
                (kiosk, "take_bundle", {"bundle": "", "request_id": "r"}, "bad_field"),
                (kiosk, "take_bundle", {"bundle": "BIRTH"}, "missing_field"),
                (kiosk, "take_bundle", {"bundle": "X" * 300, "request_id": "r"}, "bad_field"),
                (
                    kiosk,
                    "take_bundle",
                    {"bundle": "BIRTH", "request_id": "r", "class": "vip"},
                    "bad_field",
                ),
                (
                    kiosk,
                    "take_bundle",
                    {"bundle": "BIRTH", "request_id": "r", "class": "appointment"},
                    "class_not_allowed",
                ),
                (agent, "take_for_citizen", {"request_id": "p", "citizen_id": ""}, "bad_field"),
                (
                    agent,
                    "take_for_citizen",
                    {"request_id": "p", "citizen_id": PHONE},
                    "unknown_service",
                ),
                (
                    agent,
                    "take_for_citizen",
                    {"request_id": "p", "citizen_id": PHONE, "service": "SB", "bundle": "BIRTH"},
                    "unknown_service",
                ),
                (
                    agent,
                    "take_for_citizen",
                    {"request_id": "p", "citizen_id": PHONE, "bundle": "NOPE"},
                    "unknown_bundle",
                ),
                (
                    agent,
                    "take_for_citizen",
                    {"request_id": "p", "citizen_id": "110105194912310021", "service": "SB"},
                    "bad_citizen_id",
                ),
                (agent, "agent_login", {"staff": AGENT}, "missing_field"),
            ):
                reply = await refused(client, kind, **fields)
                assert reply["code"] == code, (kind, fields, reply)
                assert reply["message"] and reply["message_en"]
            assert hall.server.service.seq == seq  # nothing written

    run(body())


def test_the_citizens_number_is_hashed_by_the_server_and_never_kept_or_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The agent sends the number; the log, the server's own log lines and every connection's
    messages (the agent's included) carry only the hall-keyed hash; a bad number is refused."""
    heard: list[str] = []

    def loads(raw: str | bytes) -> Any:
        heard.append(raw if isinstance(raw, str) else raw.decode())
        return json.loads(raw)

    monkeypatch.setattr(client_module, "json", SimpleNamespace(loads=loads, dumps=json.dumps))
    spaced_id = "110105 19491231 002x"  # typed with spaces and a small x: the same citizen

    async def body() -> None:
        async with running(tmp_path, bundle_hall(), pin_delay_s=0.0) as hall:
            agent = await hall.client("agent-1")
            others = [await hall.client(d) for d in ("board-1", "kiosk-1", "manager-1")]
            await others[2].request("manager_login", staff="s4", pin=PINS["s4"])
            await hall.clerk(1, "s2")
            await agent.request("agent_login", staff=AGENT, pin=AGENT_PIN)
            seq = hall.server.service.seq
            for bad in ("13812345679X", "1381234567", "23812345678", "110105194912310021", "x"):
                reply = await refused(
                    agent, "take_for_citizen", request_id="b", citizen_id=bad, service="SB"
                )
                assert reply["code"] == "bad_citizen_id", (bad, reply)
                assert reply["message"] == "请输入11位手机号码或18位身份证号码，请核对"
                assert "mobile number" in reply["message_en"] and bad not in json.dumps(reply)
            assert hall.server.service.seq == seq  # nothing written

            await agent.request("take_for_citizen", request_id="p1", citizen_id=PHONE, service="SB")
            await agent.request(
                "take_for_citizen", request_id="p2", citizen_id=spaced_id, bundle="BIRTH"
            )
            again = await refused(
                agent, "take_for_citizen", request_id="p3", citizen_id=ID_NUMBER, bundle="BIRTH"
            )
            assert again["code"] == "already_holding"  # one citizen, one hash
            await agent.request("agent_tickets")
            for client in others:
                await client.request("snapshot")
            # The board's and the kiosk's counts come in a write of their own after the batch.
            for client in others[:2]:
                await client.next_event("counts")

            logged = json.dumps(hall.logged(0), ensure_ascii=False)
            assert citizen_hash(secret_of(hall.hall), PHONE) in logged
            assert citizen_hash(secret_of(hall.hall), ID_NUMBER) in logged
            assert heard and any('"ticket_issued"' in m for m in heard)
            said = [r.getMessage() for r in caplog.records if r.name.startswith("queue_server")]
            assert said  # the server did log (connections, the agent's log-in)
            for text in (logged, *heard, *said):
                for secret in (PHONE, ID_NUMBER, "19491231", "110105194912310021", "23812345678"):
                    assert secret not in text

    with caplog.at_level(logging.DEBUG):
        run(body())


def test_a_bundle_goes_on_after_the_server_restarts(tmp_path: Path) -> None:
    """The log replayed: the ticket keeps its steps, its number and its place."""

    async def first() -> None:
        async with running(tmp_path, bundle_hall()) as hall:
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_bundle", bundle="BIRTH", request_id="r1")
            household = await hall.clerk(4, "s1")
            await household.request("call_next", window=4)
            await household.request("finish", window=4)  # 户籍 done: waits for 社保

    async def second() -> None:
        async with running(tmp_path, bundle_hall()) as hall:
            both = await hall.clerk(1, "s2")
            picture = await both.request("snapshot")
            [waiting] = picture["waiting"]
            assert (waiting["number"], waiting["service"], waiting["step"]) == ("X001", "SB", 1)
            assert [s["state"] for s in waiting["steps"]] == ["done", "current", "to_come"]
            assert (await both.request("call_next", window=1))["ticket"]["number"] == "X001"

    run(first())
    run(second())
