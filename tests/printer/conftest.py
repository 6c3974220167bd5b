"""Fixtures of the printer driver tests: a literal ticket and a maker of variants."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from printerkit import BASE_TICKET

from drivers.printer.ticket import PrintableTicket


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
