"""Start-up time against the size of the event log.

    .venv/bin/python bench/bench_startup.py [--root OLD=before --root .=after]
        [--sizes 10000,100000,1000000] [--rounds 3] [--chart artifacts/bench/startup.png]

For each size a log of real engine events is generated once (days of tickets issued, called and
finished at the demo hall's windows) into a SQLite file. Each tree's server is started on a
copy and stopped (a first start, which may replay everything), then started again and timed
from launch to "listening". Goal: ≤ 1 s with 1,000,000 events.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchkit import ROOT, Tree, chart, median, start_server, stop_server, trees

sys.path.insert(0, str(ROOT))

DAY = 86400.0
T0 = 1795312800.0  # a morning in Asia/Shanghai


def generate(path: Path, size: int) -> None:
    """A log of `size` events: whole days of a busy hall, in batches like the writer's."""
    from queue_server import core
    from queue_server.config import load_hall
    from queue_server.store import Store

    hall = load_hall(ROOT / "config" / "demo-hall.toml")
    engine = core.Engine(hall)
    with Store.open(path) as store:
        batch: list[dict[str, object]] = []
        count, day = 0, 0
        while count < size:
            now = T0 + day * DAY
            for w in hall.windows:
                staff = hall.staff[(w.number - 1) % len(hall.staff)].id
                batch += engine.execute(core.OpenWindow(w.number, staff), now, staff).events
            for i in range(3000):
                now += 3
                service = hall.services[i % len(hall.services)].code
                try:
                    batch += engine.execute(
                        core.TakeTicket(service, f"g{day}-{i}"), now, "kiosk-1"
                    ).events
                except core.DomainError:
                    continue
                w = hall.windows[i % len(hall.windows)]
                for command in (core.CallNext(w.number), core.Finish(w.number)):
                    try:
                        batch += engine.execute(command, now, "s").events
                    except core.DomainError:
                        break
                if len(batch) >= 2000:
                    store.append(batch, {})
                    count += len(batch)
                    batch = []
                if count >= size:
                    break
            day += 1
        if batch:
            store.append(batch, {})


async def startup(tree: Tree, db: Path) -> float:
    proc, _ = await start_server(tree, db)  # first start: may replay it all
    await stop_server(proc)
    t0 = time.perf_counter()
    proc, _ = await start_server(tree, db)
    elapsed = time.perf_counter() - t0
    await stop_server(proc)
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", action="append", default=[])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chart", default="artifacts/bench/startup.png")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    series: dict[str, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        logs = {}
        for size in sizes:
            logs[size] = Path(tmp) / f"log-{size}.sqlite"
            t0 = time.perf_counter()
            generate(logs[size], size)
            print(f"generated {size:,} events in {time.perf_counter() - t0:.0f} s", flush=True)
        for tree in trees(args.root):
            figures = []
            for size in sizes:
                times = []
                for _ in range(args.rounds):
                    db = Path(tmp) / "run.sqlite"
                    shutil.copy(logs[size], db)
                    times.append(await startup(tree, db))
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(db) + suffix).unlink(missing_ok=True)
                figures.append(median(times))
                print(
                    f"{tree.label:>12} {size:>9,} events: start-up {figures[-1]:.2f} s "
                    f"(median of {args.rounds})",
                    flush=True,
                )
            series[tree.label] = ([float(s) for s in sizes], figures)
    chart(
        Path(args.chart),
        "Start-up to listening (second start)",
        "events in the log",
        "seconds",
        series,
        logx=True,
    )
    print(f"chart: {args.chart}")


if __name__ == "__main__":
    asyncio.run(main())
