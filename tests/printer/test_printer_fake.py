"""The fake printer itself: stream parsing on a real pty, replies, hold, and its CLI."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import serial
from printerkit import QR_URL

from drivers.printer import (
    PrintableTicket,
    PrinterWriteTimeout,
    SerialPrinter,
    render_ticket,
)
from drivers.printer.fake import FakePrinter

MakeTicket = Callable[..., PrintableTicket]
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(20)


@pytest.fixture
def fake() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        yield printer


@pytest.fixture
def port(fake: FakePrinter) -> Iterator[serial.SerialBase]:
    port = serial.serial_for_url(fake.port_path, baudrate=9600, timeout=2)
    try:
        yield port
    finally:
        port.close()


def test_query_in_the_middle_of_a_ticket(
    fake: FakePrinter, port: serial.SerialBase, make_ticket: MakeTicket
) -> None:
    ticket = render_ticket(make_ticket(qr_url=QR_URL))
    half = ticket.index(b"\n") + 1  # between two commands
    port.write(ticket[:half] + b"\x10\x04\x01" + ticket[half:-3] + b"\x10\x04\x04")
    assert port.read(2) == b"\x12\x12"
    assert fake.wait_for_queries(2, timeout=5)
    assert fake.tickets() == []  # not cut yet
    port.write(ticket[-3:])
    assert fake.wait_for_cut(1, timeout=5)
    assert fake.tickets() == [ticket]
    assert fake.queries == [1, 4]


def test_bytes_pass_unmodified(fake: FakePrinter, port: serial.SerialBase) -> None:
    every_byte = bytes(b for b in range(256) if b not in (0x10, 0x1B, 0x1C, 0x1D))
    port.write(every_byte + b"\n\r\n" + b"\x1dV\x01")
    assert fake.wait_for_cut(1, timeout=5)
    assert fake.received == every_byte + b"\n\r\n" + b"\x1dV\x01"  # no LF -> CR LF, no echo
    assert port.in_waiting == 0


def test_dle_eot_inside_qr_data_is_not_answered(fake: FakePrinter, port: serial.SerialBase) -> None:
    size = 0x0410  # pL = 0x10, pH = 0x04: the length itself reads "10 04"
    payload = b"1P0" + b"\x10\x04\x01" * ((size - 3) // 3) + b"x" * ((size - 3) % 3)
    port.write(b"\x1d(k\x10\x04" + payload + b"\x10\x04\x03" + b"\x1dV\x01")
    assert fake.wait_for_cut(1, timeout=5)
    assert fake.queries == [3]
    assert port.read(1) == b"\x12"
    assert port.in_waiting == 0


def test_silent_mode_answers_nothing(fake: FakePrinter, port: serial.SerialBase) -> None:
    fake.mode = "silent"
    port.write(b"\x10\x04\x01\x10\x04\x02")
    assert fake.wait_for_queries(2, timeout=5)
    port.timeout = 0.1
    assert port.read(1) == b""


def test_unknown_commands_are_recorded(fake: FakePrinter, port: serial.SerialBase) -> None:
    port.write(b"\x1b\x99" + b"\x1dV\x01")
    assert fake.wait_for_cut(1, timeout=5)
    assert fake.unknown_commands == [b"\x1b\x99"]


def test_wait_for_cut_times_out_without_a_cut(fake: FakePrinter) -> None:
    started = time.perf_counter()
    assert fake.wait_for_cut(1, timeout=0.05) is False
    assert time.perf_counter() - started < 1


def test_clear_forgets_what_was_received(fake: FakePrinter, port: serial.SerialBase) -> None:
    port.write(b"A\x1dV\x01")
    assert fake.wait_for_cut(1, timeout=5)
    fake.clear()
    assert (fake.received, fake.tickets(), fake.queries) == (b"", [], [])


def test_hold_stalls_the_sender_and_write_times_out(fake: FakePrinter) -> None:
    fake.hold()
    with SerialPrinter(fake.port_path, write_timeout=0.3) as printer:
        started = time.perf_counter()
        with pytest.raises(PrinterWriteTimeout):
            printer.write(b"x" * 500_000)  # far more than the pty buffers
        assert time.perf_counter() - started < 3
    fake.release()


def test_start_twice_fails_and_stop_twice_is_harmless() -> None:
    fake = FakePrinter()
    fake.start()
    try:
        with pytest.raises(RuntimeError):
            fake.start()
    finally:
        fake.stop()
    fake.stop()


def test_port_path_is_a_tty(fake: FakePrinter) -> None:
    assert fake.port_path.startswith("/dev/")
    fd = os.open(fake.port_path, os.O_RDWR | os.O_NOCTTY)
    try:
        assert os.isatty(fd)
    finally:
        os.close(fd)


def _read_until(proc: subprocess.Popen[bytes], seen: bytearray, needle: str, timeout: float) -> str:
    """Collect the process's stdout into `seen` until it holds `needle`, bounded in time."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while needle.encode() not in seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not sel.select(remaining):
                raise AssertionError(f"{needle!r} not seen; got {bytes(seen)!r}")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise AssertionError(f"process ended; got {bytes(seen)!r}")
            seen += chunk
    return seen.decode("utf-8")


def test_cli_prints_its_pty_and_the_tickets(make_ticket: MakeTicket) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-W", "error", "-m", "drivers.printer.fake", "--mode", "ok"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    seen = bytearray()
    try:
        path = _read_until(proc, seen, "\n", timeout=10).splitlines()[0]
        assert path.startswith("/dev/")
        with SerialPrinter(path) as printer:
            assert printer.print_ticket(make_ticket(qr_url=QR_URL)).confirmed
        out = _read_until(proc, seen, "[cut]", timeout=10)
        assert "便民服务中心" in out and "A001" in out and "请到：二〇一室" in out
        assert f"[QR] {QR_URL}" in out
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert b"Warning" not in err


def test_unread_replies_never_hang_the_fake(fake: FakePrinter, port: serial.SerialBase) -> None:
    queries = 10_000  # more replies than the pty's input buffer (4 KiB in raw mode) holds
    port.write(b"\x10\x04\x01" * queries)
    assert fake.wait_for_queries(queries, timeout=10)
    port.write(b"\x1dV\x01")
    assert fake.wait_for_cut(1, timeout=5)  # still reading
