"""The station kiosk's watchdog with real processes: a kiosk killed, or hung, is started
again by `python -m kiosk.watchdog`, and the server sees it leave, come back and say so."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from hallkit import running

from queue_server.client import HallClient

ROOT = Path(__file__).resolve().parents[2]


async def presence(client: HallClient, online: bool) -> dict[str, Any]:
    """The next presence event of kiosk-1 saying ``online``."""
    while True:
        event = await client.next_event("device_presence", timeout=60)
        if event["device"] == "kiosk-1" and event["online"] is online:
            return event


async def restart_report(client: HallClient) -> str:
    """The detail of kiosk-1's next status report that tells of a restart."""
    while True:
        event = await client.next_event("device_status", timeout=60)
        detail = str(event.get("detail") or "")
        if event["device"] == "kiosk-1" and "restarted" in detail:
            return detail


async def alert_raised(client: HallClient, key: str) -> None:
    """The alert ``key`` is open: in the snapshot already, or raised by a coming check."""
    if key in {a["alert"] for a in (await client.request("snapshot"))["alerts"]}:
        return
    while (await client.next_event("alert_raised", timeout=30))["alert"] != key:
        pass


def child_pid(state: Path, not_this: int | None = None) -> int:
    pid = int((state / "child.pid").read_text(encoding="ascii"))
    assert pid != not_this
    return pid


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_killed_or_hung_kiosk_is_started_again_and_the_server_sees_it(tmp_path: Path) -> None:
    state = tmp_path / "watchdog"

    async def body() -> None:
        async with running(tmp_path, alert_check_s=1) as hall:
            manager = await hall.client("manager-1")
            settings = tmp_path / "kiosk.toml"
            settings.write_text(
                "[kiosk]\n"
                f'server = "{hall.url}"\n'
                'device = "kiosk-1"\n'
                f'token = "{hall.token("kiosk-1")}"\n'
                'printer = "fake"\n'
                'mode = "station"\n'
                "windowed = true\n"
                "heartbeat_s = 0.5\n",
                encoding="utf-8",
            )
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
            watchdog = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "kiosk.watchdog", "--state-dir", str(state)),
                *("--hung-after", "4", "--"),
                *(sys.executable, "-m", "kiosk", "--config", str(settings)),
                env=env,
                cwd=ROOT,
            )
            try:
                await presence(manager, online=True)
                first = child_pid(state)

                os.kill(first, signal.SIGKILL)  # a crash
                await presence(manager, online=False)
                await presence(manager, online=True)
                detail = await restart_report(manager)
                assert "killed by signal SIGKILL" in detail and "第 1 次" in detail
                second = child_pid(state, not_this=first)

                os.kill(second, signal.SIGSTOP)  # hung: no heartbeat, still connected
                await presence(manager, online=False)  # the watchdog killed it
                await presence(manager, online=True)
                detail = await restart_report(manager)
                assert "hung" in detail and "第 2 次" in detail
                third = child_pid(state, not_this=second)
                devices = {d["device"]: d for d in (await manager.request("snapshot"))["devices"]}
                assert devices["kiosk-1"]["online"] is True
                assert devices["kiosk-1"]["status"] == "recovered"  # amber on the wall
                assert "restarted" in devices["kiosk-1"]["detail"]
                await alert_raised(manager, "recovered:kiosk-1")  # until acknowledged
            finally:
                watchdog.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(watchdog.wait(), 30) == 0
            with pytest.raises(ProcessLookupError):
                os.kill(third, 0)  # the watchdog took the kiosk with it
            await presence(manager, online=False)

    asyncio.run(body())
