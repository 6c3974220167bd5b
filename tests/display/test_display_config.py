"""The board's settings: file, command line, and refusals that name the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from display.config import ConfigError, load

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ["--server", "ws://10.0.0.2:8765/ws", "--device", "board-1", "--token", "t" * 20]


def test_the_example_file_reads() -> None:
    config = load(["--config", str(ROOT / "config" / "demo-board.toml")])
    assert config.device == "display-1f"
    assert config.zone == (1, 2, 3, 4, 5, 6, 7)
    assert config.window is None
    assert config.notice.startswith("温馨提示")


def test_the_command_line_wins(tmp_path: Path) -> None:
    path = tmp_path / "board.toml"
    path.write_text('[display]\nrows = 6\nlayout = "portrait"\nlang = "en"\n', encoding="utf-8")
    config = load(
        [*REQUIRED, "--config", str(path), "--rows", "12", "--zone", "3, 4", "--window", "3"]
    )
    assert (config.rows, config.layout, config.lang) == (12, "portrait", "en")
    assert config.zone == (3, 4)
    assert config.window == 3


def test_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALL_TOKEN", "from-the-environment")
    config = load(["--server", "ws://h/ws", "--device", "board-1"])
    assert config.token == "from-the-environment"


@pytest.mark.parametrize(
    ("text", "line", "key", "problem"),
    [
        ("[display]\nrows = 40\n", 2, "rows", "must be between 1 and 20, got 40"),
        ('[display]\nlayout = "sideways"\n', 2, "layout", 'must be "auto", "landscape" or'),
        ('[display]\n\nzone = [1, 2, "x"]\n', 3, "zone", "must be a whole number"),
        ("[display]\nhighlight = 3\n", 2, "highlight", "unknown key (typo?)"),
        ('[display]\nserver = "http://h"\n', 2, "server", "must be a ws:// or wss:// url"),
    ],
)
def test_a_bad_value_names_its_line_and_key(
    tmp_path: Path, text: str, line: int, key: str, problem: str
) -> None:
    path = tmp_path / "board.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load([*REQUIRED, "--config", str(path)])
    assert refused.value.line == line
    assert refused.value.field == key
    assert problem in refused.value.problem


def test_required_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALL_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="token is missing"):
        load(["--server", "ws://h/ws", "--device", "board-1"])
    with pytest.raises(ConfigError, match="rows"):
        load([*REQUIRED, "--rows", "0"])
