"""The client library against a real server and against a server that speaks nonsense."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from hallkit import running
from websockets.asyncio.server import ServerConnection, serve

from queue_server.client import HallClient


def test_close_ends_a_long_backoff_at_once(tmp_path: Path) -> None:
    async def body() -> None:
        states: asyncio.Queue[bool] = asyncio.Queue()
        async with running(tmp_path) as hall:
            client = HallClient(hall.url, "display", "board-1", hall.token("board-1"))
            task = asyncio.create_task(
                client.run_forever(on_state=states.put_nowait, first_backoff=30, max_backoff=60)
            )
            assert await asyncio.wait_for(states.get(), 10) is True
        # The server is gone: the client notices and backs off for ~30 s …
        assert await asyncio.wait_for(states.get(), 10) is False
        await client.close()
        await asyncio.wait_for(task, 5)  # … but close() ends it now.

    asyncio.run(body())


def test_malformed_server_messages_are_skipped(tmp_path: Path) -> None:
    async def nonsense(ws: ServerConnection) -> None:
        hello = json.loads(await ws.recv())
        await ws.send("not json at all")
        await ws.send("[1, 2, 3]")
        await ws.send(json.dumps({"type": "event", "kind": "ticket_issued"}))  # no seq
        await ws.send(json.dumps({"type": "welcome", "re": hello["id"], "seq": 7, "snapshot": {}}))
        await ws.send(json.dumps({"type": "event", "kind": "ticket_issued", "seq": 8}))
        await ws.wait_closed()

    async def body() -> None:
        async with serve(nonsense, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            client = HallClient(f"ws://127.0.0.1:{port}", "display", "d", "t" * 16)
            welcome = await client.connect()
            assert welcome["seq"] == 7
            event = await client.next_event()
            assert event["seq"] == 8 and client.last_seq == 8
            await client.close()

    asyncio.run(body())
