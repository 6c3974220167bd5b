"""Fixtures of the kiosk tests: the server (kioskkit.HallThread), a fake printer, kiosks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hallkit import bundle_hall
from kioskkit import (
    HallThread,
    KioskRig,
    booked_only_hall,
    demo_hall,
    english_hall,
    office_hours_hall,
    rich_hall,
)
from pytestqt.qtbot import QtBot

from drivers.printer.fake import FakePrinter


@pytest.fixture
def hall_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HallThread]:
    """The server; `@pytest.mark.parametrize("hall_server", ["rich"], indirect=True)` gives
    the richer hall, `["demo"]` the demonstration hall, `["english"]` English categories,
    `["office_hours"]` 社保 open 09:00–17:00 only, `["bundles"]` a 一件事 bundle."""
    param = getattr(request, "param", None)
    halls = {
        "rich": rich_hall,
        "booked_only": booked_only_hall,
        "demo": demo_hall,
        "english": english_hall,
        "office_hours": office_hours_hall,
        "bundles": bundle_hall,  # 一件事: BIRTH (户籍, 社保, 医保)
    }
    hall = halls[param]() if param else None
    server = HallThread(tmp_path, hall)
    server.start()
    yield server
    server.close()


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    with FakePrinter("ok") as fake:
        yield fake


@pytest.fixture
def make_kiosk(
    qtbot: QtBot, hall_server: HallThread, fake_printer: FakePrinter
) -> Iterator[Callable[..., KioskRig]]:
    rigs: list[KioskRig] = []

    def make(**overrides: Any) -> KioskRig:
        rig = KioskRig(qtbot, hall_server, fake_printer, **overrides)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.stop()


@pytest.fixture
def kiosk(make_kiosk: Callable[..., KioskRig]) -> KioskRig:
    rig = make_kiosk()
    rig.wait_ready()
    return rig
