"""The printer worker thread: jobs and checks off the GUI thread, every outcome reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Never

import pytest
from pytestqt.qtbot import QtBot

from drivers.printer import PaperWidth, PrintableTicket, SerialPrinter
from drivers.printer.fake import FakePrinter
from kiosk.flow import PrinterHealth
from kiosk.printing import PrinterService

TICKET = PrintableTicket(
    hall_name="测试县政务服务中心",
    number="A001",
    service_name="社保",
    ticket_class="normal",
    ahead=2,
    estimated_wait_s=600,
    location="一楼 1–4 号窗口",
    issued_at=dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    footer="过号请重新取号",
    qr_url="http://hall.example.gov.cn/t/2026-11-22-A001",
)


class BuggyPrinter(SerialPrinter):
    """A printer whose job raises something no driver error covers."""

    def print_ticket(self, ticket: PrintableTicket, width: PaperWidth = PaperWidth.MM80) -> Never:
        raise RuntimeError("surprise")


@pytest.fixture
def service_for() -> Iterator[Callable[[SerialPrinter], PrinterService]]:
    services: list[PrinterService] = []

    def make(printer: SerialPrinter) -> PrinterService:
        service = PrinterService(printer)
        service.start()
        services.append(service)
        return service

    yield make
    for service in services:
        service.stop()
        assert not service._thread.isRunning()


def test_a_job_prints_on_the_worker_thread_and_reports_back(
    qtbot: QtBot, fake_printer: FakePrinter, service_for: Callable[[SerialPrinter], PrinterService]
) -> None:
    service = service_for(SerialPrinter(fake_printer.port_path))
    with qtbot.waitSignal(service.printed, timeout=3000) as blocker:
        service.print_ticket("t-1", TICKET)
    assert blocker.args[:2] == ["t-1", PrinterHealth.OK]
    assert fake_printer.wait_for_cut(1, 1)


def test_paper_out_just_after_the_cut_is_printed_and_reported_as_paper_out(
    qtbot: QtBot, fake_printer: FakePrinter, service_for: Callable[[SerialPrinter], PrinterService]
) -> None:
    fake_printer.run_out_of_paper(after_cuts=1)
    service = service_for(SerialPrinter(fake_printer.port_path))
    failures = []
    service.print_failed.connect(lambda *args: failures.append(args))
    with qtbot.waitSignal(service.printed, timeout=3000) as blocker:
        service.print_ticket("t-1", TICKET)
    assert blocker.args[:2] == ["t-1", PrinterHealth.PAPER_OUT]
    assert len(fake_printer.tickets()) == 1 and failures == []


def test_paper_out_while_printing_fails_the_job(
    qtbot: QtBot, fake_printer: FakePrinter, service_for: Callable[[SerialPrinter], PrinterService]
) -> None:
    fake_printer.run_out_of_paper(after_bytes=30)
    service = service_for(SerialPrinter(fake_printer.port_path))
    with qtbot.waitSignal(service.print_failed, timeout=3000) as blocker:
        service.print_ticket("t-1", TICKET)
    assert blocker.args[:2] == ["t-1", PrinterHealth.PAPER_OUT]
    assert fake_printer.tickets() == []


@pytest.mark.parametrize(
    ("mode", "health"),
    [
        ("paper_out", PrinterHealth.PAPER_OUT),
        ("cover_open", PrinterHealth.COVER_OPEN),
        ("error", PrinterHealth.ERROR),
        ("silent", PrinterHealth.UNKNOWN),
    ],
)
def test_a_printer_that_cannot_print_refuses_the_job(
    qtbot: QtBot,
    fake_printer: FakePrinter,
    service_for: Callable[[SerialPrinter], PrinterService],
    mode: str,
    health: PrinterHealth,
) -> None:
    fake_printer.mode = mode
    service = service_for(SerialPrinter(fake_printer.port_path, timeout=0.1))
    with qtbot.waitSignal(service.print_failed, timeout=3000) as blocker:
        service.print_ticket("t-1", TICKET)
    assert blocker.args[:2] == ["t-1", health]
    assert fake_printer.tickets() == []


def test_status_checks_report_health_and_a_missing_port(
    qtbot: QtBot, fake_printer: FakePrinter, service_for: Callable[[SerialPrinter], PrinterService]
) -> None:
    service = service_for(SerialPrinter(fake_printer.port_path))
    with qtbot.waitSignal(service.status_read, timeout=3000) as blocker:
        service.check()
    assert blocker.args[0] is PrinterHealth.OK
    missing = service_for(SerialPrinter("/dev/no-such-printer"))
    with qtbot.waitSignal(missing.status_read, timeout=3000) as blocker:
        missing.check()
    assert blocker.args[0] is PrinterHealth.MISSING
    with qtbot.waitSignal(missing.print_failed, timeout=3000) as blocker:
        missing.print_ticket("t-2", TICKET)
    assert blocker.args[:2] == ["t-2", PrinterHealth.MISSING]


def test_an_unexpected_error_still_ends_the_job(
    qtbot: QtBot, fake_printer: FakePrinter, service_for: Callable[[SerialPrinter], PrinterService]
) -> None:
    service = service_for(BuggyPrinter(fake_printer.port_path))
    with qtbot.waitSignal(service.print_failed, timeout=3000) as blocker:
        service.print_ticket("t-1", TICKET)
    assert blocker.args == ["t-1", PrinterHealth.OK, "RuntimeError('surprise')"]


def test_the_printer_comes_back_after_it_was_unplugged(
    qtbot: QtBot, service_for: Callable[[SerialPrinter], PrinterService]
) -> None:
    with FakePrinter("ok") as fake:
        path = fake.port_path
        printer = SerialPrinter(path)
        service = service_for(printer)
        with qtbot.waitSignal(service.status_read, timeout=3000) as blocker:
            service.check()
        assert blocker.args[0] is PrinterHealth.OK
    with qtbot.waitSignal(service.status_read, timeout=3000) as blocker:
        service.check()  # the pty is gone: the port fails and is closed
    assert blocker.args[0] in (PrinterHealth.UNKNOWN, PrinterHealth.MISSING)
    assert not printer.is_open
