"""The command line of `python -m clerk`."""

from __future__ import annotations

import pytest

from clerk.__main__ import parse_args


def test_arguments() -> None:
    args = parse_args(
        [
            "--server",
            "ws://h:8765/ws",
            "--window",
            "3",
            "--device",
            "clerk-3",
            "--token",
            "t",
            "--lang",
            "en",
            "--compact",
        ]
    )
    assert (args.server, args.window, args.device, args.token) == (
        "ws://h:8765/ws",
        3,
        "clerk-3",
        "t",
    )
    assert args.lang == "en" and args.compact


def test_the_token_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALL_TOKEN", "from-env")
    args = parse_args(["--server", "ws://h/ws", "--window", "1", "--device", "clerk-1"])
    assert args.token == "from-env" and args.lang == "zh" and not args.compact


def test_a_missing_token_or_a_bad_language_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HALL_TOKEN", raising=False)
    with pytest.raises(SystemExit):
        parse_args(["--server", "ws://h/ws", "--window", "1", "--device", "clerk-1"])
    assert "--token" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_args(
            [
                "--server",
                "ws://h/ws",
                "--window",
                "1",
                "--device",
                "c",
                "--token",
                "t",
                "--lang",
                "fr",
            ]
        )
