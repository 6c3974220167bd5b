"""The bus line, kept open: a reader thread that (re)opens the port and hands frames over.

The bus is synchronous (`drivers.bus.BusPort`); the bridge is asyncio. One thread owns
opening, reading and reopening the port: every frame it reads is acknowledged at once from
that thread (as the source program does, before acting on it) and then handed to the event
loop; so is every change of the line's state (ok / device missing, with the reason).
Writes from the loop go through `BusLine.send`, an ordered queue drained by one task that
writes in a worker thread, so a stuck line never blocks the loop.

A device that vanishes (USB adapter pulled: reads and writes fail, the path is gone) is
reopened with backoff until it comes back, by the same path - which is why the port should
be a stable name such as ``/dev/serial/by-id/usb-…``, not ``/dev/ttyUSB0``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from enum import StrEnum

from drivers.bus import BusPort, Frame, PortClosedError, PortIOError, ack

log = logging.getLogger(__name__)

#: Outgoing bytes waiting for the line; beyond this the oldest are dropped (a stuck line).
MAX_QUEUED = 256


class LineState(StrEnum):
    UNKNOWN = "unknown"  # not tried yet
    OK = "ok"
    MISSING = "device_missing"  # cannot open, read or write the port


class BusLine:
    """One supervised bus port. `start` in the event loop's thread; `stop` from there too.

    `on_frame(frame)` and `on_state(state, detail)` are called in the loop's thread.
    """

    def __init__(
        self,
        port: BusPort,
        on_frame: Callable[[Frame], None],
        on_state: Callable[[LineState, str], None],
        *,
        min_backoff: float = 0.2,
        max_backoff: float = 5.0,
        stable_after: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.port = port
        self.state = LineState.UNKNOWN
        self._on_frame = on_frame
        self._on_state = on_state
        self.min_backoff, self.max_backoff = min_backoff, max_backoff
        # The backoff starts again from min_backoff only after the port stayed up this long:
        # a device that opens and fails at once is retried ever more slowly, not 5 times a
        # second (each loss is a device_status in the server's log).
        self.stable_after = stable_after
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._write_error = ""

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._writer = self._loop.create_task(self._write_all(), name="bus-writer")
        self._thread = threading.Thread(target=self._run, name="bus-reader", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        """Stop reading, close the port and wait for the reader thread."""
        self._stop.set()
        if self._writer is not None:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
            self._writer = None
        self.port.close()  # cancels a blocked read
        thread, self._thread = self._thread, None
        if thread is not None:
            await asyncio.to_thread(thread.join)

    # -- to the bus ------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        """Queue bytes for the line (call in the loop's thread). Dropped while it is away."""
        if self.state is not LineState.OK:
            log.debug("bus %s away: not sending %s", self.port.url, data.hex(" "))
            return
        if self._outbox.qsize() >= MAX_QUEUED:
            dropped = self._outbox.get_nowait()
            # A count, not the bytes: an acknowledgement echoes a keypad's typed PIN.
            log.warning("bus %s not draining: dropped %d bytes", self.port.url, len(dropped))
        self._outbox.put_nowait(data)

    def write_frame(self, frame: Frame) -> None:
        self.send(frame.encode())

    write = send  # the `ByteSink` of the Onbon boards

    async def _write_all(self) -> None:
        while True:
            data = await self._outbox.get()
            await asyncio.to_thread(self._write, data)

    def _write(self, data: bytes) -> None:
        try:
            self.port.write(data)
        except PortClosedError:
            log.debug("bus %s closed: dropped %s", self.port.url, data.hex(" "))
        except PortIOError as exc:
            log.warning("%s", exc)
            self._write_error = str(exc)
            self.port.close()  # the reader sees it and reopens

    # -- from the bus (reader thread) -------------------------------------------------------

    def _report(self, state: LineState, detail: str) -> None:
        if state is LineState.MISSING:
            log.warning("bus %s: device missing: %s", self.port.url, detail)
        else:
            log.info("bus %s: %s", self.port.url, state)
        self._call(self._set_state, state, detail)

    def _set_state(self, state: LineState, detail: str) -> None:
        self.state = state
        if state is not LineState.OK:
            while not self._outbox.empty():  # stale display updates; redrawn when back
                self._outbox.get_nowait()
        self._on_state(state, detail)

    def _call(self, callback: Callable[..., None], *args: object) -> None:
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop has closed: shutting down
            log.debug("event loop closed; %s not delivered", args)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._supervise()
            except Exception as exc:  # a bug must not leave the bus unread for good
                log.exception("bus %s reader failed", self.port.url)
                self.port.close()
                self._report(LineState.MISSING, f"bus reader failed: {exc!r}")
                self._stop.wait(self.max_backoff)
        log.debug("bus %s reader stopped", self.port.url)

    def _supervise(self) -> None:
        delay = self.min_backoff
        last = LineState.UNKNOWN
        while not self._stop.is_set():
            try:
                self.port.open()
            except PortIOError as exc:
                if last is not LineState.MISSING:
                    self._report(LineState.MISSING, str(exc))
                    last = LineState.MISSING
                self._stop.wait(delay)  # backoff before the next try
                delay = min(self.max_backoff, delay * 2)
                continue
            self._write_error = ""
            self._report(LineState.OK, "")
            last = LineState.OK
            opened = self._clock()
            detail = self._read_until_lost()
            self.port.close()
            if self._stop.is_set():
                break
            self._report(LineState.MISSING, detail)
            last = LineState.MISSING
            if self._clock() - opened >= self.stable_after:
                delay = self.min_backoff
            self._stop.wait(delay)
            delay = min(self.max_backoff, delay * 2)

    def _read_until_lost(self) -> str:
        """Read, ack and hand over frames until the port fails; returns why."""
        try:
            while not self._stop.is_set():
                for frame in self.port.read_frames():
                    with contextlib.suppress(PortClosedError):  # read_frames says so next
                        self.port.write_frame(ack(frame))
                    self._call(self._on_frame, frame)
        except PortClosedError:
            return self._write_error or f"bus port {self.port.url} was closed"
        except PortIOError as exc:
            return str(exc)
        return ""
