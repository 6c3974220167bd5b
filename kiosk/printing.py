"""The ticket printer off the GUI thread: one worker thread owns the serial port.

`PrinterService` lives on the app's thread; it hands jobs and status checks to a worker on its
own `QThread` and hears back through signals (queued to the app's thread). The worker opens the
port on first use and again after a port error, so a printer unplugged and plugged back in
comes back by itself.
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QObject, QThread, Signal, Slot

from drivers.printer import (
    PaperWidth,
    PrintableTicket,
    PrinterError,
    PrinterIOError,
    PrinterNotReady,
    PrinterState,
    PrinterStatus,
    PrintResult,
)
from drivers.printer.errors import state_message

from .flow import PrinterHealth

log = logging.getLogger(__name__)

HEALTH: dict[PrinterState, PrinterHealth] = {
    PrinterState.ONLINE: PrinterHealth.OK,
    PrinterState.PAPER_NEAR_END: PrinterHealth.PAPER_NEAR_END,
    PrinterState.PAPER_OUT: PrinterHealth.PAPER_OUT,
    PrinterState.COVER_OPEN: PrinterHealth.COVER_OPEN,
    PrinterState.ERROR: PrinterHealth.ERROR,
    PrinterState.OFFLINE: PrinterHealth.OFFLINE,
    PrinterState.UNKNOWN: PrinterHealth.UNKNOWN,
}


class TicketPrinter(Protocol):
    """What the kiosk needs of a printer (`drivers.printer.SerialPrinter` is one)."""

    url: str

    @property
    def is_open(self) -> bool: ...
    def open(self) -> None: ...
    def close(self) -> None: ...
    def status(self) -> PrinterStatus: ...
    def print_ticket(self, ticket: PrintableTicket, width: PaperWidth = ...) -> PrintResult: ...


def health_of(status: PrinterStatus) -> tuple[PrinterHealth, str]:
    return HEALTH[status.state], state_message(status.state)


class _Worker(QObject):
    printed = Signal(str, object, str)  # ticket id, PrinterHealth after the job, detail
    print_failed = Signal(str, object, str)  # ticket id, PrinterHealth, detail
    status_read = Signal(object, str)  # PrinterHealth, detail

    def __init__(self, printer: TicketPrinter, width: PaperWidth) -> None:
        super().__init__()
        self.printer = printer
        self.width = width

    @Slot(str, object)
    def print_job(self, ticket_id: str, ticket: PrintableTicket) -> None:
        try:
            self._ensure_open()
            result = self.printer.print_ticket(ticket, self.width)
        except PrinterNotReady as exc:
            health, detail = health_of(exc.status)
            self.print_failed.emit(ticket_id, health, detail)
            return
        except PrinterError as exc:
            health = self._after_port_error(exc)
            self.print_failed.emit(ticket_id, health, str(exc))
            return
        except Exception as exc:  # a bug must not leave the kiosk on "printing" for ever
            log.exception("printer %s: ticket %s failed", self.printer.url, ticket_id)
            self.print_failed.emit(ticket_id, self._health_now(), repr(exc))
            return
        if result.confirmed:  # out, cut: what the printer says now is for the next ticket
            health, detail = health_of(result.status_after)
            self.printed.emit(ticket_id, health, detail)
        else:  # the printer stopped while printing: the ticket may be missing or cut short
            health, detail = health_of(result.status_during)
            self.print_failed.emit(ticket_id, health, detail)

    @Slot()
    def check(self) -> None:
        try:
            self._ensure_open()
            health, detail = health_of(self.printer.status())
        except PrinterError as exc:
            health, detail = self._after_port_error(exc), str(exc)
        except Exception as exc:
            log.exception("printer %s: status check failed", self.printer.url)
            health, detail = PrinterHealth.UNKNOWN, repr(exc)
        self.status_read.emit(health, detail)

    @Slot()
    def close(self) -> None:
        self.printer.close()

    def _health_now(self) -> PrinterHealth:
        try:
            self._ensure_open()
            return health_of(self.printer.status())[0]
        except Exception:
            log.exception("printer %s: status unreadable", self.printer.url)
            return PrinterHealth.UNKNOWN

    def _ensure_open(self) -> None:
        if not self.printer.is_open:
            self.printer.open()

    def _after_port_error(self, exc: PrinterError) -> PrinterHealth:
        log.warning("printer %s: %s", self.printer.url, exc)
        self.printer.close()  # reopened on the next job or check
        if isinstance(exc, PrinterIOError) and exc.action == "open":
            return PrinterHealth.MISSING
        return PrinterHealth.UNKNOWN


class PrinterService(QObject):
    """Print and check from the app's thread; results arrive as signals on the app's thread."""

    printed = Signal(str, object, str)
    print_failed = Signal(str, object, str)
    status_read = Signal(object, str)
    _print = Signal(str, object)
    _check = Signal()
    _close = Signal()

    def __init__(
        self,
        printer: TicketPrinter,
        width: PaperWidth = PaperWidth.MM80,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.printer = printer
        self._thread = QThread()
        self._thread.setObjectName("kiosk-printer")
        self._worker = _Worker(printer, width)
        self._worker.moveToThread(self._thread)
        self._print.connect(self._worker.print_job)
        self._check.connect(self._worker.check)
        self._close.connect(self._worker.close)
        self._worker.printed.connect(self.printed)
        self._worker.print_failed.connect(self.print_failed)
        self._worker.status_read.connect(self.status_read)
        self._running = False

    def start(self) -> None:
        if not self._running:
            self._thread.start()
            self._running = True

    def print_ticket(self, ticket_id: str, ticket: PrintableTicket) -> None:
        self._print.emit(ticket_id, ticket)

    def check(self) -> None:
        self._check.emit()

    def stop(self) -> None:
        """Finish the job in hand, close the port, end the thread."""
        if not self._running:
            return
        self._close.emit()
        self._thread.quit()
        self._thread.wait()
        self._running = False
