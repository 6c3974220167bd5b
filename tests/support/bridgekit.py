"""Test kit for the bridge: a bridge config for hallkit's hall, the bridge running in the
test's loop, and waiting on the fake bus without blocking that loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from hallkit import Running

from drivers.bridge import Bridge, LineState, parse_bridge_config
from drivers.bus.fake import FakeBus

# Windows 1 and 2: keypad at 1/2, evaluator at 0x11/0x12, number board at 0x21/0x22.
# Window 3: keypad and evaluator one unit at address 3, no board.
DEVICES = """
[[keypads]]
address = 1
window = 1
transfer_to = 2

[[keypads]]
address = 2
window = 2

[[keypads]]
address = 3
window = 3

[[evaluators]]
address = 0x11
window = 1
model = "four_key"

[[evaluators]]
address = 0x12
window = 2
model = "five_key"

[[evaluators]]
address = 3
window = 3
model = "five_key"

[[displays]]
address = 0x21
window = 1
type = "bus"

[[displays]]
address = 0x22
window = 2
type = "bus"
"""


def bridge_toml(hall: Running, port: str | Path, devices: str = DEVICES) -> str:
    return f"""
[server]
url = "{hall.url}"
device = "bridge-1"
token = "{hall.token("bridge-1")}"

[bus]
port = "{port}"
{devices}"""


async def until(bus: FakeBus, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for the fake bus's condition in a worker thread: the bridge runs in this loop."""
    assert await asyncio.to_thread(bus.wait_for, predicate, timeout), "fake bus: timed out"


@contextlib.asynccontextmanager
async def bridged(
    hall: Running, port: str | Path, devices: str = DEVICES, wait_line: bool = True
) -> AsyncIterator[Bridge]:
    """A bridge running in this loop, connected to `hall`; stopped cleanly at the end."""
    config = parse_bridge_config(bridge_toml(hall, port, devices), "test-bridge.toml")
    bridge = Bridge(config, min_backoff=0.05, max_backoff=0.3)
    task = asyncio.create_task(bridge.run())
    try:
        # With the line: until the server knows it is fine, so that a test's watcher sees
        # only the device_status events the test itself causes.
        await bridge.wait_for(
            lambda: bridge.syncs >= 1 and (not wait_line or bridge.reported is LineState.OK)
        )
        yield bridge
    finally:
        bridge.stop()
        await asyncio.wait_for(task, 10)
