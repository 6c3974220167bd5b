"""Projections of committed events: applied after each commit, caught up at start-up."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from hallkit import make_hall, running

from queue_server.service import HallService
from queue_server.store import Store


def test_ratings_are_projected_after_commit_and_caught_up_after_a_loss(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            clerk = await hall.clerk(1, "s1")
            bridge = await hall.client("bridge-1")
            await kiosk.request("take_ticket", service="SB", request_id="r1")
            await clerk.request("call_next", window=1)
            await clerk.request("finish", window=1)
            await bridge.request("rate", window=1, score=1)  # 差评: a follow-up opens
            store = hall.server.service.store
            assert isinstance(store, Store)
            assert [r["score"] for r in store.ratings()] == [1]
            assert len(store.followups()) == 1

    asyncio.run(body())
    # As if the projection had failed after the commit: its rows and position are gone.
    conn = sqlite3.connect(tmp_path / "hall.sqlite")
    with conn:
        conn.execute("DELETE FROM ratings")
        conn.execute("DELETE FROM followups")
        conn.execute("UPDATE projections SET seq = 0")
    conn.close()
    store = Store.open(tmp_path / "hall.sqlite")
    try:
        HallService(make_hall(), store)  # start-up catches the projection up
        assert [r["score"] for r in store.ratings()] == [1]
        assert [f["status"] for f in store.followups()] == ["open"]
    finally:
        store.close()
