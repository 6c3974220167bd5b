"""A generated month (November 2026, working days) in a real SQLite file, made once."""

from __future__ import annotations

from pathlib import Path

import pytest
from monthkit import HALL_TOML, Month, generate

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "reports"


@pytest.fixture(scope="session")
def month(tmp_path_factory: pytest.TempPathFactory) -> Month:
    root = tmp_path_factory.mktemp("month")
    config = root / "hall.toml"
    config.write_text(HALL_TOML, encoding="utf-8")
    db = root / "hall.sqlite"
    return Month(db, config, generate(db))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
