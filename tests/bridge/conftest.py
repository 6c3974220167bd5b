"""The bridge's tests: a real server (hallkit), fake devices on a pty, no leftover threads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.bus.fake import FakeBus


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    for thread in set(threading.enumerate()) - before:
        if thread.name.startswith("asyncio-waitpid"):  # asyncio's child watcher, ending
            thread.join(5)
    assert set(threading.enumerate()) - before == set()


@pytest.fixture
def bus() -> Iterator[FakeBus]:
    with FakeBus() as bus:
        yield bus


@pytest.fixture
def link(tmp_path: Path, bus: FakeBus) -> Path:
    """A stable name for the bus, like /dev/serial/by-id/usb-…: a symlink to the pty."""
    path = tmp_path / "usb-bus-if00-port0"
    path.symlink_to(bus.port_path)
    return path
