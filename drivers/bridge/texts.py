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
