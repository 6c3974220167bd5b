"""Random JSON into every request type of every role, against a real server and SQLite file.

Whatever arrives (text with lone surrogates, huge integers, deep nesting, wrong types), every
request gets a reply, the server then still serves other clients, and the log holds only rows
that replay.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hallkit import make_hall
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from contract.requests import REQUEST_TYPES
from queue_server.core import Engine
from queue_server.guard import AddressGuard
from queue_server.server import HallServer
from queue_server.service import HallService
from queue_server.store import Store

ROLES = ("kiosk-1", "clerk-1", "bridge-1", "board-1", "manager-1", None)


@dataclass
class Hall:
    url: str
    db: Path
    tokens: dict[str, tuple[str, str]]  # device -> (role, token)
    server: HallServer
    loop: asyncio.AbstractEventLoop


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    """One server for all examples, on its own event loop in a thread."""
    db = tmp_path_factory.mktemp("fuzz") / "hall.sqlite"
    layout = make_hall()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, Any] = {}

    async def start() -> None:
        server = HallServer(HallService(layout, Store.open(db)), pin_delay_s=0.0)
        server.addresses = AddressGuard(server.addresses.clock, limit=10**9)
        box["server"], box["port"] = server, await server.start("127.0.0.1", 0)
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(30)
    ready.wait(30)
    tokens = {d.id: (d.role.value, d.token) for d in layout.devices}
    server = box["server"]
    yield Hall(f"ws://127.0.0.1:{box['port']}/ws", db, tokens, server, loop)
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)
    loop.close()


@contextlib.contextmanager
def session(hall: Hall, device: str | None) -> Iterator[ClientConnection]:
    with connect(hall.url, open_timeout=10, max_size=None) as ws:
        if device is not None:
            role, token = hall.tokens[device]
            ws.send(
                json.dumps(
                    {"type": "hello", "id": "h", "role": role, "device": device, "token": token}
                )
            )
            assert reply_to(ws)["type"] == "welcome"
        yield ws


def reply_to(ws: ClientConnection) -> dict[str, Any]:
    """The next message that is not an event."""
    while True:
        message = json.loads(ws.recv(timeout=15))
        if message.get("type") != "event":
            return dict(message)


text = st.text(alphabet=st.characters(codec=None), max_size=30)  # surrogates included
scalars = st.one_of(
    st.none(),
    st.booleans(),
    text,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.sampled_from(["SB", "A001", "s1", "1001", "normal", "ok", "lunch", "2026-01-01-A001"]),
    st.integers(min_value=0, max_value=5),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
ids = st.one_of(text, st.integers(min_value=-(2**60), max_value=2**60), json_values)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str | None, dict[str, Any]]:
    device = draw(st.sampled_from(ROLES))
    kind = draw(st.sampled_from(sorted(REQUEST_TYPES)))
    message: dict[str, Any] = {"type": kind, "id": draw(ids)}
    cls = REQUEST_TYPES[kind]
    for name in cls.__struct_encode_fields__:
        if name != "id" and draw(st.booleans()):
            message[name] = draw(json_values)
    if draw(st.booleans()):
        message[draw(text)] = draw(json_values)  # a field nobody asked for
    return device, message


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(requests(), min_size=1, max_size=6))
def test_every_request_gets_a_reply_and_the_hall_goes_on(
    hall: Hall, batch: list[tuple[str | None, dict[str, Any]]]
) -> None:
    for device, message in batch:
        with session(hall, device) as ws:
            ws.send(json.dumps(message))  # ASCII escapes: lone surrogates arrive as sent
            try:
                reply = reply_to(ws)
            except ConnectionClosed as closed:  # only a guessing hello may end a connection
                assert message.get("type") == "hello", (message, closed)
                continue
            assert reply["type"] != "event"
            expected = message["id"]
            assert reply.get("re") in (expected, None), (message, reply)
            if reply["type"] == "error":
                assert reply["code"] and reply["message"] and reply["message_en"]
    with session(hall, "kiosk-2") as canary:
        canary.send(json.dumps({"type": "ping", "id": "canary"}))
        assert reply_to(canary)["type"] == "pong"


def test_the_log_after_the_fuzz_replays(hall: Hall) -> None:
    """Runs after the fuzz in this module: every stored row is valid and replays."""
    service = hall.server.service
    for _ in range(50):
        # Devices leaving are recorded by the writer a moment after their connection closes:
        # wait until it has committed everything, then compare the log with the live state.
        asyncio.run_coroutine_threadsafe(service.queue.join(), hall.loop).result(30)
        engine = replay(hall)
        if engine.state == service.engine.state:
            break
    assert engine.state == service.engine.state


def replay(hall: Hall) -> Engine:
    conn = sqlite3.connect(hall.db)
    try:
        rows = conn.execute("SELECT data FROM events ORDER BY seq").fetchall()
        tickets = conn.execute("SELECT data FROM tickets").fetchall()
    finally:
        conn.close()
    engine = Engine(hall.server.hall)
    for (data,) in rows:
        data.encode("utf-8")
        engine.apply(json.loads(data))
    for (data,) in tickets:
        json.loads(data)["id"].encode("utf-8")
    return engine
