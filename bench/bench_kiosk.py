"""Kiosk benchmark: from the tap to the last byte at the printer, with the server real.

    .venv/bin/python bench/bench_kiosk.py [--taps 50] [--service SB]

A real queue server (the demo hall, a SQLite file in a temporary directory) runs on its own
asyncio thread; the kiosk runs offscreen in this process with a fake ESC/POS printer on a pty.
Each round goes home, taps the category, then taps the service (`button.click()`) and waits for
the done screen. Measured from that click:

- to the last byte the printer received (the job, then the status check after it),
- to the cut command, and to the done screen.

A pty does not pace bytes like a serial line, so the line time of a ticket is computed:
bytes × 10 / baud (8N1: ten bits a byte) at 9600 and 115200 baud. The target is tap → last
byte ≤ 300 ms plus the line time.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from drivers.printer.fake import FakePrinter
from kiosk.app import build
from kiosk.config import KioskConfig
from kiosk.flow import KioskFlow, Stage
from queue_server.config import load_hall
from queue_server.server import HallServer
from queue_server.service import HallService
from queue_server.store import Store

CONFIG = ROOT / "config" / "demo-hall.toml"
TARGET_MS = 300.0
BAUDS = (9600, 115200)


class ServerThread:
    def __init__(self, db: Path) -> None:
        self.hall = load_hall(CONFIG)
        self.db = db
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: HallServer | None = None
        self.port = 0

    def run(self, coro: object) -> object:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)  # type: ignore[arg-type]

    def start(self) -> str:
        async def start() -> None:
            self.server = HallServer(HallService(self.hall, Store.open(self.db)))
            self.port = await self.server.start("127.0.0.1", 0)

        self.run(start())
        return f"ws://127.0.0.1:{self.port}/ws"

    def close(self) -> None:
        if self.server is not None:
            self.run(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def kiosk(self) -> tuple[str, str]:
        d = next(d for d in self.hall.devices if d.role.value == "kiosk")
        return d.id, d.token


def wait_until(app: QApplication, condition: object, timeout: float = 10.0) -> None:
    """Run Qt's loop until `condition()` holds (events from other threads wake it)."""
    deadline = time.perf_counter() + timeout
    while not condition():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise TimeoutError("the kiosk did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--taps", type=int, default=50, help="measured taps (after one warm-up)")
    parser.add_argument("--service", default="SB", help="service code of the demo hall")
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp, FakePrinter("ok") as fake:
        server = ServerThread(Path(tmp) / "hall.sqlite")
        url = server.start()
        device, token = server.kiosk()
        config = dataclasses.replace(
            KioskConfig(), server=url, device=device, token=token, printer=fake.port_path
        ).check()
        kiosk = build(config)
        kiosk.window.show()
        kiosk.start()
        flow: KioskFlow = kiosk.controller.flow
        try:
            wait_until(app, lambda: flow.stage is Stage.IDLE and bool(flow.services))
            service = next(s for s in flow.services if s.code == args.service)
            to_last, to_cut, to_done, job_bytes, wire_bytes = [], [], [], [], []
            for n in range(args.taps + 1):
                kiosk.controller.tap_home()
                kiosk.window.home.category_buttons[service.category].click()
                button = kiosk.window.category.service_buttons[service.code]
                received_before = len(fake.received)
                cuts_before = len(fake.cut_times)
                tapped = time.perf_counter()
                button.click()
                wait_until(
                    app, lambda: flow.stage in (Stage.DONE, Stage.FAILED, Stage.OUT_OF_SERVICE)
                )
                done = time.perf_counter()
                if flow.stage is not Stage.DONE:
                    raise RuntimeError(f"tap {n}: {flow.stage} {flow.failure_code}")
                if not fake.wait_for_cut(cuts_before + 1, 5):
                    raise RuntimeError(f"tap {n}: no cut")
                if n == 0:
                    continue  # warm-up: first connection of the printer thread, caches
                last = fake.last_byte_at or done
                to_last.append((last - tapped) * 1000)
                to_cut.append((fake.cut_times[-1] - tapped) * 1000)
                to_done.append((done - tapped) * 1000)
                job_bytes.append(len(fake.tickets()[-1]))
                wire_bytes.append(len(fake.received) - received_before)
        finally:
            kiosk.stop()
            server.close()

    median_last = statistics.median(to_last)
    job = statistics.median(job_bytes)
    wire = statistics.median(wire_bytes)
    print(f"kiosk tap → printer, {args.taps} taps (service {args.service}, real server, pty)")
    print(
        f"  tap → last byte at the printer: median {median_last:.1f} ms, "
        f"p90 {pct(to_last, 0.9):.1f} ms, max {max(to_last):.1f} ms"
    )
    print(f"  tap → cut command:              median {statistics.median(to_cut):.1f} ms")
    print(f"  tap → done screen:              median {statistics.median(to_done):.1f} ms")
    print(
        f"  bytes per ticket: {job:.0f} (job) + {wire - job:.0f} (status queries) "
        f"= {wire:.0f} on the wire"
    )
    for baud in BAUDS:
        line_ms = wire * 10 / baud * 1000
        budget = TARGET_MS + line_ms
        total = median_last + line_ms
        print(
            f"  at {baud:>6} baud: line time {line_ms:6.1f} ms → tap to last byte ≈ "
            f"{total:6.1f} ms (target ≤ {budget:.0f} ms: ratio {total / budget:.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
