"""Caller keypad (呼叫器) key codes -> the clerk's actions.

HARDWARE.md: "Keypad -> host: the key code is the last DATA byte: 0x0C call, 0x0D recall,
0x0B invite a rating, 0x0F confirm (the digit before it: 6 give up/no-show, 0 hang up/park,
3 call back), 0x12 pause, 0x13 transfer." The bytes before the key code are the digit keys
typed before it (0x00-0x09). As in the source program, one digit + confirm selects a
function (6, 0, 3, and 9 for signing out); any other digits + confirm are an entry: a staff
number or a PIN typed to sign in at the keypad (the bridge decides which). 0x0E is the
keypad's 取消 key (unused by the source program), here cancelling a half-typed sign-in.

Pure: frames in, presses out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from .frame import FUNC_KEY, FUNC_RATING, Frame

log = logging.getLogger(__name__)

KEY_INVITE_RATING = 0x0B
KEY_CALL = 0x0C
KEY_RECALL = 0x0D
KEY_CANCEL = 0x0E
KEY_CONFIRM = 0x0F
KEY_PAUSE = 0x12
KEY_TRANSFER = 0x13


class KeypadAction(StrEnum):
    """What the clerk asked for on the keypad."""

    CALL_NEXT = "call_next"  # 呼叫 (0x0C)
    RECALL = "recall"  # 重呼 (0x0D)
    INVITE_RATING = "invite_rating"  # 评价 (0x0B)
    NO_SHOW = "no_show"  # 6 + 确认: 弃号 / 过号
    PARK = "park"  # 0 + 确认: 挂起
    CALL_BACK = "call_back"  # 3 + 确认: 回呼 (call the parked ticket back)
    PAUSE = "pause"  # 暂停 (0x12)
    TRANSFER = "transfer"  # 转移 (0x13)
    SIGN_OUT = "sign_out"  # 9 + 确认: 退出登录
    ENTER = "enter"  # other digits + 确认: a staff number or PIN (never logged)
    CANCEL = "cancel"  # 取消 (0x0E): drop a half-typed sign-in
    UNKNOWN = "unknown"  # any other key or sequence; logged, never raised


_SINGLE_KEYS: dict[int, KeypadAction] = {
    KEY_CALL: KeypadAction.CALL_NEXT,
    KEY_RECALL: KeypadAction.RECALL,
    KEY_INVITE_RATING: KeypadAction.INVITE_RATING,
    KEY_PAUSE: KeypadAction.PAUSE,
    KEY_TRANSFER: KeypadAction.TRANSFER,
    KEY_CANCEL: KeypadAction.CANCEL,
}
_CONFIRM_DIGITS: dict[int, KeypadAction] = {
    6: KeypadAction.NO_SHOW,
    0: KeypadAction.PARK,
    3: KeypadAction.CALL_BACK,
    9: KeypadAction.SIGN_OUT,
}
_ACTION_KEYS: dict[KeypadAction, tuple[int, ...]] = {
    **{action: (key,) for key, action in _SINGLE_KEYS.items()},
    **{action: (digit, KEY_CONFIRM) for digit, action in _CONFIRM_DIGITS.items()},
    KeypadAction.ENTER: (KEY_CONFIRM,),
}


@dataclass(frozen=True, slots=True)
class KeypadPress:
    """A decoded key press: the keypad's address, the action, the digits typed before the
    key (as text, e.g. "6" for 6 + confirm) and the raw key code (None for an empty frame)."""

    addr: int
    action: KeypadAction
    digits: str = ""
    key: int | None = None


def decode_key(frame: Frame) -> KeypadPress:
    """Decode a keypad frame. Unknown keys give `KeypadAction.UNKNOWN` and a log line."""
    if frame.func == FUNC_RATING:
        log.warning("keypad decoder given an evaluator frame: %s", frame)
    if not frame.data:
        log.warning("keypad 0x%02X sent a frame with no key code: %s", frame.addr, frame)
        return KeypadPress(frame.addr, KeypadAction.UNKNOWN)
    key = frame.data[-1]
    prefix = frame.data[:-1]
    if any(b > 9 for b in prefix):
        log.warning("keypad 0x%02X: bytes before the key 0x%02X are not digits", frame.addr, key)
        return KeypadPress(frame.addr, KeypadAction.UNKNOWN, key=key)
    digits = "".join(str(b) for b in prefix)
    action: KeypadAction | None
    if key == KEY_CONFIRM:
        function = _CONFIRM_DIGITS.get(prefix[0]) if len(prefix) == 1 else None
        action = KeypadAction.ENTER if function is None else function
    else:
        action = _SINGLE_KEYS.get(key)
    if action is None:
        # The digits typed may be a PIN (a sign-in ended with the wrong key): count, not show.
        log.warning(
            "keypad 0x%02X: unknown key 0x%02X after %d digits", frame.addr, key, len(digits)
        )
        action = KeypadAction.UNKNOWN
    return KeypadPress(frame.addr, action, digits, key)


def key_frame(addr: int, action: KeypadAction, digits: str = "") -> Frame:
    """The frame a keypad sends for `action` (the inverse of `decode_key`).

    `digits` are typed before a single-key action or an entry; confirm actions carry their
    own digit. An entry of one function digit (e.g. "6") would read as that function.
    """
    if action is KeypadAction.UNKNOWN:
        raise ValueError("UNKNOWN has no key code")
    keys = _ACTION_KEYS[action]
    if digits and len(keys) > 1:
        raise ValueError(f"{action} is a digit + confirm sequence; it takes no other digits")
    if not all("0" <= c <= "9" for c in digits):
        raise ValueError("digits must be 0-9")  # never echo them: they may be a PIN
    if action is KeypadAction.ENTER and len(digits) == 1 and int(digits) in _CONFIRM_DIGITS:
        raise ValueError(f"{digits} + 确认 is {_CONFIRM_DIGITS[int(digits)]}, not an entry")
    return Frame(addr, FUNC_KEY, bytes(int(c) for c in digits) + bytes(keys))
