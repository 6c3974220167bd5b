"""SerialPrinter against FakePrinter over a real pty, and against loop://."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
import serial
from printerkit import QR_URL

from drivers.printer import (
    CoverOpen,
    PaperOut,
    PaperWidth,
    PrintableTicket,
    PrinterFault,
    PrinterIOError,
    PrinterState,
    PrinterUnknown,
    PrinterWriteTimeout,
    SerialPrinter,
    render_ticket,
)
from drivers.printer.fake import FakePrinter
from drivers.printer.transport import split_cut

MakeTicket = Callable[..., PrintableTicket]
QUERIES = b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"

pytestmark = pytest.mark.timeout(20)


@pytest.fixture
def fake() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        yield printer


def test_status_online(fake: FakePrinter) -> None:
    with SerialPrinter(fake.port_path) as printer:
        status = printer.status()
    assert status.state is PrinterState.ONLINE
    assert status.replies == (0x12, 0x12, 0x12, 0x12)
    assert fake.received == QUERIES


@pytest.mark.parametrize(
    ("mode", "state"),
    [
        ("ok", PrinterState.ONLINE),
        ("paper_near_end", PrinterState.PAPER_NEAR_END),
        ("paper_out", PrinterState.PAPER_OUT),
        ("cover_open", PrinterState.COVER_OPEN),
        ("error", PrinterState.ERROR),
        ("silent", PrinterState.UNKNOWN),
    ],
)
def test_status_per_mode(fake: FakePrinter, mode: str, state: PrinterState) -> None:
    fake.mode = mode
    with SerialPrinter(fake.port_path, timeout=0.2) as printer:
        assert printer.status().state is state


def test_print_ok_sends_exactly_the_rendered_bytes(
    fake: FakePrinter, make_ticket: MakeTicket
) -> None:
    ticket = make_ticket(qr_url=QR_URL, ticket_class="priority")
    with SerialPrinter(fake.port_path) as printer:
        result = printer.print_ticket(ticket, PaperWidth.MM58)
    expected = render_ticket(ticket, PaperWidth.MM58)
    assert fake.wait_for_cut(1, timeout=5)
    assert fake.tickets() == [expected]
    body, tail = split_cut(expected)
    assert tail == b"\x1bd\x04\x1dV\x01"  # ESC d 4, GS V 1: feed past the cutter, cut
    assert fake.received == QUERIES + body + QUERIES + tail + QUERIES
    assert fake.unknown_commands == []
    assert result.confirmed and not result.needs_attention
    assert result.bytes_sent == len(expected)
    assert result.status_before.state is result.status_after.state is PrinterState.ONLINE


def test_two_tickets_are_split_by_the_cut(fake: FakePrinter, make_ticket: MakeTicket) -> None:
    first, second = make_ticket(), make_ticket(number="A002", qr_url=QR_URL)
    with SerialPrinter(fake.port_path) as printer:
        printer.print_ticket(first)
        printer.print_ticket(second)
    assert fake.wait_for_cut(2, timeout=5)
    assert fake.tickets() == [render_ticket(first), render_ticket(second)]


@pytest.mark.parametrize(
    ("mode", "error"),
    [("paper_out", PaperOut), ("cover_open", CoverOpen), ("error", PrinterFault)],
)
def test_refuses_before_printing(
    fake: FakePrinter, make_ticket: MakeTicket, mode: str, error: type[Exception]
) -> None:
    fake.mode = mode
    with SerialPrinter(fake.port_path) as printer, pytest.raises(error) as info:
        printer.print_ticket(make_ticket())
    assert fake.received == QUERIES  # nothing but the status round
    assert fake.print_data == b""
    assert "/" in str(info.value)


def test_paper_out_message(fake: FakePrinter, make_ticket: MakeTicket) -> None:
    fake.mode = "paper_out"
    with SerialPrinter(fake.port_path) as printer, pytest.raises(PaperOut) as info:
        printer.print_ticket(make_ticket())
    assert str(info.value) == "打印机缺纸 / Printer is out of paper"
    assert info.value.status.state is PrinterState.PAPER_OUT


def test_silent_printer_is_unknown_and_refused_in_bounded_time(
    fake: FakePrinter, make_ticket: MakeTicket
) -> None:
    fake.mode = "silent"
    with SerialPrinter(fake.port_path, timeout=0.2) as printer:
        started = time.perf_counter()
        status = printer.status()
        assert time.perf_counter() - started < 1.0  # gives up after one unanswered query
        assert status.state is PrinterState.UNKNOWN
        started = time.perf_counter()
        with pytest.raises(PrinterUnknown):
            printer.print_ticket(make_ticket())
        assert time.perf_counter() - started < 1.0
    assert fake.print_data == b""


def test_paper_near_end_prints_and_asks_for_attention(
    fake: FakePrinter, make_ticket: MakeTicket
) -> None:
    fake.mode = "paper_near_end"
    with SerialPrinter(fake.port_path) as printer:
        result = printer.print_ticket(make_ticket())
    assert result.confirmed and result.needs_attention
    assert fake.wait_for_cut(1, timeout=5)


def test_paper_out_just_after_the_cut_does_not_unprint_the_ticket(
    fake: FakePrinter, make_ticket: MakeTicket
) -> None:
    fake.run_out_of_paper(after_cuts=1)
    with SerialPrinter(fake.port_path) as printer:
        result = printer.print_ticket(make_ticket())
        assert fake.tickets() == [render_ticket(make_ticket())]  # it came out, cut
        assert result.status_before.state is result.status_during.state is PrinterState.ONLINE
        assert result.status_after.state is PrinterState.PAPER_OUT  # for the next one
        assert result.confirmed and result.cut_sent and result.needs_attention
        with pytest.raises(PaperOut):  # the next ticket is refused
            printer.print_ticket(make_ticket(number="A002"))
    assert len(fake.tickets()) == 1


def test_paper_out_while_printing_keeps_the_cut_back_and_is_not_confirmed(
    fake: FakePrinter, make_ticket: MakeTicket
) -> None:
    fake.run_out_of_paper(after_bytes=40)  # the roll ends in the middle of the ticket
    with SerialPrinter(fake.port_path) as printer:
        result = printer.print_ticket(make_ticket())
    body, _ = split_cut(render_ticket(make_ticket()))
    assert result.status_during.state is PrinterState.PAPER_OUT
    assert not result.confirmed and not result.cut_sent
    assert result.bytes_sent == len(body)
    assert fake.print_data == body and fake.tickets() == []


def test_a_printer_that_goes_silent_while_printing_is_not_confirmed(
    fake: FakePrinter, make_ticket: MakeTicket
) -> None:
    class SilentAfterTheTicket(FakePrinter):
        def _handle(self, data: bytes, now: float) -> None:
            if len(self.print_data) > 40:
                self.mode = "silent"
            super()._handle(data, now)

    with SilentAfterTheTicket() as silent, SerialPrinter(silent.port_path, timeout=0.2) as p:
        result = p.print_ticket(make_ticket())
    assert result.status_during.state is PrinterState.UNKNOWN
    assert not result.confirmed


def test_mode_switched_between_tickets(fake: FakePrinter, make_ticket: MakeTicket) -> None:
    with SerialPrinter(fake.port_path) as printer:
        assert printer.print_ticket(make_ticket()).confirmed
        fake.mode = "cover_open"
        with pytest.raises(CoverOpen):
            printer.print_ticket(make_ticket(number="A002"))
        fake.mode = "ok"
        assert printer.print_ticket(make_ticket(number="A003")).confirmed
    assert fake.wait_for_cut(2, timeout=5)
    assert fake.tickets() == [
        render_ticket(make_ticket()),
        render_ticket(make_ticket(number="A003")),
    ]


def test_stale_replies_are_flushed(fake: FakePrinter) -> None:
    fake.mode = "paper_out"
    with SerialPrinter(fake.port_path, timeout=0.2) as printer:
        printer.port.write(QUERIES)  # replies nobody reads
        assert fake.wait_for_queries(4, timeout=5)
        fake.mode = "ok"
        assert printer.status().state is PrinterState.ONLINE


def test_loop_url_writes(make_ticket: MakeTicket) -> None:
    ticket = make_ticket(qr_url=QR_URL)
    data = render_ticket(ticket)
    with SerialPrinter("loop://", timeout=0.2, require_status=False) as printer:
        # loop:// echoes the query: 0x10 is no status byte, so the state is UNKNOWN ...
        assert printer.status().state is PrinterState.UNKNOWN
        printer.port.reset_input_buffer()
        printer.write(data)
        assert printer.port.read(len(data)) == data
        # ... and a printer wired transmit-only may still print when told so: it reported no
        # problem, so the ticket counts as printed
        result = printer.print_ticket(ticket)
        assert result.bytes_sent == len(data)
        assert result.confirmed
        assert result.status_after.state is PrinterState.UNKNOWN


def test_loop_url_refuses_when_status_is_required(make_ticket: MakeTicket) -> None:
    with SerialPrinter("loop://", timeout=0.1) as printer, pytest.raises(PrinterUnknown):
        printer.print_ticket(make_ticket())


def test_explicit_open_close_and_no_lazy_open(fake: FakePrinter) -> None:
    printer = SerialPrinter(fake.port_path)
    assert not printer.is_open
    with pytest.raises(PrinterIOError):
        printer.status()
    printer.open()
    try:
        assert printer.is_open
        assert printer.status().state is PrinterState.ONLINE
    finally:
        printer.close()
    assert not printer.is_open
    printer.close()  # closing twice is harmless


def test_open_failure_is_a_printer_error() -> None:
    printer = SerialPrinter("/dev/does-not-exist-printer")
    with pytest.raises(PrinterIOError) as info:
        printer.open()
    assert "无法打开打印机端口 / Cannot open printer port" in str(info.value)
    assert not printer.is_open


def test_baudrate_115200(fake: FakePrinter, make_ticket: MakeTicket) -> None:
    with SerialPrinter(fake.port_path, baudrate=115200) as printer:
        assert printer.print_ticket(make_ticket()).confirmed
    assert fake.wait_for_cut(1, timeout=5)


def test_port_gone_is_an_io_error(make_ticket: MakeTicket) -> None:
    fake = FakePrinter()
    fake.start()
    printer = SerialPrinter(fake.port_path, timeout=0.2)
    printer.open()
    try:
        assert printer.status().state is PrinterState.ONLINE
        fake.stop()  # the printer's side of the line goes away
        with pytest.raises(PrinterIOError):
            printer.print_ticket(make_ticket())
    finally:
        printer.close()
        fake.stop()


def test_status_poller_and_printing_do_not_interleave(
    fake: FakePrinter, make_ticket: MakeTicket
) -> None:
    tickets = [make_ticket(number=f"A{i:03d}", qr_url=QR_URL) for i in range(1, 6)]
    states: list[PrinterState] = []
    stop = threading.Event()
    with SerialPrinter(fake.port_path) as printer:

        def poll() -> None:
            while not stop.is_set():
                states.append(printer.status().state)

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            results = [printer.print_ticket(t) for t in tickets]
        finally:
            stop.set()
            poller.join()
    assert fake.wait_for_cut(5, timeout=5)
    assert fake.tickets() == [render_ticket(t) for t in tickets]
    assert all(r.confirmed for r in results)
    assert set(states) <= {PrinterState.ONLINE}


class StuckUart(serial.Serial):  # type: ignore[misc]
    """A port whose output queue never empties, like a UART held by CTS."""

    @property
    def out_waiting(self) -> int:
        return 100


def test_status_is_unknown_in_bounded_time_when_the_line_is_held(fake: FakePrinter) -> None:
    with SerialPrinter(fake.port_path, timeout=0.2, port_factory=StuckUart) as printer:
        started = time.perf_counter()
        assert printer.status().state is PrinterState.UNKNOWN
        assert time.perf_counter() - started < 2


def test_drain_is_bounded_when_the_line_is_held(fake: FakePrinter, make_ticket: MakeTicket) -> None:
    printer = SerialPrinter(fake.port_path, write_timeout=0.3, port_factory=StuckUart)
    with printer:
        started = time.perf_counter()
        with pytest.raises(PrinterWriteTimeout) as info:
            printer.write(render_ticket(make_ticket()))
        assert time.perf_counter() - started < 2
    assert "打印数据发送失败 / Failed to send print data" in str(info.value)
