"""ESC/POS ticket printer: a pure codec (`render`, `status`) and a serial transport.

The fake printer (`drivers.printer.fake`) is not imported here, so `python -m
drivers.printer.fake` runs cleanly.
"""

from .errors import (
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterFault,
    PrinterIOError,
    PrinterNotReady,
    PrinterOffline,
    PrinterUnknown,
    PrinterWriteTimeout,
)
from .render import render_ticket
from .status import PrinterState, PrinterStatus, decode_status
from .ticket import PaperWidth, PrintableTicket, PrinterEncoding
from .transport import PrintResult, SerialPrinter

__all__ = [
    "CoverOpen",
    "PaperOut",
    "PaperWidth",
    "PrintResult",
    "PrintableTicket",
    "PrinterEncoding",
    "PrinterError",
    "PrinterFault",
    "PrinterIOError",
    "PrinterNotReady",
    "PrinterOffline",
    "PrinterState",
    "PrinterStatus",
    "PrinterUnknown",
    "PrinterWriteTimeout",
    "SerialPrinter",
    "decode_status",
    "render_ticket",
]
