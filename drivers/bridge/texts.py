"""What the window boards say, in one place: Simplified Chinese first, English second.

Boards on the bus show Chinese (their fonts are GB2312); the English is for logs and for a
board that can show both.
"""

from __future__ import annotations

from typing import NamedTuple


class Text(NamedTuple):
    zh: str
    en: str


CALL = Text("请{number}号到{window}号窗口", "Number {number} to window {window}, please")
IDLE = Text("欢迎光临", "Welcome")
PAUSED = Text("暂停服务", "Window paused")
CLOSED = Text("暂停服务", "Window closed")


def call_text(number: str, window: int) -> str:
    """The line a window board shows for a call, e.g. "请A012号到3号窗口"."""
    return CALL.zh.format(number=number, window=window)


class KeypadCode(NamedTuple):
    """A status code a keypad's digit display shows left-aligned ("10    "), with its meaning.

    Ticket numbers are right-aligned, so a code never looks like a number being called.
    1x: progress and success; 2x: failure (the keypad also beeps).
    """

    code: str
    zh: str
    en: str


ASK_PIN = KeypadCode("10", "请输入密码", "enter your PIN")
SIGNED_IN = KeypadCode("11", "登录成功", "signed in")
SIGNED_OUT = KeypadCode("12", "已退出登录", "signed out")
BAD_PIN = KeypadCode("20", "工号或密码错误", "wrong staff number or PIN")
LOCKED = KeypadCode(
    "21", "工号已锁定，请联系大厅管理员", "staff number locked; ask the hall manager"
)
REFUSED = KeypadCode("22", "无法在此窗口登录", "cannot sign in at this window now")
OFFLINE = KeypadCode("23", "服务器未连接", "server unreachable")
