"""`python -m display`: a wrong setting stops it at once, naming the setting."""

from __future__ import annotations

import logging

import pytest

from display.__main__ import main


def test_a_wrong_setting_is_refused(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HALL_TOKEN", raising=False)
    with caplog.at_level(logging.ERROR):
        assert main(["--server", "http://hall/ws", "--device", "board-1", "--token", "t" * 20]) == 2
    assert "server must be a ws:// or wss:// url" in caplog.text
