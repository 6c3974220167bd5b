"""The serial link to the ticket printer: explicit open/close, status, print.

`serial.serial_for_url` opens the port, so a device (/dev/ttyUSB0), a pty path, `socket://`
and `loop://` all work. Nothing opens lazily and nothing is cleaned up in `__del__`: use
`open()`/`close()` or `with SerialPrinter(...) as printer:`. One lock serialises status queries
and jobs, so a status poller and the kiosk's print call do not interleave their bytes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import serial

from .errors import PrinterIOError, PrinterWriteTimeout, not_ready_error, state_message
from .render import CUT_TAIL, render_ticket
from .status import (
    STATUS_QUERIES,
    PrinterState,
    PrinterStatus,
    decode_status,
    is_valid_reply,
    status_query,
)
from .ticket import PaperWidth, PrintableTicket, PrinterEncoding

log = logging.getLogger(__name__)

try:
    import termios

    # pyserial lets termios.error (no OSError) escape from tcflush/tcdrain on a dead port.
    _PORT_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError, termios.error)
except ImportError:  # not POSIX
    _PORT_ERRORS = (serial.SerialException, OSError)


@dataclass(frozen=True, slots=True)
class PrintResult:
    """What happened to one ticket job.

    The job is sent in two parts: the ticket, then the feed and the cut. The status is read
    before the job, between the two parts (while the ticket prints) and after the cut.

    `confirmed`: the ticket came out. Every byte up to and including the cut was delivered and
    the printer reported no problem before or while printing. A problem read only after the cut
    (the roll ended just after this ticket) does not unprint it: `status_after` says what the
    next ticket will meet. When `confirmed` is False the ticket may be missing or cut short:
    `status_during` says why (and `cut_sent` is False: the cut was not sent).
    """

    bytes_sent: int
    status_before: PrinterStatus
    status_during: PrinterStatus
    status_after: PrinterStatus
    duration_s: float
    cut_sent: bool = True
    require_status: bool = True

    @property
    def confirmed(self) -> bool:
        return self.cut_sent and not reports_problem(self.status_during, self.require_status)

    @property
    def needs_attention(self) -> bool:
        """The printer wants staff: paper low, or anything worse."""
        return self.status_after.state is not PrinterState.ONLINE


def reports_problem(status: PrinterStatus, require_status: bool = True) -> bool:
    """The printer said it cannot print (or, when a status is required, said nothing)."""
    if status.state is PrinterState.UNKNOWN:
        return require_status
    return not status.can_print


class SerialPrinter:
    """An ESC/POS ticket printer on a serial port (or any pyserial URL)."""

    def __init__(
        self,
        url: str,
        baudrate: int = 9600,
        timeout: float = 0.5,
        encoding: PrinterEncoding = PrinterEncoding.GB18030,
        *,
        write_timeout: float = 5.0,
        rtscts: bool = False,
        require_status: bool = True,
        port_factory: Callable[..., serial.SerialBase] = serial.serial_for_url,
    ) -> None:
        """`timeout` bounds the wait for each status reply; `write_timeout` bounds sending one
        job (a ticket not sent in time is discarded from the output queue, not printed later).

        `require_status=False` is for printers wired transmit-only: an UNKNOWN status then does
        not refuse a job (a known bad state still does). `port_factory` is called like
        `serial.serial_for_url` (a seam for a port subclass, e.g. RS-485 settings or a test).
        """
        if timeout <= 0:
            raise ValueError("timeout must be > 0: a status read must not block forever")
        self.url = url
        self.baudrate = baudrate
        self.timeout = timeout
        self.encoding = encoding
        self.write_timeout = write_timeout
        self.rtscts = rtscts
        self.require_status = require_status
        self._port_factory = port_factory
        self._port: serial.SerialBase | None = None
        self._lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------------------

    def open(self) -> None:
        if self._port is not None:
            return
        try:
            port = self._port_factory(
                self.url,
                baudrate=self.baudrate,
                bytesize=serial.EIGHTBITS,
                parity=serial.PARITY_NONE,
                stopbits=serial.STOPBITS_ONE,
                timeout=self.timeout,
                write_timeout=self.write_timeout,
                rtscts=self.rtscts,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterIOError(self.url, "open", exc) from exc
        self._port = port
        log.info("printer: opened %s at %d baud", self.url, self.baudrate)

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            port.close()
            log.info("printer: closed %s", self.url)

    @property
    def is_open(self) -> bool:
        return self._port is not None

    @property
    def port(self) -> serial.SerialBase:
        """The open pyserial port (for diagnostics and tests)."""
        if self._port is None:
            raise PrinterIOError(self.url, "open", RuntimeError("printer is not open"))
        return self._port

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- status ------------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1..4 in turn; the round stops at the first query not answered within
        `timeout` or answered with a byte that is no status reply."""
        with self._lock:
            return self._status()

    def _status(self) -> PrinterStatus:
        port = self.port
        replies: dict[int, int | None] = {}
        try:
            port.reset_input_buffer()  # a late reply to an earlier round must not count
            for n in STATUS_QUERIES:
                port.write(status_query(n))
                self._drain(port, time.monotonic() + self.timeout)
                reply = port.read(1)  # returns at the first byte, or after `timeout`
                if not reply:
                    log.warning("printer: no reply to DLE EOT %d within %.2f s", n, self.timeout)
                    replies[n] = None
                    break
                replies[n] = reply[0]
                if not is_valid_reply(reply[0]):
                    break  # not a status byte: what follows would be misaligned too
        except serial.SerialTimeoutException:
            # the query itself could not be sent (line held): as silent as no reply
            log.warning("printer: could not send DLE EOT within %.2f s", self.timeout)
            self._discard_output(port)
        except _PORT_ERRORS as exc:
            raise PrinterIOError(self.url, "read", exc) from exc
        status = decode_status(replies)
        if status.state is PrinterState.UNKNOWN and any(r is not None for r in replies.values()):
            log.warning("printer: unexpected status replies %r", replies)
        return status

    # -- printing ----------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send raw ESC/POS bytes and wait until the port has transmitted them."""
        with self._lock:
            self._write(data)

    def _write(self, data: bytes) -> None:
        port = self.port
        deadline = time.monotonic() + self.write_timeout
        try:
            port.write(data)  # bounded by the port's write_timeout
            self._drain(port, deadline)
        except serial.SerialTimeoutException as exc:
            self._discard_output(port)
            raise PrinterWriteTimeout(self.url, "write", exc) from exc
        except _PORT_ERRORS as exc:
            raise PrinterIOError(self.url, "write", exc) from exc

    def _drain(self, port: serial.SerialBase, deadline: float) -> None:
        """Wait until the bytes have left the host, but not past `deadline`.

        tcdrain (pyserial's flush) alone could block forever when the printer holds CTS, so
        the kernel's output queue (TIOCOUTQ) is watched first, at the pace of the line.
        """
        if not isinstance(port, serial.Serial):  # socket://, loop://: no UART queue to watch
            port.flush()
            return
        while (waiting := port.out_waiting) > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise serial.SerialTimeoutException(f"{waiting} bytes still queued")
            time.sleep(min(remaining, max(0.002, waiting * 10 / self.baudrate)))
        port.flush()

    def _discard_output(self, port: serial.SerialBase) -> None:
        """Drop what is still queued, so a stalled ticket does not print later by surprise."""
        try:
            port.reset_output_buffer()
        except _PORT_ERRORS:
            log.exception("printer: could not discard queued output on %s", self.url)

    def print_ticket(
        self, ticket: PrintableTicket, width: PaperWidth = PaperWidth.MM80
    ) -> PrintResult:
        """Check status, send the ticket, check status, send the feed and cut, check again.

        Raises a `PrinterNotReady` subclass (nothing sent) when the printer cannot print, and
        `PrinterIOError` when the port fails. A problem reported between the ticket and its cut
        keeps the cut back and leaves the result unconfirmed (see `PrintResult`).
        """
        data = render_ticket(ticket, width, self.encoding)
        body, tail = split_cut(data)
        with self._lock:
            started = time.perf_counter()
            before = self._status()
            if reports_problem(before, self.require_status):
                log.warning(
                    "printer: refused ticket %s: %s", ticket.number, state_message(before.state)
                )
                raise not_ready_error(before)
            self._write(body)
            during = self._status()
            cut = not reports_problem(during, self.require_status)
            if cut:
                self._write(tail)
                after = self._status()
            else:  # the ticket stopped short: no cut, nothing more to learn
                after = during
            sent = len(body) + (len(tail) if cut else 0)
            result = PrintResult(
                sent,
                before,
                during,
                after,
                time.perf_counter() - started,
                cut_sent=cut,
                require_status=self.require_status,
            )
        if not result.confirmed:
            log.warning(
                "printer: ticket %s not confirmed: %s", ticket.number, state_message(during.state)
            )
        elif result.status_after.can_print:
            log.info(
                "printer: ticket %s printed (%d bytes, %.0f ms)",
                ticket.number,
                len(data),
                result.duration_s * 1000,
            )
        else:
            log.warning(
                "printer: ticket %s printed, then: %s",
                ticket.number,
                state_message(result.status_after.state),
            )
        return result


def split_cut(data: bytes) -> tuple[bytes, bytes]:
    """A rendered job → (the ticket, the feed and cut that end it)."""
    if not data.endswith(CUT_TAIL):
        raise ValueError("a ticket job must end with the feed and the cut")
    return data[: -len(CUT_TAIL)], CUT_TAIL
