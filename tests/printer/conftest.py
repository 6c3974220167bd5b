"""Fixtures of the printer driver tests: a literal ticket and a maker of variants."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from drivers.printer.ticket import PrintableTicket

BEIJING = dt.timezone(dt.timedelta(hours=8))
QR_URL = "https://zwfw.example.gov.cn/q?t=A001&d=20240601&h=0123456789abcdef"  # 66 chars

BASE_TICKET = PrintableTicket(
    hall_name="便民服务中心",
    number="A001",
    service_name="社保卡（补办）",
    ticket_class="normal",
    ahead=3,
    estimated_wait_s=300,
    location="二〇一室",
    issued_at=dt.datetime(2024, 6, 1, 9, 30, 0, tzinfo=BEIJING),
    footer="过号请重新取号",
)


@pytest.fixture
def make_ticket() -> Callable[..., PrintableTicket]:
    def make(**changes: Any) -> PrintableTicket:
        return dataclasses.replace(BASE_TICKET, **changes)

    return make


@pytest.fixture(autouse=True)
def no_fake_printer_left_running() -> Iterator[None]:
    """Fail a test that leaves a fake printer's reader thread running."""
    yield
    left = [t.name for t in threading.enumerate() if t.name == "fake-printer"]
    assert not left, f"threads left running: {left}"
