"""好差评 through a real server: the three moments, 未办先评 from a bridge and from a phone,
and who sees the 差评 work orders."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hallkit import make_hall, running
from websockets.asyncio.client import ClientConnection, connect

from contract.replies import FollowupChanged, Rating, decode_reply
from contract.requests import decode_request, request_type
from queue_server import core, dispatch
from queue_server.client import ServerError
from queue_server.core.model import RatingMoment
from queue_server.guard import MAX_PUBLIC_RATINGS, RatingGuard
from queue_server.store import Store


async def ask(ws: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps(message, ensure_ascii=False))
    while True:
        reply: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("type") != "event":
            return reply


def test_every_moment_through_a_bridge(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            clerk = await hall.clerk(1, "s1")
            bridge = await hall.client("bridge-1")
            board = await hall.client("board-1")
            manager = await hall.client("manager-1")
            await kiosk.request("take_ticket", service="SB", request_id="r1")
            await clerk.request("call_next", window=1)
            during = await bridge.request("rate", window=1, score=2, moment="during")
            assert isinstance(decode_reply(during), Rating)
            assert during["rating"]["moment"] == "during"
            first = during["rating"]["followup"]
            assert first is not None and first.endswith("-F001")
            await clerk.request("finish", window=1)
            after = await bridge.request("rate", window=1, score=5)
            assert (after["rating"]["moment"], after["rating"]["followup"]) == ("after", None)
            with pytest.raises(ServerError) as again:
                await bridge.request("rate", window=1, score=4)
            assert again.value.code == "already_rated"
            hall_rating = await bridge.request("rate_hall", score=1, aspect="guidance")
            assert hall_rating["rating"]["moment"] == "before"
            second = hall_rating["rating"]["followup"]
            # Only the manager hears of the work order and lists it; the board hears nothing.
            opened = await manager.next_event("followup_opened")
            assert opened["followup"] == first and opened["owner"] == "s1"
            kinds: list[str] = []
            while kinds.count("rating_recorded") < 2:  # the 差评 during, the rating after
                kinds.append((await board.next_event())["kind"])
            assert "private" not in kinds
            assert not any(kind.startswith("followup") for kind in kinds)
            assert "followups" not in await board.request("snapshot")
            assert "followups" not in await clerk.request("snapshot")
            listed = (await manager.request("snapshot"))["followups"]
            assert [(f["followup"], f["owner"], f["ticket"]) for f in listed] == [
                (first, "s1", opened["ticket"]),
                (second, None, None),
            ]
            with pytest.raises(ServerError) as forbidden:
                await clerk.request("rate_hall", score=5)
            assert forbidden.value.code == "forbidden"

    asyncio.run(body())
    with Store.open(tmp_path / "hall.sqlite") as store:
        rows = [(r["moment"], r["score"], r["rejected"]) for r in store.ratings()]
        assert rows == [
            ("during", 2, None),
            ("after", 5, None),
            ("after", 4, "already_rated"),
            ("before", 1, None),
        ]
        assert [f["moment"] for f in store.followups()] == ["during", "before"]


def test_a_phone_rates_the_hall_a_few_times_and_no_more(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, hello_deadline_s=0.3) as hall:
            phone = await connect(hall.url)
            for i in range(MAX_PUBLIC_RATINGS):
                reply = await ask(
                    phone, {"type": "rate_hall", "id": i, "score": 4, "source": "evaluator"}
                )
                assert reply["type"] == "rating", reply
                assert (reply["rating"]["aspect"], reply["rating"]["bad"]) == ("overall", False)
            limited = await ask(phone, {"type": "rate_hall", "id": 9, "score": 1})
            assert limited["code"] == "rate_limited"
            # Another connection from the same address is the same phone (or script).
            other = await connect(hall.url)
            assert (await ask(other, {"type": "rate_hall", "id": 1, "score": 1}))[
                "code"
            ] == "rate_limited"
            await phone.close()
            await other.close()

    asyncio.run(body())
    with Store.open(tmp_path / "hall.sqlite") as store:
        # Recorded as from a phone, whatever the page said; the refused one is not written.
        assert [(r["source"], r["moment"]) for r in store.ratings()] == [("phone", "before")] * 3
        assert store.followups() == []


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"score": 9}, "bad_score"),
        ({"score": 0}, "bad_score"),
        ({"score": 3, "aspect": "toilets"}, "bad_field"),
        ({"score": "5"}, "bad_field"),
        ({}, "missing_field"),
    ],
)
def test_a_bad_hall_rating_from_a_phone_is_refused_and_not_written(
    tmp_path: Path, message: dict[str, Any], code: str
) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            phone = await connect(hall.url)
            reply = await ask(phone, {"type": "rate_hall", "id": 1, **message})
            assert reply["type"] == "error" and reply["code"] == code, reply
            assert reply["message"] and reply["message_en"]
            await phone.close()
            assert hall.server.service.store.last_seq() <= 1  # at most the day's start

    asyncio.run(body())
    with Store.open(tmp_path / "hall.sqlite") as store:
        assert store.ratings() == []


def test_a_hall_without_the_before_moment_refuses_hall_ratings(tmp_path: Path) -> None:
    hall_config = make_hall()
    ratings = dataclasses.replace(hall_config.ratings, moments=frozenset({RatingMoment.AFTER}))
    hall_config = dataclasses.replace(hall_config, ratings=ratings)

    async def body() -> None:
        async with running(tmp_path, hall=hall_config) as hall:
            bridge = await hall.client("bridge-1")
            with pytest.raises(ServerError) as caught:
                await bridge.request("rate_hall", score=5)
            assert caught.value.code == "moment_not_used"
            assert "本大厅未启用该评价方式" in caught.value.message

    asyncio.run(body())


def test_the_rating_guard_slides() -> None:
    now = [0.0]
    guard = RatingGuard(lambda: now[0], limit=2, window_s=60)
    assert [guard.allow("a"), guard.allow("a"), guard.allow("a"), guard.allow("b")] == [
        True,
        True,
        False,
        True,
    ]
    now[0] = 59.0
    assert not guard.allow("a")
    now[0] = 60.0
    assert guard.allow("a")


def test_a_managers_work_order_requests_map_to_engine_commands() -> None:
    """What the server runs for a manager's request, with the manager's staff id as actor."""
    engine = core.Engine(make_hall())
    now = 1795312800.0
    opened = engine.execute(core.RateHall(1), now, "bridge-1").events[-1]
    followup = opened["followup"]
    requests = [
        {"type": "followup_assign", "id": 1, "followup": followup, "owner": "s2"},
        {"type": "followup_contact", "id": 2, "followup": followup, "note": "已联系"},
        {
            "type": "followup_resolve",
            "id": 3,
            "followup": followup,
            "outcome": "fixed",
            "note": "已整改",
        },
        {"type": "followup_rerate", "id": 4, "followup": followup, "score": 5},
    ]
    for message in requests:
        request = decode_request(json.dumps(message, ensure_ascii=False))
        assert request_type(request) in dispatch.FOLLOWUP_REQUESTS
        result = dispatch.command_job(request, "s4")(engine, now)
        reply = decode_reply({"re": message["id"], **result.reply})
        assert isinstance(reply, FollowupChanged)
        assert [e["actor"] for e in result.events] == ["s4"]
    listed = engine.followup(followup)
    assert listed is not None
    assert (listed["owner"], listed["outcome"], listed["rerating"]) == ("s2", "fixed", 5)
    assert listed["contacts"][0]["staff"] == "s4"
    # A manager's device id is not a staff id: refused, nothing written.
    request = decode_request(json.dumps(requests[0]))
    with pytest.raises(core.DomainError) as caught:
        dispatch.command_job(request, "manager-1")(engine, now)
    assert caught.value.code == "unknown_staff"
