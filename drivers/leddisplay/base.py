"""The window display interface every LED board type implements.

A window display (窗口屏) is the small board above a window showing the number being served
there. Boards differ (digit boards on the keypad bus, Onbon BX text boards, Modbus RTU
boards...); the bridge talks to all of them through `WindowDisplay`, so another board plugs
in by implementing these three methods. All text comes from the caller (the hall's strings
live in one place); a board shows what it can of it.
"""

from __future__ import annotations

import abc
from typing import Protocol

from drivers.bus.frame import Frame


class WindowDisplay(abc.ABC):
    """The display of one or more windows, addressed by window number."""

    @abc.abstractmethod
    def show_call(self, window: int, number: str, text: str) -> None:
        """Ticket `number` is called to `window`; `text` is the full line, e.g. "请A012号"."""

    @abc.abstractmethod
    def show_idle(self, window: int, text: str) -> None:
        """The window is open and serving no one (e.g. "欢迎光临")."""

    @abc.abstractmethod
    def show_paused(self, window: int, text: str) -> None:
        """The window is paused (e.g. "暂停服务")."""


class FrameSink(Protocol):
    """Where bus frames go: `drivers.bus.BusPort` or a test's recorder."""

    def write_frame(self, frame: Frame) -> None: ...


class ByteSink(Protocol):
    """Where raw bytes go: `drivers.bus.BusPort.write` or a test's recorder."""

    def write(self, data: bytes) -> None: ...
