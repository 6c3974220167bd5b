"""Fake bus devices on a pseudo-terminal, for tests and demos without hardware.

`FakeBus` opens a pty pair in raw mode; the host opens `port_path` (e.g. with `BusPort`)
as it would /dev/ttyUSB0. A reader thread decodes what the host writes and hands every frame
to the attached devices, which react as the hardware does:

* `FakeKeypad` sends key frames (`press`), shows FUNC 0x02 numbers and codes (`display`,
  all of them in `shown`), counts beeps and records the host's acks (the echo of its frame);
* `FakeEvaluator` sends ratings (`press`), records FUNC 0x01 DATA 0x0B start requests and
  acks (FUNC 0x01 + the key). As on the real bus, the host's echo of a keypad's 评价 key is
  byte for byte a start request, so an evaluator at the keypad's address sees one;
* `FakeWindowDisplay` records the numbers shown on a window number board.

`inject` puts raw bytes (noise, half frames) on the line; `echo=True` makes the line echo
the host's own bytes back, as 2-wire RS-485 adapters often do.

State changes happen under one condition variable; wait with `FakeBus.wait_for`.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import tty
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

from .evaluator import EvaluatorModel, rating_frame
from .frame import (
    BROADCAST,
    FUNC_BEEP,
    FUNC_KEY,
    FUNC_SHOW_NUMBER,
    START_EVALUATION,
    DecodeErrors,
    Frame,
    FrameDecoder,
    ack,
    read_number,
)
from .keypad import KeypadAction, key_frame

log = logging.getLogger(__name__)

D = TypeVar("D", bound="FakeDevice")


class FakeDevice:
    """A device on the fake bus at one address. Its state is guarded by the bus's lock."""

    def __init__(self, addr: int) -> None:
        self.addr = addr
        self.received: list[Frame] = []  # host frames addressed to it (or broadcast)
        self.acks: list[Frame] = []  # its own frames the host acknowledged
        self._unacked: list[Frame] = []
        self._bus: FakeBus | None = None

    def _send(self, frame: Frame) -> None:
        bus = self._require_bus()
        with bus.condition:
            self._unacked.append(frame)
        bus.inject(frame.encode())

    def _require_bus(self) -> FakeBus:
        if self._bus is None:
            raise RuntimeError(f"{type(self).__name__} 0x{self.addr:02X} is not on a bus")
        return self._bus

    def _receive(self, frame: Frame) -> None:
        """Called with the bus lock held, for every frame the host sends."""
        if frame.addr not in (self.addr, BROADCAST):
            return
        self.received.append(frame)
        for sent in self._unacked:
            if ack(sent) == frame:
                self._unacked.remove(sent)
                self.acks.append(sent)
                break
        self._handle(frame)

    def _handle(self, frame: Frame) -> None:
        pass


class FakeKeypad(FakeDevice):
    """A caller keypad with its six-digit display."""

    def __init__(self, addr: int) -> None:
        super().__init__(addr)
        self.display: str | None = None  # what it shows now ("   012"); None: never set
        self.shown: list[str] = []  # everything it was told to show, in order
        self.beeps = 0

    def press(self, action: KeypadAction, digits: str = "") -> Frame:
        """Press the key(s) for `action`; returns the frame sent."""
        frame = key_frame(self.addr, action, digits)
        self._send(frame)
        return frame

    def _handle(self, frame: Frame) -> None:
        if frame.func == FUNC_SHOW_NUMBER:
            self.display = read_number(frame)
            self.shown.append(self.display)
        elif frame.func == FUNC_BEEP:
            self.beeps += 1


class FakeEvaluator(FakeDevice):
    """An evaluator of a given model (the model only documents which key means what)."""

    def __init__(self, addr: int, model: EvaluatorModel) -> None:
        super().__init__(addr)
        self.model = model
        self.start_requests = 0

    def press(self, key: int) -> Frame:
        frame = rating_frame(self.addr, key)
        self._send(frame)
        return frame

    def press_level(self, level: int) -> Frame:
        """Press the key the model maps to `level`."""
        for key, mapped in self.model.keys.items():
            if mapped == level:
                return self.press(key)
        raise ValueError(f"model {self.model.name} has no key for level {level}")

    def _handle(self, frame: Frame) -> None:
        if frame.func == FUNC_KEY and frame.data == bytes((START_EVALUATION,)):
            self.start_requests += 1


class FakeWindowDisplay(FakeDevice):
    """A window number board: records every number shown."""

    def __init__(self, addr: int) -> None:
        super().__init__(addr)
        self.shown: list[str] = []

    @property
    def number(self) -> str | None:
        return self.shown[-1] if self.shown else None

    def _handle(self, frame: Frame) -> None:
        if frame.func == FUNC_SHOW_NUMBER and frame.addr == self.addr:
            self.shown.append(read_number(frame))


class FakeBus:
    """A pty whose far end is a bus of fake devices. Use as a context manager.

    `echo=True` plays an RS-485 adapter that hears its own transmission: every byte the
    host writes comes back to the host (before any device answers it).
    """

    def __init__(self, *, echo: bool = False) -> None:
        self.echo = echo
        self.condition = threading.Condition()
        self.devices: list[FakeDevice] = []
        self.host_frames: list[Frame] = []  # every frame the host wrote, in order
        self.host_bytes = bytearray()  # every byte the host wrote (other boards' packets too)
        self.port_path = ""
        self._decoder = FrameDecoder()
        self._master = -1
        self._slave = -1
        self._wake_r = -1
        self._wake_w = -1
        self._thread: threading.Thread | None = None
        self._write_lock = threading.Lock()
        self._failure: BaseException | None = None

    @property
    def errors(self) -> DecodeErrors:
        """What the devices' side threw away of the host's bytes."""
        return self._decoder.errors

    def attach(self, device: D) -> D:
        with self.condition:
            device._bus = self
            self.devices.append(device)
        return device

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("fake bus already started")
        self._master, self._slave = os.openpty()
        # Raw: no echo, no CR/LF translation, no signals - bytes pass as they are. The slave
        # stays open here so the master never sees a hang-up while the host reopens.
        tty.setraw(self._slave)
        self.port_path = os.ttyname(self._slave)
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="fake-bus", daemon=True)
        self._thread.start()
        log.debug("fake bus on %s", self.port_path)

    def stop(self) -> None:
        """Stop the reader and close the pty. Raises if the reader thread failed."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        os.write(self._wake_w, b"x")
        thread.join()
        for fd in (self._master, self._slave, self._wake_r, self._wake_w):
            os.close(fd)
        self._master = self._slave = self._wake_r = self._wake_w = -1
        if self._failure is not None:
            raise RuntimeError("fake bus reader failed") from self._failure

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

    # -- to the host ---------------------------------------------------------------------

    def inject(self, data: bytes) -> None:
        """Write raw bytes towards the host: a device's frame, noise, half a frame."""
        if self._master < 0:
            raise RuntimeError("fake bus not started")
        view = memoryview(data)
        with self._write_lock:
            while view:
                written = os.write(self._master, view)
                view = view[written:]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
        """Wait until `predicate()` (checked under the bus lock) is true; False on timeout."""
        with self.condition:
            return self.condition.wait_for(predicate, timeout)

    # -- from the host -------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                readable, _, _ = select.select([self._master, self._wake_r], [], [])
                if self._wake_r in readable:
                    return
                try:
                    chunk = os.read(self._master, 4096)
                except OSError:  # EIO: no slave side open any more
                    return
                if not chunk:
                    return
                if self.echo:
                    self.inject(chunk)
                frames = self._decoder.feed(chunk)
                with self.condition:
                    self.host_bytes += chunk
                    for frame in frames:
                        self.host_frames.append(frame)
                        for device in self.devices:
                            device._receive(frame)
                    self.condition.notify_all()
        except BaseException as exc:  # surfaced by stop()
            log.exception("fake bus reader failed")
            self._failure = exc
