"""A fake ESC/POS ticket printer on a pseudo-terminal, for tests and the demo.

The app opens `port_path` like a real serial printer. A reader thread records every byte,
parses the stream like a printer (commands with their parameters, so a 0x10 0x04 inside
`GS ( k` data is no status query), answers `DLE EOT n` according to `mode` and counts cuts.
`run_out_of_paper()` ends the roll at an exact place in the stream: in the middle of a ticket
(the cut never happens) or just after a cut (the ticket is whole, the next one is refused).

    python -m drivers.printer.fake [--mode ok] [--encoding gb18030]

prints the pty path, then each received ticket as text, until Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import select
import sys
import threading
import time
import tty
from collections.abc import Callable
from enum import StrEnum
from itertools import pairwise
from types import TracebackType
from typing import Self

from .status import (
    ERROR_AUTOCUTTER,
    OFFLINE_COVER_OPEN,
    OFFLINE_ERROR,
    OFFLINE_PAPER_END_STOP,
    PAPER_END_BITS,
    PAPER_NEAR_END_BITS,
    PRINTER_OFFLINE,
    REPLY_FIXED_BITS,
)
from .stream import EscPosParser, Kind, to_text
from .ticket import PrinterEncoding

log = logging.getLogger(__name__)


class FakeMode(StrEnum):
    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    ERROR = "error"  # autocutter error
    SILENT = "silent"  # answers nothing, like a printer that is off or wired TX-only

    @property
    def prints(self) -> bool:
        """Paper moves and the cutter cuts (a silent printer may still print: TX-only)."""
        return self in (FakeMode.OK, FakeMode.PAPER_NEAR_END, FakeMode.SILENT)


_F = REPLY_FIXED_BITS
#: Reply to DLE EOT 1..4 in each mode (a real printer's bits, see status.py).
REPLIES: dict[FakeMode, dict[int, int]] = {
    FakeMode.OK: {1: _F, 2: _F, 3: _F, 4: _F},
    FakeMode.PAPER_NEAR_END: {1: _F, 2: _F, 3: _F, 4: _F | PAPER_NEAR_END_BITS},
    FakeMode.PAPER_OUT: {
        1: _F | PRINTER_OFFLINE,
        2: _F | OFFLINE_PAPER_END_STOP,
        3: _F,
        4: _F | PAPER_NEAR_END_BITS | PAPER_END_BITS,
    },
    FakeMode.COVER_OPEN: {1: _F | PRINTER_OFFLINE, 2: _F | OFFLINE_COVER_OPEN, 3: _F, 4: _F},
    FakeMode.ERROR: {
        1: _F | PRINTER_OFFLINE,
        2: _F | OFFLINE_ERROR,
        3: _F | ERROR_AUTOCUTTER,
        4: _F,
    },
    FakeMode.SILENT: {},
}


class FakePrinter:
    """A pty pair: the app writes to the slave (`port_path`), this object reads the master."""

    def __init__(
        self,
        mode: FakeMode | str = FakeMode.OK,
        *,
        on_ticket: Callable[[bytes], None] | None = None,
    ) -> None:
        self._mode = FakeMode(mode)
        self._on_ticket = on_ticket
        self._cond = threading.Condition()
        self._received = bytearray()
        self._print_data = bytearray()  # everything but real-time commands
        self._ticket_ends: list[int] = []  # offsets in _print_data just after each cut
        self._cut_times: list[float] = []
        self._queries: list[int] = []
        self._unknown: list[bytes] = []
        self._last_byte_at: float | None = None
        self._parser = EscPosParser()
        self._held = False
        self._paper_left: int | None = None  # print bytes until the roll ends
        self._cuts_left: int | None = None  # cuts until the roll ends
        self._master: int | None = None
        self._slave: int | None = None
        self._wake: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None
        self.port_path = ""

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("FakePrinter already started")
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no LF -> CR LF: bytes pass unmodified
        tty.setraw(master)
        os.set_blocking(master, False)  # replies must never block the reader thread
        self._master, self._slave = master, slave
        self._wake = os.pipe()
        self.port_path = os.ttyname(slave)
        self._thread = threading.Thread(target=self._run, name="fake-printer", daemon=True)
        self._thread.start()
        log.debug("fake printer on %s, mode %s", self.port_path, self._mode)

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        assert self._wake is not None
        os.write(self._wake[1], b"s")
        thread.join()
        for fd in (self._master, self._slave, *self._wake):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = self._wake = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what the test sets and reads --------------------------------------------------------

    @property
    def mode(self) -> FakeMode:
        with self._cond:
            return self._mode

    @mode.setter
    def mode(self, mode: FakeMode | str) -> None:
        with self._cond:
            self._mode = FakeMode(mode)

    @property
    def received(self) -> bytes:
        """Every byte received, status queries included."""
        with self._cond:
            return bytes(self._received)

    @property
    def print_data(self) -> bytes:
        """The received bytes without the real-time commands (DLE EOT, DLE ENQ, DLE DC4)."""
        with self._cond:
            return bytes(self._print_data)

    @property
    def queries(self) -> list[int]:
        """n of every DLE EOT n received, in order."""
        with self._cond:
            return list(self._queries)

    @property
    def unknown_commands(self) -> list[bytes]:
        with self._cond:
            return list(self._unknown)

    @property
    def cut_times(self) -> list[float]:
        """time.perf_counter() when each cut command was received."""
        with self._cond:
            return list(self._cut_times)

    @property
    def last_byte_at(self) -> float | None:
        with self._cond:
            return self._last_byte_at

    def tickets(self) -> list[bytes]:
        """Each job up to and including its cut (GS V); bytes after the last cut are left out."""
        with self._cond:
            return [bytes(self._print_data[a:b]) for a, b in pairwise([0, *self._ticket_ends])]

    def wait_for_cut(self, count: int, timeout: float) -> bool:
        """Block until `count` cuts have been received in all; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._ticket_ends) >= count, timeout)

    def wait_for_queries(self, count: int, timeout: float) -> bool:
        """Block until `count` DLE EOT queries have been received in all; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._queries) >= count, timeout)

    def run_out_of_paper(
        self, *, after_bytes: int | None = None, after_cuts: int | None = None
    ) -> None:
        """Let the roll end later, at an exact place in the stream: once `after_bytes` more
        bytes of print data have come in, or just after the `after_cuts`-th cut from now.

        From there on the fake answers as `paper_out` and, like a printer that stopped, cuts
        nothing: a job that was cut short is not among `tickets()`.
        """
        with self._cond:
            self._paper_left, self._cuts_left = after_bytes, after_cuts

    def clear(self) -> None:
        """Forget what was received (not the mode)."""
        with self._cond:
            self._received.clear()
            self._print_data.clear()
            self._ticket_ends.clear()
            self._cut_times.clear()
            self._queries.clear()
            self._unknown.clear()

    # -- the printer -------------------------------------------------------------------------

    def hold(self) -> None:
        """Stop reading, like a printer whose input buffer is full: the sender's writes stall."""
        self._set_held(True)

    def release(self) -> None:
        """Read again after `hold()`."""
        self._set_held(False)

    def _set_held(self, held: bool) -> None:
        with self._cond:
            self._held = held
        if self._wake is not None:
            os.write(self._wake[1], b"r")  # the reader re-checks what to select on

    def _run(self) -> None:
        assert self._master is not None and self._wake is not None
        master, wake = self._master, self._wake[0]
        while True:
            with self._cond:
                held = self._held
            ready, _, _ = select.select([wake] if held else [master, wake], [], [])
            if wake in ready:
                if b"s" in os.read(wake, 64):
                    return
                continue
            try:
                data = os.read(master, 4096)
            except BlockingIOError:
                continue
            except OSError:  # EIO: no process has the slave open
                log.exception("fake printer: read failed")
                return
            if data:
                self._handle(data, time.perf_counter())

    def _handle(self, data: bytes, now: float) -> None:
        replies = bytearray()
        finished: list[bytes] = []
        with self._cond:
            self._received += data
            self._last_byte_at = now
            for event in self._parser.feed(data):
                if event.kind is Kind.STATUS_QUERY:
                    self._queries.append(event.status_n)
                    reply = REPLIES[self._mode].get(event.status_n)
                    if reply is not None:
                        replies.append(reply)
                    continue
                if event.kind is Kind.REALTIME:
                    continue
                self._use_paper(len(event.raw))
                self._print_data += event.raw
                if event.kind is Kind.UNKNOWN:
                    self._unknown.append(event.raw)
                    log.warning("fake printer: unknown command %s", event.raw.hex(" "))
                if event.kind is Kind.CUT and self._mode.prints:
                    start = self._ticket_ends[-1] if self._ticket_ends else 0
                    self._ticket_ends.append(len(self._print_data))
                    self._cut_times.append(now)
                    finished.append(bytes(self._print_data[start:]))
                    self._count_cut()
            # Answer before waking waiters: whoever saw a query counted may expect its reply.
            if replies and self._master is not None:
                try:
                    os.write(self._master, bytes(replies))
                except BlockingIOError:  # the app never reads its replies: drop, do not hang
                    log.warning("fake printer: reply dropped, the port's input is full")
            self._cond.notify_all()
        if self._on_ticket is not None:
            for ticket in finished:
                try:
                    self._on_ticket(ticket)
                except Exception:
                    log.exception("fake printer: on_ticket callback failed")

    def _use_paper(self, size: int) -> None:
        """Called with `_cond` held, before an event of `size` print bytes is printed."""
        if self._paper_left is None:
            return
        self._paper_left -= size
        if self._paper_left < 0:
            self._paper_left = self._cuts_left = None
            self._mode = FakeMode.PAPER_OUT

    def _count_cut(self) -> None:
        """Called with `_cond` held, after a cut."""
        if self._cuts_left is None:
            return
        self._cuts_left -= 1
        if self._cuts_left <= 0:
            self._paper_left = self._cuts_left = None
            self._mode = FakeMode.PAPER_OUT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fake ESC/POS ticket printer on a pty")
    parser.add_argument("--mode", choices=[m.value for m in FakeMode], default="ok")
    parser.add_argument("--encoding", choices=[e.value for e in PrinterEncoding], default="gb18030")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")

    def show(ticket: bytes) -> None:
        log.info("--- ticket, %d bytes ---\n%s", len(ticket), to_text(ticket, args.encoding))

    done = threading.Event()
    with FakePrinter(args.mode, on_ticket=show) as fake:
        sys.stdout.write(fake.port_path + "\n")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
