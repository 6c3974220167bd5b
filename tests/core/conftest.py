"""Fixtures of the engine tests: a fresh engine on the literal hall and a clerk on a clock."""

from __future__ import annotations

import pytest
from core_hall import HALL, Clerk

from queue_server.core import Engine


@pytest.fixture
def engine() -> Engine:
    return Engine(HALL)


@pytest.fixture
def run(engine: Engine) -> Clerk:
    return Clerk(engine)
