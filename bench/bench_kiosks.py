"""Durable tickets per second against the number of kiosks, clients on the same machine.

    .venv/bin/python bench/bench_kiosks.py [--root OLD=before --root .=after]
        [--kiosks 10,20,40,80] [--tickets 4000] [--in-flight 4] [--procs 2] [--rounds 3]
        [--chart artifacts/bench/kiosks.png]

Every kiosk connection takes tickets with a few requests in flight and reads everything the
server pushes to it (as a real kiosk must), in `--procs` client processes. Each ticket is
committed to SQLite (WAL, synchronous=FULL) before its reply. Goal: no lower at 80 kiosks
than at 20. Also prints the server's CPU time per ticket (user + system, from /proc), which
other load on the machine disturbs less than the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import tempfile
import time
from pathlib import Path
from typing import Any

from benchkit import Tree, chart, cpu_seconds, median, start_server, stop_server, trees


def _kiosks(
    url: str,
    devices: list[tuple[str, str]],
    service: str,
    count: int,
    tickets: int,
    in_flight: int,
    tag: str,
    start: Any,  # a multiprocessing Event of the spawn context
    out: Any,  # a multiprocessing Queue of the spawn context
) -> None:
    from websockets.asyncio.client import connect

    async def main() -> None:
        conns = []
        for k in range(count):
            device, token = devices[k % len(devices)]
            ws = await connect(url, compression=None, max_size=None)
            await ws.send(
                json.dumps(
                    {"type": "hello", "id": "h", "role": "kiosk", "device": device, "token": token}
                )
            )
            while json.loads(await ws.recv()).get("type") != "welcome":
                pass
            conns.append(ws)
        out.put("ready")
        await asyncio.to_thread(start.wait)
        done = 0

        async def kiosk(k: int, ws) -> None:  # type: ignore[no-untyped-def]
            nonlocal done
            waiting: dict[str, float] = {}
            sent = 0
            per = tickets // (count * 1)
            while sent < min(in_flight, per):
                rid = f"{tag}-{k}-{sent}"
                await ws.send(
                    json.dumps(
                        {"type": "take_ticket", "id": rid, "service": service, "request_id": rid}
                    )
                )
                waiting[rid] = time.perf_counter()
                sent += 1
            while waiting:
                message = json.loads(await ws.recv())
                if message.get("re") in waiting:
                    del waiting[message["re"]]
                    done += 1
                    if sent < per:
                        rid = f"{tag}-{k}-{sent}"
                        await ws.send(
                            json.dumps(
                                {
                                    "type": "take_ticket",
                                    "id": rid,
                                    "service": service,
                                    "request_id": rid,
                                }
                            )
                        )
                        waiting[rid] = time.perf_counter()
                        sent += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(kiosk(k, ws) for k, ws in enumerate(conns)))
        out.put((done, time.perf_counter() - t0))
        for ws in conns:
            await ws.close()

    asyncio.run(main())


async def one_round(
    tree: Tree, kiosks: int, tickets: int, in_flight: int, procs: int
) -> tuple[float, float]:
    """Tickets per second, and the server's CPU milliseconds per ticket."""
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = await start_server(tree, Path(tmp) / "hall.sqlite")
        try:
            devices = tree.devices("kiosk")
            service = tree.hall()["services"][0]["code"]
            ctx = mp.get_context("spawn")
            start, out = ctx.Event(), ctx.Queue()
            share = [kiosks // procs + (i < kiosks % procs) for i in range(procs)]
            workers = [
                ctx.Process(
                    target=_kiosks,
                    args=(
                        url,
                        devices,
                        service,
                        n,
                        tickets * n // kiosks,
                        in_flight,
                        f"p{i}",
                        start,
                        out,
                    ),
                )
                for i, n in enumerate(share)
            ]
            for w in workers:
                w.start()
            for _ in workers:
                assert await asyncio.to_thread(out.get, True, 120) == "ready"
            t0, cpu0 = time.perf_counter(), cpu_seconds(proc.pid)
            start.set()
            results = [await asyncio.to_thread(out.get, True, 300) for _ in workers]
            elapsed, cpu = time.perf_counter() - t0, cpu_seconds(proc.pid) - cpu0
            for w in workers:
                w.join(30)
        finally:
            await stop_server(proc)
    done = sum(n for n, _ in results)
    return float(done / elapsed), 1000 * cpu / max(done, 1)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", action="append", default=[])
    parser.add_argument("--kiosks", default="10,20,40,80")
    parser.add_argument("--tickets", type=int, default=4000)
    parser.add_argument("--in-flight", type=int, default=4)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chart", default="artifacts/bench/kiosks.png")
    args = parser.parse_args()
    counts = [int(k) for k in args.kiosks.split(",")]
    results: dict[str, dict[int, list[float]]] = {}
    cpu: dict[str, dict[int, list[float]]] = {}
    for _ in range(args.rounds):  # the trees alternate within each round
        for tree in trees(args.root):
            for n in counts:
                rate, ms = await one_round(tree, n, args.tickets, args.in_flight, args.procs)
                results.setdefault(tree.label, {}).setdefault(n, []).append(rate)
                cpu.setdefault(tree.label, {}).setdefault(n, []).append(ms)
                print(
                    f"{tree.label:>12} {n:>3} kiosks: {rate:,.0f} tickets/s, "
                    f"server CPU {ms:.3f} ms/ticket",
                    flush=True,
                )
    series = {}
    print("\nmedians:")
    for label, by in results.items():
        rates = [median(by[n]) for n in counts]
        series[label] = ([float(n) for n in counts], rates)
        print(
            f"  {label:>12}: "
            + ", ".join(
                f"{n} kiosks {r:,.0f}/s ({median(cpu[label][n]):.3f} ms CPU/ticket)"
                for n, r in zip(counts, rates, strict=True)
            )
        )
    chart(Path(args.chart), "Durable tickets per second", "kiosks", "tickets/s", series)
    print(f"chart: {args.chart}")


if __name__ == "__main__":
    asyncio.run(main())
