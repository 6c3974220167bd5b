"""Board benchmark: a clerk's `call_next` → the number painted on 20 hall boards, and the idle
cost of 50 connected boards.

    .venv/bin/python bench/bench_board.py [--boards 20] [--procs 4] [--rounds 40]
                                          [--idle-boards 50] [--idle-procs 5] [--idle-s 10]
                                          [--root OLD_TREE=before --root .=after]

A real queue server (the demo hall, a SQLite file in a temporary directory) runs as its own
process. The boards are real `display.app.DisplayApp`s (hall mode, 1920×1080, offscreen)
spread over a few worker processes (`--worker`), each connected like a board in the hall.

Latency: each round the clerk of window 1 finishes the ticket it serves, the boards settle,
then `call_next` is sent; the clock starts just before the request leaves. Each board reports
the moment its paint that shows the new number has ended (the board's paint hook, after
`paintEvent`), on CLOCK_MONOTONIC, which all processes of the machine share. The newest call
blinks as in the hall, so the boards also repaint for the blink meanwhile. Target: p99 of
call → painted ≤ 50 ms over all boards and rounds.

Paint CPU: the CPU time of the board's thread inside its paint events (from the paint event's
arrival to the paint hook), summed over a round (the finish, the call, the blink) per board.
Unlike the latencies it hardly depends on what else runs on the machine. `--root` measures the
server and the boards of other trees (e.g. an export of an older commit), one after the other.

Idle: 50 boards connected to a quiet hall; the CPU time (user + system, from /proc) the board
processes use over `--idle-s` seconds. A board has no polling timer: it paints on a change,
once a minute for its clock, and while a new call blinks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# A worker's boards run the code of the tree measured (`--root`), this one by default.
sys.path.insert(0, os.environ.get("HALL_BENCH_TREE", str(ROOT)))
sys.path.insert(0, str(ROOT / "bench"))

from benchkit import Tree, cpu_seconds, median, percentile, rss_mb, start_server, stop_server, trees

from queue_server.client import HallClient

TARGET_MS = 50.0
SERVICE = "BDC"  # served by window 1 of the demo hall
SETTLE_S = 0.3  # between the finish and the next call: the boards paint the finish first


# -- a worker process: some boards --------------------------------------------------------


def worker(args: argparse.Namespace) -> int:
    """Run `args.worker` boards; print `ready`, then `painted BOARD NUMBER TIME` per call."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import dataclasses

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from contract.events import TicketCalled
    from display.__main__ import quit_on_signals
    from display.app import DisplayApp
    from display.config import DisplayConfig

    app = QApplication([])
    notifier = quit_on_signals(app)
    config = DisplayConfig(server=args.server, device=args.device, token=args.token)
    if args.notice:
        config = dataclasses.replace(config, notice=args.notice)
    boards = [DisplayApp(config.check()) for _ in range(args.worker)]
    shown: dict[int, str | None] = dict.fromkeys(range(len(boards)))
    ready = False
    out = sys.stdout
    paint_cpu = [0.0] * len(boards)  # each board's thread CPU in its paint events so far
    paint_began = [0.0] * len(boards)
    event_cpu = [0.0] * len(boards)  # and in taking the server's events (model, state, screen)
    event_began = [0.0] * len(boards)

    class CpuClock(QObject):
        """Notes the thread's CPU time as an event of `kind` reaches a board's object."""

        def __init__(self, kind: QEvent.Type, began: list[float], i: int) -> None:
            super().__init__()
            self.kind, self.began, self.i = kind, began, i

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == self.kind:
                self.began[self.i] = time.thread_time()
            return False

    paint_clocks = [CpuClock(QEvent.Type.Paint, paint_began, i) for i in range(len(boards))]
    # A server event reaches the board's link as a queued signal (a meta-call event).
    event_clocks = [CpuClock(QEvent.Type.MetaCall, event_began, i) for i in range(len(boards))]

    def painted(i: int, board: DisplayApp) -> None:
        nonlocal ready
        cpu = time.thread_time() - paint_began[i]
        paint_cpu[i] += cpu
        calls = board.state.calls
        at = time.monotonic()
        if calls and calls[0].number != shown[i] and calls[0].number in board.screen.painted:
            shown[i] = calls[0].number
            took = board.screen.paint_seconds
            out.write(
                f"painted {i} {calls[0].number} {at:.6f} {took:.6f} {cpu:.6f} {paint_cpu[i]:.6f} "
                f"{event_cpu[i]:.6f}\n"
            )
            out.flush()
        if not ready and all(b.model.synced and b.screen.online for b in boards):
            ready = True
            out.write("ready\n")
            out.flush()

    def heard(i: int, change: Any) -> None:
        event_cpu[i] += time.thread_time() - event_began[i]  # the board has taken it
        event = change.event
        if isinstance(event, TicketCalled):
            out.write(f"heard {i} {event.number} {time.monotonic():.6f}\n")

    for i, board in enumerate(boards):
        board.link.changed.connect(functools.partial(heard, i))
        board.screen.installEventFilter(paint_clocks[i])
        board.link.installEventFilter(event_clocks[i])
        board.screen.paint_hooks.append(functools.partial(painted, i, board))
        board.show((1920, 1080))
        board.start()
    try:
        return app.exec()
    finally:
        for board in boards:
            board.stop()
        notifier.setEnabled(False)


# -- the measuring process ----------------------------------------------------------------


class Workers:
    """Board processes and what they report."""

    def __init__(self) -> None:
        self.procs: list[asyncio.subprocess.Process] = []
        self.ready = 0
        self.paints: dict[str, list[float]] = {}  # number -> paint times
        self.paint_ms: list[float] = []  # how long each board's paint of a new call took
        self.paint_cpu_ms: list[float] = []  # the thread CPU time of that paint
        # number -> each board's thread CPU in paint events up to the paint of that number,
        # and in taking events
        self.paint_cpu_total: dict[str, dict[tuple[int, int], float]] = {}
        self.event_cpu_total: dict[str, dict[tuple[int, int], float]] = {}
        self.heard: dict[str, list[float]] = {}  # number -> when the boards' models moved
        self.changed = asyncio.Event()
        self._readers: list[asyncio.Task[None]] = []

    async def start(
        self,
        tree: Tree,
        url: str,
        device: str,
        token: str,
        boards: int,
        procs: int,
        notice: str = "",
    ) -> None:
        sizes = [boards // procs + (1 if i < boards % procs else 0) for i in range(procs)]
        env = {**os.environ, "HALL_BENCH_TREE": str(tree.root)}
        for n in sizes:
            extra = ["--notice", notice] if notice else []
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--worker",
                str(n),
                "--server",
                url,
                "--device",
                device,
                "--token",
                token,
                *extra,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                cwd=tree.root,
                env=env,
            )
            self.procs.append(proc)
            reader = self._read(proc, len(self.procs) - 1)
            self._readers.append(asyncio.get_running_loop().create_task(reader))
        await self.wait(lambda: self.ready == len(self.procs), 60)

    async def _read(self, proc: asyncio.subprocess.Process, index: int) -> None:
        assert proc.stdout is not None
        async for raw in proc.stdout:
            words = raw.decode().split()
            if words == ["ready"]:
                self.ready += 1
            elif words and words[0] == "painted":
                self.paints.setdefault(words[2], []).append(float(words[3]))
                self.paint_ms.append(float(words[4]) * 1000)
                self.paint_cpu_ms.append(float(words[5]) * 1000)
                board = (index, int(words[1]))
                self.paint_cpu_total.setdefault(words[2], {})[board] = float(words[6]) * 1000
                self.event_cpu_total.setdefault(words[2], {})[board] = float(words[7]) * 1000
            elif words and words[0] == "heard":
                self.heard.setdefault(words[2], []).append(float(words[3]))
            self.changed.set()

    async def wait(self, done: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the boards did not report in time")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.procs)

    def app_thread_cpu(self) -> float:
        """CPU time of the processes' main threads, Qt's (the others run the network)."""
        return sum(cpu_seconds(p.pid, p.pid) for p in self.procs)

    def rss(self) -> float:
        return sum(rss_mb(p.pid) for p in self.procs)

    async def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            await proc.wait()
        for task in self._readers:
            task.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)


async def latency(tree: Tree, url: str, args: argparse.Namespace) -> None:
    device, token = tree.device("display")
    workers = Workers()
    await workers.start(tree, url, device, token, args.boards, args.procs)
    clerk_id, clerk_token = tree.device("clerk", window=1)
    kiosk_id, kiosk_token = tree.device("kiosk")
    staff, pin = tree.staff_pin()
    clerk = HallClient(url, "clerk", clerk_id, clerk_token)
    kiosk = HallClient(url, "kiosk", kiosk_id, kiosk_token)
    await clerk.connect()
    await kiosk.connect()
    await clerk.request("login", window=1, staff=staff, pin=pin)
    for n in range(args.rounds + 1):
        await kiosk.request("take_ticket", service=SERVICE, request_id=f"bench-board-{n}")
    await asyncio.sleep(1.0)  # the boards have painted the waiting counts
    cpu_before, app_before = workers.cpu(), workers.app_thread_cpu()
    per_board: list[float] = []  # every board's call → painted
    worst: list[float] = []  # each round's last board
    reply_ms: list[float] = []
    heard: list[float] = []  # call → the board's model applied it (the app's thread)
    serving = False
    numbers: list[str] = []
    for n in range(args.rounds + 1):
        if serving:
            await clerk.request("finish", window=1)
            await asyncio.sleep(SETTLE_S)
        start = time.monotonic()
        reply = await clerk.request("call_next", window=1)
        replied = time.monotonic()
        serving = True
        number = reply["ticket"]["number"]
        numbers.append(number)
        await workers.wait(lambda n=number: len(workers.paints.get(n, ())) == args.boards, 10)
        if n == 0:
            continue  # warm-up: the first number's images are rendered for the first time
        lat = [(t - start) * 1000 for t in workers.paints[number]]
        per_board.extend(lat)
        heard.extend((t - start) * 1000 for t in workers.heard.get(number, []))
        worst.append(max(lat))
        reply_ms.append((replied - start) * 1000)
    cpu_used = workers.cpu() - cpu_before
    app_used = workers.app_thread_cpu() - app_before
    await clerk.close()
    await kiosk.close()
    rss = workers.rss()
    await workers.stop()
    p99 = percentile(per_board, 99)
    first, last = workers.paint_cpu_total[numbers[1]], workers.paint_cpu_total[numbers[-1]]
    paint_cpu = [(last[b] - first[b]) / (len(numbers) - 2) for b in first]
    first, last = workers.event_cpu_total[numbers[1]], workers.event_cpu_total[numbers[-1]]
    event_cpu = [(last[b] - first[b]) / (len(numbers) - 2) for b in first]
    print(
        f"[{tree.label}] call_next → number painted on {args.boards} boards ({args.procs} "
        f"processes, 1920×1080 offscreen), {args.rounds} rounds"
    )
    print(
        f"  call_next reply:          median {median(reply_ms):6.1f} ms   "
        f"p99 {percentile(reply_ms, 99):6.1f} ms"
    )
    print(
        f"  each board (n={len(per_board)}):   median {median(per_board):6.1f} ms   "
        f"p99 {p99:6.1f} ms   max {max(per_board):6.1f} ms"
    )
    print(
        f"  paint of a new call:      median {median(workers.paint_ms):6.1f} ms   "
        f"p99 {percentile(workers.paint_ms, 99):6.1f} ms"
    )
    print(
        f"  paint CPU of a new call:  median {median(workers.paint_cpu_ms):6.2f} ms   "
        f"p99 {percentile(workers.paint_cpu_ms, 99):6.2f} ms"
    )
    print(
        f"  paint CPU a board a round: median {median(paint_cpu):5.2f} ms   "
        f"max {max(paint_cpu):5.2f} ms (every paint: the finish, the call, the blink)"
    )
    print(
        f"  event CPU a board a round: median {median(event_cpu):5.2f} ms   "
        f"max {max(event_cpu):5.2f} ms (the finish and the call: model, board state, screen)"
    )
    print(
        f"  model moved (app thread): median {median(heard):6.1f} ms   "
        f"p99 {percentile(heard, 99):6.1f} ms"
    )
    print(
        f"  last board of a round:    median {median(worst):6.1f} ms   "
        f"p99 {percentile(worst, 99):6.1f} ms"
    )
    per_call = cpu_used / (args.rounds + 1) / args.boards * 1000
    app_per_call = app_used / (args.rounds + 1) / args.boards * 1000
    print(
        f"  CPU time of the boards: {per_call:.1f} ms a board a round (a finish, a call, "
        f"the blink; {cpu_used:.1f} s in all), {app_per_call:.1f} ms of it on Qt's thread"
    )
    print(f"  board processes' memory: {rss:.0f} MB ({rss / args.boards:.0f} MB a board)")
    verdict = "meets" if p99 <= TARGET_MS else "MISSES"
    print(f"  target p99 ≤ {TARGET_MS:.0f} ms: {verdict}")


async def idle(tree: Tree, url: str, server_pid: int, args: argparse.Namespace) -> None:
    device, token = tree.device("display")
    workers = Workers()
    await workers.start(tree, url, device, token, args.idle_boards, args.idle_procs, args.notice)
    await asyncio.sleep(2.0)  # connected, painted, settled
    before, server_before = workers.cpu(), cpu_seconds(server_pid)
    started = time.monotonic()
    await asyncio.sleep(args.idle_s)
    seconds = time.monotonic() - started
    used, server_used = workers.cpu() - before, cpu_seconds(server_pid) - server_before
    await workers.stop()
    notice = " with a scrolling notice" if args.notice else ""
    print(
        f"[{tree.label}] {args.idle_boards} connected boards{notice} ({args.idle_procs} processes), idle "
        f"for {seconds:.1f} s"
    )
    print(
        f"  CPU time of the board processes: {used * 1000:.0f} ms "
        f"({used / seconds * 100:.2f} % of one core; "
        f"{used / seconds / args.idle_boards * 1000:.3f} ms a second a board)"
    )
    print(f"  CPU time of the server meanwhile: {server_used * 1000:.0f} ms")


async def run(args: argparse.Namespace) -> None:
    for tree in trees(args.root):
        with tempfile.TemporaryDirectory() as tmp:
            proc, url = await start_server(tree, Path(tmp) / "hall.sqlite")
            try:
                if args.rounds:
                    await latency(tree, url, args)
                if args.idle_boards:
                    await idle(tree, url, proc.pid, args)
            finally:
                await stop_server(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--procs", type=int, default=4, help="processes the boards run in")
    parser.add_argument("--rounds", type=int, default=40, help="calls measured (0: none)")
    parser.add_argument("--idle-boards", type=int, default=50, help="0: no idle measurement")
    parser.add_argument("--idle-procs", type=int, default=5)
    parser.add_argument("--idle-s", type=float, default=10.0)
    parser.add_argument("--notice", default="", help="idle boards scroll this notice")
    parser.add_argument(
        "--root", action="append", default=[], help="TREE[=LABEL] measured, repeatable"
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--server", help=argparse.SUPPRESS)
    parser.add_argument("--device", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        return worker(args)
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
