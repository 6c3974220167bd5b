"""The bridge as a real process: `python -m drivers.bridge --config …`, stopped by a signal."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from bridgekit import bridge_toml, until
from hallkit import running

from drivers.bus.fake import FakeBus, FakeKeypad
from drivers.bus.keypad import KeypadAction

ROOT = Path(__file__).resolve().parents[2]


async def start_bridge(config: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "drivers.bridge",
        "--config",
        str(config),
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_process_bridges_and_stops_cleanly_on_a_signal(
    tmp_path: Path, link: Path, bus: FakeBus, sig: signal.Signals
) -> None:
    keypad = bus.attach(FakeKeypad(1))

    async def body() -> None:
        async with running(tmp_path) as hall:
            watcher = await hall.client("board-1")
            await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            config = tmp_path / "bridge.toml"
            config.write_text(bridge_toml(hall, link), encoding="utf-8")
            proc = await start_bridge(config)
            try:
                status = await watcher.next_event("device_status", timeout=30)
                assert (status["device"], status["status"]) == ("bridge-1", "ok")
                keypad.press(KeypadAction.CALL_NEXT)
                assert (await watcher.next_event("ticket_called"))["number"] == "A001"
                await until(bus, lambda: keypad.display == "  1001")
                proc.send_signal(sig)
                _, stderr = await asyncio.wait_for(proc.communicate(), 10)
            finally:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
            assert proc.returncode == 0, stderr.decode()
            log = stderr.decode()
            assert "bridge stopped" in log and "Traceback" not in log
            assert f"bus port {link} closed" in log

    asyncio.run(body())


def test_a_bad_config_exits_with_status_2_naming_the_line(tmp_path: Path) -> None:
    config = tmp_path / "bridge.toml"
    config.write_text(
        '[server]\nurl = "ws://x/ws"\ndevice = "b"\ntoken = "t"\n'
        '[bus]\nport = "loop://"\n[[keypads]]\naddress = 1\nwindow = 0\n'
    )

    async def body() -> None:
        proc = await start_bridge(config)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 2
        assert (
            f"{config}:9: keypads[0].window: must be between 1 and 9999, got 0" in stderr.decode()
        )

    asyncio.run(body())


def test_check_only_reads_the_file() -> None:
    async def body() -> None:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "drivers.bridge",
            "--config",
            "config/demo-bridge.toml",
            "--check",
            stderr=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, stderr.decode()
        assert "4 keypads, 4 evaluators, 5 displays" in stderr.decode()

    asyncio.run(body())
