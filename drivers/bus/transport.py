"""The bus port: frames to and from a serial line, through pyserial's `serial_for_url`.

Works with a device path (/dev/ttyUSB0), a pty path (tests, `fake.FakeBus`), ``socket://``
(a serial server) and ``loop://``. Small and synchronous: explicit `open`/`close` or a
``with`` block; the bridge runs it in a thread (or via ``asyncio.to_thread``).

Writes may come from several threads (they are serialised), reads from one; `close` may be
called from any thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import serial

from .exceptions import PortClosedError, PortIOError
from .frame import DecodeErrors, Frame, FrameDecoder

log = logging.getLogger(__name__)


class BusPort:
    """One serial line with keypads, evaluators and number boards on it (9600 8N1).

    `timeout` bounds how long `read_frames` waits for the first byte (0: not at all);
    `write_timeout` how long a write may block. `idle_gap` is how long the line must be quiet
    before a half-received frame is given up (`FrameDecoder.flush`): a device sends a frame in
    one go (15 bytes take 16 ms at 9600 baud), so a longer silence means the rest is lost.

    `local_echo`: the adapter hears its own transmission (many 2-wire RS-485 adapters do).
    Our own bytes then come back first and are dropped; otherwise the echo of an ack would
    read as the keypad pressing again, and the echo of `start_evaluation` as the 评价 key.
    """

    def __init__(
        self,
        url: str,
        baudrate: int = 9600,
        timeout: float = 0.1,
        *,
        write_timeout: float = 1.0,
        idle_gap: float = 0.2,
        max_data: int = 32,
        local_echo: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.timeout = timeout
        self.write_timeout = write_timeout
        self.idle_gap = idle_gap
        self.local_echo = local_echo
        self._echo = bytearray()  # our bytes not yet heard back (local_echo only)
        self._echo_lock = threading.Lock()
        self._clock = clock
        self._decoder = FrameDecoder(max_data)
        self._port: Any = None
        self._read_lock = threading.Lock()
        self._closing = False
        self._write_lock = threading.Lock()
        self._last_rx = clock()

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> None:
        """Open the line (8N1, no flow control). Opening an open port does nothing."""
        if self._port is not None:
            return
        try:
            self._port = serial.serial_for_url(
                self.url,
                baudrate=self.baudrate,
                bytesize=serial.EIGHTBITS,
                parity=serial.PARITY_NONE,
                stopbits=serial.STOPBITS_ONE,
                timeout=self.timeout,
                write_timeout=self.write_timeout,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PortIOError(self.url, "open", str(exc)) from exc
        self._decoder.reset()
        with self._echo_lock:
            self._echo.clear()
        self._last_rx = self._clock()
        log.info("bus port %s open at %d baud", self.url, self.baudrate)

    def close(self) -> None:
        """Close the line; closing a closed port does nothing.

        Safe from another thread: a `read_frames` blocked there is cancelled and returns
        (or raises PortClosedError) before the port is closed under it.
        """
        port = self._port
        if port is None:
            return
        self._closing = True  # a read or write starting from now on refuses
        for cancel in ("cancel_read", "cancel_write"):  # posix and win32 ports have them
            try:
                getattr(port, cancel, lambda: None)()
            except (serial.SerialException, OSError) as exc:
                log.debug("bus port %s: %s failed: %s", self.url, cancel, exc)
        with self._read_lock, self._write_lock:
            self._closing = False
            if self._port is not port:
                return
            self._port = None
            # pyserial 3.5's socket:// close() skips closing its socket when shutdown() fails
            # (the peer has already gone) and drops the reference: close it ourselves.
            sock = getattr(port, "_socket", None)
            try:
                port.close()
            except (serial.SerialException, OSError) as exc:
                log.warning("bus port %s: close failed: %s", self.url, exc)
            if sock is not None:
                sock.close()  # closing a closed socket does nothing
        log.info("bus port %s closed", self.url)

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

    # -- frames --------------------------------------------------------------------------

    @property
    def errors(self) -> DecodeErrors:
        """What the decoder threw away since this port object was made."""
        return self._decoder.errors

    def write_frame(self, frame: Frame) -> None:
        self.write(frame.encode())

    def write(self, data: bytes) -> None:
        """Write raw bytes (another board's protocol on the same line, or a test's noise)."""
        with self._write_lock:
            port = self._require_open()
            if self.local_echo:
                with self._echo_lock:
                    self._echo += data
            try:
                written = port.write(data)
            except (serial.SerialException, OSError) as exc:
                if self.local_echo:
                    with self._echo_lock:
                        self._echo.clear()  # what went out, if anything, is unknown
                raise PortIOError(self.url, "write", str(exc)) from exc
        if written is not None and written != len(data):
            raise PortIOError(self.url, "write", f"wrote {written} of {len(data)} bytes")
        log.debug("bus %s <- %s", self.url, data.hex(" "))

    def read_frames(self) -> list[Frame]:
        """Frames completed by the bytes that arrived; waits at most `timeout` for the first.

        Returns [] when nothing came. When the line has been quiet for `idle_gap` while part
        of a frame is held back, that part is given up and what followed it rescanned.
        """
        with self._read_lock:
            port = self._require_open()
            try:
                data: bytes = port.read(port.in_waiting or 1)
                if data:
                    more = port.in_waiting
                    if more:
                        data += port.read(more)
            except (serial.SerialException, OSError) as exc:
                raise PortIOError(self.url, "read", str(exc)) from exc
        now = self._clock()
        if data and self.local_echo:
            self._last_rx = now
            data = self._drop_echo(data)
        if data:
            log.debug("bus %s -> %s", self.url, data.hex(" "))
            self._last_rx = now
            return self._decoder.feed(data)
        if self._decoder.pending and now - self._last_rx >= self.idle_gap:
            log.debug(
                "bus %s: line quiet, giving up %d pending bytes", self.url, self._decoder.pending
            )
            return self._decoder.flush()
        return []

    def _drop_echo(self, data: bytes) -> bytes:
        """Strip the start of `data` that is our own transmission coming back."""
        with self._echo_lock:
            if not self._echo:
                return data
            n = min(len(data), len(self._echo))
            if data[:n] == self._echo[:n]:
                del self._echo[:n]
                return data[n:]
            # Lengths, not the bytes: our echo may be the ack of a keypad's typed PIN.
            log.warning(
                "bus %s: expected our echo (%d bytes), heard other bytes; no longer waiting for it",
                self.url,
                n,
            )
            self._echo.clear()
            return data

    def _require_open(self) -> Any:
        if self._port is None or self._closing:
            raise PortClosedError(self.url)
        return self._port
