"""Staff PIN hashes: scrypt format, verification, and the command that makes them."""

from __future__ import annotations

import getpass
import re

import pytest

from queue_server import pins


def test_hash_has_the_config_format_and_verifies() -> None:
    stored = pins.hash_pin("1234")
    assert re.fullmatch(r"scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}", stored)
    assert pins.is_pin_hash(stored)
    assert pins.verify_pin("1234", stored)
    assert not pins.verify_pin("1235", stored)
    assert not pins.verify_pin("", stored)


def test_salt_is_random_unless_given() -> None:
    assert pins.hash_pin("1234") != pins.hash_pin("1234")
    salt = bytes(range(16))
    assert pins.hash_pin("1234", salt) == pins.hash_pin("1234", salt)
    assert pins.hash_pin("1234", salt).split("$")[1] == salt.hex()


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "1234",
        "scrypt$$",
        "scrypt$zz$00",
        "pbkdf2$" + "00" * 16 + "$" + "00" * 32,
        "scrypt$" + "00" * 16 + "$" + "00" * 31,
    ],
)
def test_malformed_hash_never_matches(stored: str) -> None:
    assert not pins.is_pin_hash(stored)
    assert not pins.verify_pin("1234", stored)


def test_empty_pin_is_refused() -> None:
    with pytest.raises(ValueError, match="PIN must not be empty"):
        pins.hash_pin("")


def test_cli_prints_a_pin_hash_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert pins.main(["2468"]) == 0
    line = capsys.readouterr().out.strip()
    match = re.fullmatch(r'pin_hash = "(scrypt\$[0-9a-f]+\$[0-9a-f]+)"', line)
    assert match is not None, line
    assert pins.verify_pin("2468", match[1])


def test_cli_prompts_twice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["7531", "7531"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    assert pins.main([]) == 0
    assert pins.verify_pin("7531", capsys.readouterr().out.split('"')[1])


def test_cli_refuses_differing_or_non_digit_pins(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["7531", "7532"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    assert pins.main([]) == 1
    assert pins.main(["12a4"]) == 1
    assert pins.main(["12"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "4–12 位数字" in captured.err
