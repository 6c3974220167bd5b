"""The station's settings (mode, self_service, heartbeat) from the file and the watchdog. No Qt."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, SelfService, load

BASE = ["--server", "ws://10.0.0.2:8765/ws", "--device", "k1", "--token", "t", "--printer", "x"]


def test_a_station_with_its_self_service_list(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        "[kiosk]\n"
        'mode = "station"\n'
        "self_service = [\n"
        '  { zh = "社保缴费证明打印", en = "Social insurance certificates" },\n'
        '  { zh = "公积金查询" },\n'
        "]\n",
        "utf-8",
    )
    config = load([*BASE, "--config", str(path)])
    assert config.mode == "station"
    assert config.self_service == (
        SelfService("社保缴费证明打印", "Social insurance certificates"),
        SelfService("公积金查询"),
    )
    assert load(BASE).mode == "hall" and load(BASE).self_service == ()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('mode = "night"', '{file}:2: mode: must be "hall" or "station", got "night"'),
        ('self_service = [{ en = "x" }]', "{file}:2: self_service: required field is missing"),
        ('self_service = [{ zh = "" }]', "{file}:2: self_service: must not be empty"),
        ("heartbeat_s = 0", "{file}:2: heartbeat_s: must be more than 0, got 0"),
        ('self_service = [{ zh = "a", url = "x" }]', "{file}:2: self_service"),
    ],
)
def test_a_bad_station_setting_is_named_with_its_line(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[kiosk]\n{toml}\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load([*BASE, "--config", str(path)])
    assert str(caught.value).startswith(message.format(file=path)), str(caught.value)


def test_the_watchdog_gives_the_heartbeat_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_HEARTBEAT", "/run/hall/heartbeat")
    assert load(BASE).heartbeat == "/run/hall/heartbeat"
    assert load([*BASE, "--heartbeat", "/tmp/beat"]).heartbeat == "/tmp/beat"
