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
        ("09 0F", A.SIGN_OUT, "9"),
        ("01 00 00 01 0F", A.ENTER, "1001"),  # a staff number or a PIN
        ("06 06 0F", A.ENTER, "66"),  # two digits: an entry, not 弃号
        ("01 0F", A.ENTER, "1"),  # one digit that is no function: an entry
        ("0F", A.ENTER, ""),  # confirm alone
        ("0E", A.CANCEL, ""),  # 取消
    ],
)
def test_key_table(data: str, action: KeypadAction, digits: str) -> None:
    raw = bytes.fromhex(data)
    press = decode_key(Frame(7, 0x01, raw))
    assert press == KeypadPress(7, action, digits, raw[-1])


@pytest.mark.parametrize(
    "data",
    [
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


def test_digits_before_an_unknown_key_are_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    # A PIN ended with a key that is no key (or a garbled byte) must not reach the log.
    with caplog.at_level(logging.DEBUG, logger="drivers.bus"):
        decode_key(Frame(7, 0x01, bytes.fromhex("03 01 03 07 42")))
        decode_key(Frame(7, 0x01, bytes.fromhex("03 01 03 07 20 0F")))
    assert len(caplog.records) == 2
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "3137" not in logged and "03 01 03 07" not in logged


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
    with pytest.raises(ValueError, match="UNKNOWN has no key code"):
        key_frame(1, A.UNKNOWN)
    with pytest.raises(ValueError, match="takes no other digits"):
        key_frame(1, A.PARK, "1")
    with pytest.raises(ValueError, match="digits must be 0-9"):
        key_frame(1, A.TRANSFER, "x")
    with pytest.raises(ValueError, match=r"弃号|no_show"):
        key_frame(1, A.ENTER, "6")  # reads as 6 + 确认


def test_an_entry_frame_is_its_digits_then_confirm() -> None:
    assert key_frame(1, A.ENTER, "1001").data == bytes.fromhex("01 00 00 01 0F")
    assert key_frame(1, A.SIGN_OUT).data == bytes.fromhex("09 0F")


known = st.sampled_from([a for a in KeypadAction if a is not A.UNKNOWN])


@settings(deadline=None)  # timing on a loaded CI machine is not the point
@given(st.integers(0, 255), known, st.text("0123456789", max_size=4))
def test_key_frame_and_decode_key_round_trip(addr: int, action: KeypadAction, digits: str) -> None:
    if action in (A.NO_SHOW, A.PARK, A.CALL_BACK, A.SIGN_OUT):
        digits = ""
    if action is A.ENTER and digits in ("0", "3", "6", "9"):
        digits += "1"  # one function digit + 确认 is that function
    press = decode_key(key_frame(addr, action, digits))
    assert (press.addr, press.action) == (addr, action)
    if digits:
        assert press.digits == digits
