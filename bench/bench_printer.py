"""Ticket printer benchmark: bytes per ticket and the time to print one over a pty.

    .venv/bin/python bench/bench_printer.py [--runs 30]

1. Bytes per ticket at 58 and 80 mm, Chinese and English, for a full ticket with a QR code
   (target ≤ 600 bytes).
2. From the `print_ticket` call to the last byte (the cut) arriving at the FakePrinter, at
   9600 and 115200 baud. A pty does not pace bytes at the baud rate, so the software time is
   measured and the line time (bytes × 10 bits / baud, 8N1) is computed; their sum is the
   total a real serial line would take. The whole call (status before, write, drain, status
   after) is reported too, with the line time of the two status rounds added. A real printer
   also needs its own time to print and cut (about 150-250 mm/s). Target: software ≤ 300 ms.

Prints medians over the runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drivers.printer import PaperWidth, PrintableTicket, SerialPrinter, render_ticket
from drivers.printer.fake import FakePrinter

LANGUAGES: tuple[Literal["zh", "en"], ...] = ("zh", "en")
BYTES_TARGET = 600
#: Two status rounds per job, each 4 × (3 query bytes out, 1 reply byte back), one at a time.
STATUS_LINE_BYTES = 2 * 4 * (3 + 1)
SOFTWARE_TARGET_S = 0.300

TICKET = PrintableTicket(
    hall_name="某某市某某区政务服务中心",
    number="A001",
    service_name="不动产登记（二手房转移登记）",
    service_name_en="Real estate registration (transfer)",
    ticket_class="priority",
    ahead=23,
    estimated_wait_s=1380,
    location="二楼 B 区 12 号综合受理窗口",
    issued_at=dt.datetime(2024, 6, 1, 9, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    qr_url="https://zwfw.example.gov.cn/q?t=A001&d=20240601&h=0123456789abcdef",
    footer="过号请重新取号",
)


def ticket(language: Literal["zh", "en"]) -> PrintableTicket:
    return dataclasses.replace(TICKET, language=language)


def bench_print(baud: int, width: PaperWidth, runs: int) -> tuple[float, float, int]:
    """Median seconds to the last byte, median seconds of the whole call, bytes sent."""
    to_last_byte: list[float] = []
    whole_call: list[float] = []
    sent = 0
    with FakePrinter() as fake, SerialPrinter(fake.port_path, baudrate=baud) as printer:
        printer.print_ticket(ticket("zh"), width)  # warm-up: imports, first open round
        for i in range(runs):
            started = time.perf_counter()
            result = printer.print_ticket(ticket("zh"), width)
            ended = time.perf_counter()
            if not fake.wait_for_cut(i + 2, timeout=5):
                raise RuntimeError("the fake printer did not receive the cut")
            to_last_byte.append(fake.cut_times[-1] - started)
            whole_call.append(ended - started)
            sent = result.bytes_sent
    return statistics.median(to_last_byte), statistics.median(whole_call), sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    ok = True
    print("bytes per ticket (full ticket, 66-char QR url)")
    print(f"{'paper':>6} {'lang':>4} {'bytes':>6} {'target':>7}")
    for width in PaperWidth:
        for language in LANGUAGES:
            size = len(render_ticket(ticket(language), width))
            ok &= size <= BYTES_TARGET
            print(f"{width.mm:>4}mm {language:>4} {size:>6} {'≤' + str(BYTES_TARGET):>7}")

    print()
    print(f"print_ticket to last byte at the fake printer, median of {args.runs} runs")
    print(
        "software = call to cut received (status round + write); line = ticket bytes x 10 / baud;"
    )
    print("call = the whole print_ticket; call total adds the line time of both status rounds")
    header = (
        f"{'baud':>7} {'paper':>6} {'bytes':>6} {'software':>9} {'line':>7} {'total':>7}"
        f" {'call':>8} {'call total':>10}"
    )
    print(header)
    for baud in (9600, 115200):
        for width in PaperWidth:
            software, call, sent = bench_print(baud, width, args.runs)
            line = sent * 10 / baud
            status_line = STATUS_LINE_BYTES * 10 / baud
            ok &= software <= SOFTWARE_TARGET_S
            print(
                f"{baud:>7} {width.mm:>4}mm {sent:>6} {software * 1000:>7.1f}ms"
                f" {line * 1000:>5.0f}ms {(software + line) * 1000:>5.0f}ms"
                f" {call * 1000:>6.1f}ms {(call + line + status_line) * 1000:>8.0f}ms"
            )
    print()
    print(
        f"targets: ≤ {BYTES_TARGET} bytes, software ≤ {SOFTWARE_TARGET_S * 1000:.0f} ms:",
        "met" if ok else "MISSED",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
