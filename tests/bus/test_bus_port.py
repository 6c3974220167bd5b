"""BusPort over pyserial URLs (loop://), with a fake clock for the idle-gap flush."""

from __future__ import annotations

import pytest

from drivers.bus.exceptions import PortClosedError, PortIOError
from drivers.bus.frame import Frame, show_number
from drivers.bus.transport import BusPort


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_loop_round_trip() -> None:
    with BusPort("loop://", timeout=0) as port:
        port.write_frame(show_number(1, "123"))
        port.write_frame(Frame(3, 0x01, b"\x0c"))
        assert port.read_frames() == [show_number(1, "123"), Frame(3, 0x01, b"\x0c")]
        assert port.read_frames() == []
    assert not port.is_open


def test_noise_is_counted_on_the_port() -> None:
    with BusPort("loop://", timeout=0) as port:
        port.write(b"\x01\x02" + Frame(3, 0x01, b"\x0c").encode())
        assert port.read_frames() == [Frame(3, 0x01, b"\x0c")]
        assert port.errors.garbage_bytes == 2


def test_a_quiet_line_gives_up_a_partial_frame_after_the_idle_gap() -> None:
    clock = Clock()
    key = Frame(3, 0x01, b"\x0c")
    with BusPort("loop://", timeout=0, idle_gap=0.2, clock=clock) as port:
        # A false header that wants 39 bytes, then a real frame, then silence.
        port.write(b"\xff\x68\x20\x20\x68" + key.encode())
        assert port.read_frames() == []
        clock.now += 0.125
        assert port.read_frames() == []  # not quiet long enough
        clock.now += 0.125
        assert port.read_frames() == [key]
        assert port.errors.truncated == 1


def test_closed_port_refuses_io() -> None:
    port = BusPort("loop://")
    with pytest.raises(PortClosedError):
        port.write_frame(Frame(1, 1))
    with pytest.raises(PortClosedError):
        port.read_frames()
    port.open()
    port.open()  # idempotent
    port.close()
    port.close()
    with pytest.raises(PortClosedError):
        port.read_frames()


def test_open_failure_is_a_port_error() -> None:
    with pytest.raises(PortIOError) as info:
        BusPort("/nonexistent/ttyUSB9").open()
    assert info.value.operation == "open"
    assert "/nonexistent/ttyUSB9" in str(info.value)


def test_loop_with_local_echo_hears_nothing_of_its_own() -> None:
    with BusPort("loop://", timeout=0, local_echo=True) as port:
        port.write_frame(show_number(1, "123"))
        port.write(b"\x01\x02")
        assert port.read_frames() == []
        assert port.errors.garbage_bytes == 0
