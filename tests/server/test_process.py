"""The server as a real process: killed with SIGKILL it loses nothing it acknowledged."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from pathlib import Path

import pytest
from hallkit import server_process

from queue_server.client import HallClient, NotConnected, ServerError
from queue_server.config import load_hall

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "demo-hall.toml"


async def start_server(db: Path) -> tuple[asyncio.subprocess.Process, str]:
    return await server_process(db, CONFIG)


def kiosks(url: str, count: int) -> list[HallClient]:
    hall = load_hall(CONFIG)
    devices = [d for d in hall.devices if d.role.value == "kiosk"]
    return [
        HallClient(url, "kiosk", devices[i % len(devices)].id, devices[i % len(devices)].token)
        for i in range(count)
    ]


def services() -> list[str]:
    return [s.code for s in load_hall(CONFIG).services][:4]


@pytest.mark.slow
def test_sigkill_loses_no_acknowledged_ticket_and_numbering_continues(tmp_path: Path) -> None:
    db = tmp_path / "hall.sqlite"
    codes = services()

    async def body() -> None:
        proc, url = await start_server(db)
        acked: dict[str, str] = {}  # request id -> ticket number
        enough = asyncio.Event()

        async def take(client: HallClient, k: int) -> None:
            await client.connect()
            n = 0
            try:
                while True:
                    rid = f"c{k}-{n}"
                    reply = await client.request(
                        "take_ticket", service=codes[n % len(codes)], request_id=rid
                    )
                    acked[rid] = reply["ticket"]["number"]
                    n += 1
                    if len(acked) >= 400:
                        enough.set()
            except (TimeoutError, NotConnected, ServerError, OSError):
                return  # the server died under us

        clients = kiosks(url, 4)
        tasks = [asyncio.create_task(take(c, k)) for k, c in enumerate(clients)]
        await asyncio.wait_for(enough.wait(), 60)
        proc.send_signal(signal.SIGKILL)  # mid-stream: requests are in flight
        await proc.wait()
        await asyncio.gather(*tasks)
        for c in clients:
            await c.close()

        # Every acknowledged ticket is on disk, exactly as acknowledged.
        conn = sqlite3.connect(db)
        stored = dict(conn.execute("SELECT request_id, number FROM tickets").fetchall())
        conn.close()
        assert len(acked) >= 400
        for rid, number in acked.items():
            assert stored.get(rid) == number

        # After restart: retries return the same tickets, new numbers never repeat.
        proc, url = await start_server(db)
        try:
            again_clients = kiosks(url, 4)  # a request id is its kiosk's: retry from there
            for c in again_clients:
                await c.connect()
            client = again_clients[0]
            for rid in list(acked)[:20]:
                k, n = (int(part) for part in rid[1:].split("-"))
                again = await again_clients[k].request(
                    "take_ticket", service=codes[n % len(codes)], request_id=rid
                )
                assert again["ticket"]["number"] == acked[rid]
            fresh = []
            for n in range(len(codes) * 3):
                reply = await client.request(
                    "take_ticket", service=codes[n % len(codes)], request_id=f"after-{n}"
                )
                fresh.append(reply["ticket"]["number"])
            assert not set(fresh) & set(stored.values())
            for code_prefix in {num[0] for num in fresh}:
                before = max(int(v[1:]) for v in stored.values() if v[0] == code_prefix)
                after = sorted(int(v[1:]) for v in fresh if v[0] == code_prefix)
                assert after[0] == before + 1  # numbering continues where it stopped
            for c in again_clients:
                await c.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 30) == 0

    asyncio.run(body())


@pytest.mark.slow
def test_sigterm_shuts_down_cleanly(tmp_path: Path) -> None:
    async def body() -> None:
        proc, url = await start_server(tmp_path / "hall.sqlite")
        client = kiosks(url, 1)[0]
        await client.connect()
        await client.request("take_ticket", service=services()[0], request_id="r1")
        os.kill(proc.pid, signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        with pytest.raises((NotConnected, ServerError, OSError, asyncio.TimeoutError)):
            await client.request("ping", timeout=5)
        await client.close()
        conn = sqlite3.connect(tmp_path / "hall.sqlite")
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM tickets").fetchone() == (1,)
        conn.close()

    asyncio.run(body())
