"""`scripts/backup.sh` while the server takes tickets, and a restore as docs/operations.md says.

Every ticket acknowledged before a backup starts is in that backup, and a backup holds nothing
that was not acknowledged: it is one consistent snapshot, taken while the server writes. A
restored backup (server stopped, the database and its -wal/-shm moved aside, the backup copied
in) starts: the server's sequence is the backup's, and new numbers do not repeat the backup's.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from hallkit import server_process

from queue_server.client import HallClient
from queue_server.config import load_hall

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "scripts" / "backup.sh"
CONFIG = ROOT / "config" / "demo-hall.toml"


async def start_server(db: Path) -> tuple[asyncio.subprocess.Process, int]:
    proc, url = await server_process(db, CONFIG)
    return proc, int(url.rsplit(":", 1)[1].split("/")[0])


async def stop_server(proc: asyncio.subprocess.Process) -> None:
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 30) == 0


def health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as reply:
        body: dict[str, Any] = json.load(reply)
    return body


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def backup(db: Path, dest: Path) -> Path:
    proc = await asyncio.create_subprocess_exec(
        "bash",
        str(BACKUP),
        str(db),
        str(dest),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    path = Path(out.decode().strip())
    assert path.parent == dest and path.name.startswith("hall-") and path.suffix == ".sqlite"
    return path


@pytest.mark.slow
def test_backup_while_serving_then_restore(tmp_path: Path) -> None:
    db = tmp_path / "hall.sqlite"
    dest = tmp_path / "backups"
    hall = load_hall(CONFIG)
    codes = [s.code for s in hall.services][:3]
    kiosks = [d for d in hall.devices if d.role.value == "kiosk"][:2]

    async def body() -> None:
        proc, port = await start_server(db)
        acked: dict[str, str] = {}  # ticket id -> number, as acknowledged
        stop = asyncio.Event()
        progress = asyncio.Condition()  # notified at each acknowledged ticket

        async def take(client: HallClient, k: int) -> None:
            await client.connect()
            n = 0
            while not stop.is_set():
                reply = await client.request(
                    "take_ticket", service=codes[n % len(codes)], request_id=f"b{k}-{n}"
                )
                acked[reply["ticket"]["id"]] = reply["ticket"]["number"]
                n += 1
                async with progress:
                    progress.notify_all()

        async def acknowledged(count: int) -> None:
            async with progress:
                await asyncio.wait_for(progress.wait_for(lambda: len(acked) >= count), 60)

        clients = [HallClient(f"ws://127.0.0.1:{port}/ws", "kiosk", d.id, d.token) for d in kiosks]
        tasks = [asyncio.create_task(take(c, k)) for k, c in enumerate(clients)]
        try:
            await acknowledged(30)
            snapshots: list[tuple[dict[str, str], Path]] = []
            for _ in range(3):
                before = dict(acked)
                snapshots.append((before, await backup(db, dest)))
                await acknowledged(len(before) + 20)  # the server goes on writing
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            for c in clients:
                await c.close()
        await stop_server(proc)

        for before, path in snapshots:
            stored = dict(rows(path, "SELECT id, number FROM tickets"))
            assert before.items() <= stored.items(), path  # nothing acknowledged is missing
            assert stored.items() <= acked.items(), path  # nothing that was not acknowledged
            assert rows(path, "PRAGMA integrity_check") == [("ok",)]

        # Restore the last backup: the server is stopped; move the database with its -wal and
        # -shm aside, copy the backup in.
        last = snapshots[-1][1]
        aside = tmp_path / "before-restore"
        aside.mkdir()
        for suffix in ("", "-wal", "-shm"):
            old = Path(f"{db}{suffix}")
            if old.exists():
                old.rename(aside / old.name)
        shutil.copy2(last, db)
        backup_seq = rows(last, "SELECT max(seq) FROM events")[0][0]
        backup_numbers = {number for (number,) in rows(last, "SELECT number FROM tickets")}

        proc, port = await start_server(db)
        try:
            # The restored hall continues from the backup: the only new events say that the
            # devices connected at backup time are gone (nobody stays connected through it).
            seq = (await asyncio.to_thread(health, port))["seq"]
            after = rows(
                db, f"SELECT type, data FROM events WHERE seq > {backup_seq} AND seq <= {seq}"
            )
            assert len(after) == seq - backup_seq
            assert all(
                kind == "device_presence" and '"online":false' in data for kind, data in after
            )
            client = HallClient(f"ws://127.0.0.1:{port}/ws", "kiosk", kiosks[0].id, kiosks[0].token)
            await client.connect()
            reply = await client.request("take_ticket", service=codes[0], request_id="restored-1")
            assert reply["ticket"]["number"] not in backup_numbers
            await client.close()
        finally:
            await stop_server(proc)

    asyncio.run(body())


def test_backup_refuses_a_missing_database_and_keeps_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    done = subprocess.run(
        ["bash", str(BACKUP), str(tmp_path / "nothing.sqlite"), str(dest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "no database" in done.stderr
    assert not (tmp_path / "nothing.sqlite").exists()
    assert not dest.exists() or not list(dest.iterdir())


def test_keep_days_deletes_only_old_backups(tmp_path: Path) -> None:
    db = tmp_path / "hall.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    dest = tmp_path / "backups"
    dest.mkdir()
    old, recent, other = dest / "hall-old.sqlite", dest / "hall-recent.sqlite", dest / "notes.txt"
    for path in (old, recent, other):
        path.write_text("x")
    long_ago = time.time() - 40 * 86400
    for path in (old, other):
        os.utime(path, (long_ago, long_ago))
    done = subprocess.run(
        ["bash", str(BACKUP), str(db), str(dest), "--keep-days", "30"],
        capture_output=True,
        text=True,
        check=True,
    )
    new = Path(done.stdout.strip())
    assert new.exists() and rows(new, "SELECT x FROM t") == [(1,)]
    assert not old.exists()
    assert recent.exists() and other.exists()
