"""Checkpoints survive restarts: a restart from one gives the state a full replay gives."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from hallkit import PINS, make_hall, running

from queue_server import core
from queue_server.config import load_hall
from queue_server.service import CHECKPOINT_EVERY, HallService
from queue_server.store import Store

T0 = 1795312800.0
DEMO = Path(__file__).resolve().parents[2] / "config" / "demo-hall.toml"


def full_replay(store: Store) -> core.Engine:
    engine = core.Engine(make_hall())
    for event in store.iter_events(0):
        engine.apply(event)
    return engine


def test_a_clean_stop_leaves_a_checkpoint_and_a_restart_equals_a_full_replay(
    tmp_path: Path,
) -> None:
    config = make_hall()

    async def busy_morning() -> None:
        async with running(tmp_path, config) as hall:
            kiosk = await hall.client("kiosk-1")
            for i in range(12):
                await kiosk.request(
                    "take_ticket", service=("SB", "YB", "HJ")[i % 3], request_id=f"r{i}"
                )
            clerk = await hall.client("clerk-1")
            await clerk.request("login", window=1, staff="s1", pin=PINS["s1"])
            await clerk.request("call_next", window=1)
            await clerk.request("park", window=1)
            await clerk.request("call_next", window=1)
            await clerk.request("finish", window=1)
            bridge = await hall.client("bridge-1")
            await bridge.request("rate", window=1, score=1)  # a 差评: a work order
            await bridge.request("rate_hall", score=2, aspect="environment")
            await clerk.request("pause", window=1, reason="lunch")

    asyncio.run(busy_morning())
    with Store.open(tmp_path / "hall.sqlite") as store:
        service = HallService(config, store)
        newest = next(iter(service.store.checkpoints(service._version)))[0]
        assert newest == store.last_seq()  # written at the stop: nothing left to replay
        assert service._since_checkpoint == 0
        replayed = full_replay(store)
        assert service.engine.state == replayed.state
        assert service.engine.snapshot(T0) == replayed.snapshot(T0)
        assert len(service.engine.snapshot(T0)["followups"]) == 2  # kept across the restart


def test_a_long_replay_at_start_is_checkpointed_at_once(tmp_path: Path) -> None:
    config = make_hall()
    engine = core.Engine(config)
    events: list[dict[str, Any]] = []
    now = T0
    while len(events) < CHECKPOINT_EVERY + 10:
        now += 0.05  # a rush: nobody waits past the maximum wait
        events += engine.execute(core.TakeTicket("SB", f"r{len(events)}"), now, "kiosk-1").events
    with Store.open(tmp_path / "hall.sqlite") as store:
        for i in range(0, len(events), 5000):
            store.append(events[i : i + 5000], {})
        first = HallService(config, store)
        assert first._since_checkpoint == 0  # it replayed everything, then saved a checkpoint
        second = HallService(config, store)
        assert second.engine.state == first.engine.state == full_replay(store).state


def test_a_restart_in_another_process_starts_from_the_checkpoint(tmp_path: Path) -> None:
    """Each start of the server is a new process with its own string hashing: the checkpoint
    the last one left must still be found, so nothing is replayed."""
    config = tmp_path / "hall.toml"
    config.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "hall.sqlite"
    hall = load_hall(config)
    engine = core.Engine(hall)
    events: list[dict[str, Any]] = []
    for i in range(40):
        service = hall.services[i % len(hall.services)].code
        with contextlib.suppress(core.DomainError):  # a service with a quota or hours
            events += engine.execute(core.TakeTicket(service, f"r{i}"), T0 + i, "kiosk-1").events
    with Store.open(db) as store:
        store.append(events, {})
        last = store.last_seq()
        HallService(hall, store)._checkpoint_now()  # as a stop does, in this process

    def start(seed: str) -> str:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "queue_server",
                "--config",
                str(config),
                "--db",
                str(db),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--log-level",
                "INFO",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert proc.stdout is not None
        assert "listening" in proc.stdout.readline()  # up: it has rebuilt its state
        proc.terminate()
        _, err = proc.communicate(timeout=60)
        found = re.search(r"state rebuilt from checkpoint seq (\d+) and (\d+) events", err)
        assert found, err
        return f"{found[1]} {found[2]}"

    for seed in ("1", "2"):  # neither is this process's (random) string hashing
        assert start(seed) == f"{last} 0"
