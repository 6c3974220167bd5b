"""Fake devices on a real pty, a BusPort on the host side."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from drivers.bus.evaluator import (
    FIVE_KEY,
    FOUR_KEY,
    EvaluatorModel,
    decode_rating,
    is_rating,
)
from drivers.bus.exceptions import PortClosedError
from drivers.bus.fake import FakeBus, FakeEvaluator, FakeKeypad, FakeWindowDisplay
from drivers.bus.frame import (
    Frame,
    ack,
    beep,
    show_number,
    show_waiting,
    start_evaluation,
)
from drivers.bus.keypad import KeypadAction, KeypadPress, decode_key
from drivers.bus.transport import BusPort
from drivers.leddisplay import BusWindowDisplay


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    assert set(threading.enumerate()) - before == set()


@pytest.fixture
def bus() -> Iterator[FakeBus]:
    with FakeBus() as bus:
        yield bus


@pytest.fixture
def host(bus: FakeBus) -> Iterator[BusPort]:
    with BusPort(bus.port_path, timeout=0.05, idle_gap=0.1) as port:
        yield port


def read_until(
    port: BusPort, done: Callable[[list[Frame]], bool], timeout: float = 2.0
) -> list[Frame]:
    """Read frames (each read waits up to the port's timeout) until `done` or time is up."""
    frames: list[Frame] = []
    deadline = time.monotonic() + timeout
    while not done(frames) and time.monotonic() < deadline:
        frames += port.read_frames()
    return frames


def test_keypad_press_arrives_as_the_right_action(bus: FakeBus, host: BusPort) -> None:
    keypad = bus.attach(FakeKeypad(3))
    keypad.press(KeypadAction.CALL_NEXT)
    keypad.press(KeypadAction.NO_SHOW)
    frames = read_until(host, lambda fs: len(fs) >= 2)
    assert [decode_key(f) for f in frames] == [
        KeypadPress(3, KeypadAction.CALL_NEXT, "", 0x0C),
        KeypadPress(3, KeypadAction.NO_SHOW, "6", 0x0F),
    ]
    assert host.errors.rejected_frames == 0


def test_host_acks_reach_the_keypad(bus: FakeBus, host: BusPort) -> None:
    keypad = bus.attach(FakeKeypad(3))
    sent = keypad.press(KeypadAction.PAUSE)
    (frame,) = read_until(host, lambda fs: len(fs) >= 1)
    assert keypad.acks == []
    host.write_frame(ack(frame))
    assert bus.wait_for(lambda: keypad.acks == [sent])


def test_show_number_reaches_the_keypad_display(bus: FakeBus, host: BusPort) -> None:
    keypad = bus.attach(FakeKeypad(3))
    other = bus.attach(FakeKeypad(4))
    host.write_frame(show_number(3, "A012"))
    assert bus.wait_for(lambda: keypad.display == "   012")
    host.write_frame(show_waiting(3, 12))
    assert bus.wait_for(lambda: keypad.display == "012   ")
    assert other.display is None


def test_beep_to_0xaa_reaches_every_keypad(bus: FakeBus, host: BusPort) -> None:
    keypads = [bus.attach(FakeKeypad(a)) for a in (1, 2)]
    host.write_frame(beep())
    assert bus.wait_for(lambda: all(k.beeps == 1 for k in keypads))


@pytest.mark.parametrize(
    ("model", "key", "level"),
    [(FOUR_KEY, 0, 2), (FOUR_KEY, 3, 5), (FIVE_KEY, 0, 1), (FIVE_KEY, 4, 5)],
)
def test_evaluator_press_becomes_a_level(
    bus: FakeBus, host: BusPort, model: EvaluatorModel, key: int, level: int
) -> None:
    evaluator = bus.attach(FakeEvaluator(5, model))
    sent = evaluator.press(key)
    (frame,) = read_until(host, lambda fs: len(fs) >= 1)
    assert is_rating(frame)
    press = decode_rating(frame, model)
    assert (press.addr, press.level, press.key) == (5, level, key)
    host.write_frame(ack(frame))
    assert bus.wait_for(lambda: evaluator.acks == [sent])
    assert bus.host_frames == [Frame(5, 0x01, bytes([key]))]


def test_evaluator_records_start_requests(bus: FakeBus, host: BusPort) -> None:
    evaluator = bus.attach(FakeEvaluator(5, FIVE_KEY))
    host.write_frame(start_evaluation(5))
    host.write_frame(start_evaluation(6))  # another desk
    assert bus.wait_for(lambda: len(bus.host_frames) == 2)
    assert evaluator.start_requests == 1


def test_acking_the_keypads_rating_key_starts_the_evaluator(bus: FakeBus, host: BusPort) -> None:
    keypad = bus.attach(FakeKeypad(2))
    evaluator = bus.attach(FakeEvaluator(2, FOUR_KEY))
    sent = keypad.press(KeypadAction.INVITE_RATING)
    (frame,) = read_until(host, lambda fs: len(fs) >= 1)
    assert decode_key(frame).action is KeypadAction.INVITE_RATING
    host.write_frame(ack(frame))
    assert bus.wait_for(lambda: keypad.acks == [sent] and evaluator.start_requests == 1)
    evaluator.press_level(5)
    (rating,) = read_until(host, lambda fs: len(fs) >= 1)
    assert decode_rating(rating, FOUR_KEY).level == 5


def test_noise_between_presses_is_skipped_and_counted(bus: FakeBus, host: BusPort) -> None:
    keypad = bus.attach(FakeKeypad(1))
    bus.inject(b"\x00\x55\xff\x00")  # garbage, including a lone FF
    keypad.press(KeypadAction.RECALL)
    bus.inject(b"\xff\x68\x03\x03\x68\x01\x01\x0d\x00\x16")  # bad checksum
    keypad.press(KeypadAction.TRANSFER)
    frames = read_until(host, lambda fs: len(fs) >= 2)
    assert [decode_key(f).action for f in frames] == [KeypadAction.RECALL, KeypadAction.TRANSFER]
    assert host.errors.garbage_bytes >= 4
    assert host.errors.bad_checksum == 1


def test_a_frame_cut_short_does_not_hide_the_next_press(bus: FakeBus, host: BusPort) -> None:
    keypad = bus.attach(FakeKeypad(1))
    bus.inject(b"\xff\x68\x20\x20\x68\x01")  # a header whose frame never comes
    keypad.press(KeypadAction.CALL_NEXT)
    frames = read_until(host, lambda fs: len(fs) >= 1)
    assert [decode_key(f).action for f in frames] == [KeypadAction.CALL_NEXT]
    assert host.errors.truncated == 1


def test_window_display_board_on_the_bus(bus: FakeBus, host: BusPort) -> None:
    board = bus.attach(FakeWindowDisplay(0x21))
    display = BusWindowDisplay(host, {3: 0x21})
    display.show_call(3, "A012", "请A012号到3号窗口")
    display.show_call(4, "A013", "请A013号到4号窗口")  # window 4 has no board: skipped
    display.show_paused(3, "暂停服务")
    assert bus.wait_for(lambda: board.shown == ["   012", "      "])
    assert bus.host_frames == [show_number(0x21, "A012"), show_number(0x21, "")]


def test_devices_need_a_bus() -> None:
    with pytest.raises(RuntimeError):
        FakeKeypad(1).press(KeypadAction.CALL_NEXT)


def test_close_from_another_thread_ends_a_blocked_read(bus: FakeBus) -> None:
    port = BusPort(bus.port_path, timeout=5.0)
    port.open()
    reading = threading.Event()
    outcome: list[object] = []

    def reader() -> None:
        reading.set()
        try:
            while True:
                outcome.append(port.read_frames())
        except PortClosedError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    assert reading.wait(2.0)
    started = time.monotonic()
    port.close()
    thread.join(2.0)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2.0  # not the 5 s read timeout
    assert isinstance(outcome[-1], PortClosedError)
    assert not port.is_open


def test_an_echoing_adapter_without_local_echo_hears_itself() -> None:
    # Why `local_echo` exists: the echo of start_evaluation reads as the 评价 key.
    with FakeBus(echo=True) as bus, BusPort(bus.port_path, timeout=0.05) as host:
        host.write_frame(start_evaluation(2))
        frames = read_until(host, lambda fs: len(fs) >= 1)
        assert decode_key(frames[0]).action is KeypadAction.INVITE_RATING


def test_local_echo_drops_our_own_bytes() -> None:
    with (
        FakeBus(echo=True) as bus,
        BusPort(bus.port_path, timeout=0.05, local_echo=True) as host,
    ):
        keypad = bus.attach(FakeKeypad(2))
        evaluator = bus.attach(FakeEvaluator(2, FIVE_KEY))
        sent = keypad.press(KeypadAction.INVITE_RATING)
        (frame,) = read_until(host, lambda fs: len(fs) >= 1)
        host.write_frame(ack(frame))  # comes back as the very same bytes
        host.write_frame(show_number(2, "A012"))
        assert bus.wait_for(lambda: keypad.acks == [sent] and keypad.display == "   012")
        evaluator.press(4)
        frames = read_until(host, lambda fs: len(fs) >= 1)
        assert frames == [Frame(2, 0x11, b"\x04")]
        assert host.read_frames() == []  # and nothing else: no echoed press
        assert evaluator.start_requests == 1
        assert host.errors.rejected_frames == 0


def test_local_echo_that_never_comes_does_not_hide_device_frames(
    bus: FakeBus, caplog: pytest.LogCaptureFixture
) -> None:
    # Configured for echo, but this line does not echo: the first device frame shows it.
    with BusPort(bus.port_path, timeout=0.05, local_echo=True) as host:
        keypad = bus.attach(FakeKeypad(1))
        host.write_frame(show_number(1, "7"))
        assert bus.wait_for(lambda: keypad.display == "     7")
        keypad.press(KeypadAction.RECALL)
        frames = read_until(host, lambda fs: len(fs) >= 1)
        assert [decode_key(f).action for f in frames] == [KeypadAction.RECALL]
        assert "expected our echo" in caplog.text
