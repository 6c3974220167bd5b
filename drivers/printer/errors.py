"""Errors of the ticket printer driver, with their Chinese and English messages.

    PrinterError
    ├── PrinterNotReady        refused before printing: nothing was sent
    │   ├── PrinterOffline
    │   ├── PaperOut
    │   ├── CoverOpen
    │   ├── PrinterFault
    │   └── PrinterUnknown     no valid reply to the status queries
    └── PrinterIOError         the port could not be opened, written or read
        └── PrinterWriteTimeout

Messages are built from attributes and read "中文 / English".
"""

from __future__ import annotations

from .status import PrinterState, PrinterStatus

#: One place for every user-facing printer message: (Chinese, English).
STATE_MESSAGES: dict[PrinterState, tuple[str, str]] = {
    PrinterState.ONLINE: ("打印机正常", "Printer is ready"),
    PrinterState.PAPER_NEAR_END: ("打印纸将用尽", "Printer paper is running low"),
    PrinterState.PAPER_OUT: ("打印机缺纸", "Printer is out of paper"),
    PrinterState.COVER_OPEN: ("打印机纸仓盖未关", "Printer cover is open"),
    PrinterState.ERROR: ("打印机故障", "Printer error"),
    PrinterState.OFFLINE: ("打印机离线", "Printer is offline"),
    PrinterState.UNKNOWN: ("打印机无响应", "Printer does not answer"),
}


def state_message(state: PrinterState) -> str:
    zh, en = STATE_MESSAGES[state]
    return f"{zh} / {en}"


class PrinterError(Exception):
    """Base of all printer driver errors."""


class PrinterNotReady(PrinterError):
    """The status check before printing failed; the ticket was not sent."""

    def __init__(self, status: PrinterStatus) -> None:
        self.status = status
        super().__init__(state_message(status.state))


class PrinterOffline(PrinterNotReady):
    pass


class PaperOut(PrinterNotReady):
    pass


class CoverOpen(PrinterNotReady):
    pass


class PrinterFault(PrinterNotReady):
    pass


class PrinterUnknown(PrinterNotReady):
    pass


class PrinterIOError(PrinterError):
    """The serial port failed: open, write or read."""

    def __init__(self, url: str, action: str, cause: BaseException | None = None) -> None:
        self.url = url
        self.action = action
        zh = {
            "open": "无法打开打印机端口",
            "write": "打印数据发送失败",
            "read": "读取打印机状态失败",
        }
        en = {
            "open": "Cannot open printer port",
            "write": "Failed to send print data",
            "read": "Failed to read printer status",
        }
        detail = f" ({cause})" if cause is not None else ""
        super().__init__(
            f"{zh.get(action, '打印机端口错误')} / "
            f"{en.get(action, 'Printer port error')}: {url}{detail}"
        )


class PrinterWriteTimeout(PrinterIOError):
    """The printer did not take the data in time (flow control held, cable, buffer full)."""


_NOT_READY: dict[PrinterState, type[PrinterNotReady]] = {
    PrinterState.PAPER_OUT: PaperOut,
    PrinterState.COVER_OPEN: CoverOpen,
    PrinterState.ERROR: PrinterFault,
    PrinterState.OFFLINE: PrinterOffline,
    PrinterState.UNKNOWN: PrinterUnknown,
}


def not_ready_error(status: PrinterStatus) -> PrinterNotReady:
    """The exception that refuses printing for `status` (which must not be printable)."""
    if status.can_print:
        raise ValueError(f"status {status.state} can print")
    return _NOT_READY[status.state](status)
