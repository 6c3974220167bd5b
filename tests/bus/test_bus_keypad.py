"""Keypad key codes -> clerk actions (HARDWARE.md's table), and the inverse."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.bus.frame import Frame, FrameDecoder
from drivers.bus.keypad import KeypadAction, KeypadPress, decode_key, key_frame

A = KeypadAction


@pytest.mark.parametrize(
    ("data", "action", "digits"),
    [
        ("0C", A.CALL_NEXT, ""),
        ("0D", A.RECALL, ""),
        ("0B", A.INVITE_RATING, ""),
        ("06 0F", A.NO_SHOW, "6"),
        ("00 0F", A.PARK, "0"),
        ("03 0F", A.CALL_BACK, "3"),
        ("12", A.PAUSE, ""),
        ("13", A.TRANSFER, ""),
        ("05 13", A.TRANSFER, "5"),  # digits typed before a key are passed on
        ("00 01 02 0C", A.CALL_NEXT, "012"),
    ],
)
def test_key_table(data: str, action: KeypadAction, digits: str) -> None:
    raw = bytes.fromhex(data)
    press = decode_key(Frame(7, 0x01, raw))
    assert press == KeypadPress(7, action, digits, raw[-1])


@pytest.mark.parametrize(
    "data",
    [
        "0F",  # confirm with no digit
        "01 0F",  # 1 + confirm means nothing
        "06 06 0F",  # two digits + confirm: the source ignores it too
        "0E",  # 取消, unused
        "11",  # 一米线, unused
        "0A",  # a digit-area byte as key
        "42",
        "20 0C",  # a non-digit before the key
    ],
)
def test_unknown_keys_are_unknown_and_logged(data: str, caplog: pytest.LogCaptureFixture) -> None:
    raw = bytes.fromhex(data)
    with caplog.at_level(logging.WARNING, logger="drivers.bus.keypad"):
        press = decode_key(Frame(7, 0x01, raw))
    assert press.action is A.UNKNOWN
    assert press.key == raw[-1]
    assert caplog.records


def test_empty_frame_is_unknown() -> None:
    assert decode_key(Frame(7, 0x01, b"")) == KeypadPress(7, A.UNKNOWN, "", None)


def test_literal_keypad_frame_off_the_wire() -> None:
    # Keypad 2: 6 + 确认 -> no-show.
    frame = FrameDecoder().feed(bytes.fromhex("FF 68 04 04 68 02 01 06 0F 18 16"))[0]
    assert decode_key(frame) == KeypadPress(2, A.NO_SHOW, "6", 0x0F)


def test_key_frame_bytes() -> None:
    assert key_frame(3, A.CALL_NEXT).encode() == bytes.fromhex("FF 68 03 03 68 03 01 0C 10 16")
    assert key_frame(2, A.NO_SHOW).encode() == bytes.fromhex("FF 68 04 04 68 02 01 06 0F 18 16")


def test_key_frame_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        key_frame(1, A.UNKNOWN)
    with pytest.raises(ValueError):
        key_frame(1, A.PARK, "1")
    with pytest.raises(ValueError):
        key_frame(1, A.TRANSFER, "x")


known = st.sampled_from([a for a in KeypadAction if a is not A.UNKNOWN])


@settings(deadline=None)  # timing on a loaded CI machine is not the point
@given(st.integers(0, 255), known, st.text("0123456789", max_size=4))
def test_key_frame_and_decode_key_round_trip(addr: int, action: KeypadAction, digits: str) -> None:
    if action in (A.NO_SHOW, A.PARK, A.CALL_BACK):
        digits = ""
    press = decode_key(key_frame(addr, action, digits))
    assert (press.addr, press.action) == (addr, action)
    if digits:
        assert press.digits == digits
