"""Cost of calling the next ticket against the length of the queue.

    .venv/bin/python bench/bench_calls.py [--root OLD_TREE=before --root .=after]
        [--sizes 100,1000,2000,5000] [--calls 300] [--rounds 3] [--chart artifacts/bench/calls.png]

For each queue length N: a real server process (durable SQLite) with N waiting tickets; one
clerk calls next and finishes, `--calls` times. Measured: the server process's CPU time (all
its threads, from the scheduler's nanosecond account in /proc) spent on each `call_next` from
its sending to its reply, and likewise on each `finish`; and the clerk's call_next round trip.
Medians of rounds. Goal: flat in N: at 5,000 waiting at most 1.3 × the cost at 100, and under
0.5 ms of server CPU per call.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from benchkit import (
    Peer,
    Tree,
    chart,
    cpu_ns,
    median,
    percentile,
    start_server,
    stop_server,
    trees,
)


async def fill(url: str, tree: Tree, n: int, service: str) -> None:
    """N waiting tickets, issued by several kiosk connections at once (each well within a
    connection's request rate limit)."""
    devices = tree.devices("kiosk")
    kiosks = [await Peer.open(url, "kiosk", *devices[i % len(devices)]) for i in range(16)]

    async def issue(k: int, peer: Peer) -> None:
        for i in range(k, n, len(kiosks)):
            await peer.ask("take_ticket", service=service, request_id=f"f{i}")

    await asyncio.gather(*(issue(k, p) for k, p in enumerate(kiosks)))
    for p in kiosks:
        await p.ws.close()


async def one_round(tree: Tree, size: int, calls: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = await start_server(tree, Path(tmp) / "hall.sqlite")
        try:
            hall = tree.hall()
            window = hall["windows"][0]
            service = next(iter(window["services"]))
            await fill(url, tree, size + calls, service)
            staff, pin = tree.staff_pin()
            clerk = await Peer.open(url, "clerk", *tree.device("clerk", window["number"]))
            await clerk.ask("login", window=window["number"], staff=staff, pin=pin)
            for _ in range(20):  # warm up
                await clerk.ask("call_next", window=window["number"])
                await clerk.ask("finish", window=window["number"])
            trips: list[float] = []
            call_ns = finish_ns = 0
            for _ in range(calls - 20):
                c0 = cpu_ns(proc.pid)
                t0 = time.perf_counter()
                reply = await clerk.ask("call_next", window=window["number"])
                trips.append(time.perf_counter() - t0)
                c1 = cpu_ns(proc.pid)
                assert reply["type"] == "called", reply
                await clerk.ask("finish", window=window["number"])
                call_ns += c1 - c0
                finish_ns += cpu_ns(proc.pid) - c1
            await clerk.ws.close()
        finally:
            await stop_server(proc)
    done = calls - 20
    return {
        "cpu_ms_per_call": call_ns / done / 1e6,
        "cpu_ms_per_finish": finish_ns / done / 1e6,
        "trip_p50_ms": percentile(trips, 50) * 1000,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", action="append", default=[], help="TREE[=LABEL], repeatable")
    parser.add_argument("--sizes", default="100,1000,2000,5000")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chart", default="artifacts/bench/calls.png")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, dict[int, dict[str, list[float]]]] = {}
    for round_no in range(args.rounds):  # rounds interleave the trees: same conditions
        for tree in trees(args.root):
            for size in sizes:
                r = await one_round(tree, size, args.calls)
                by_key = results.setdefault(tree.label, {}).setdefault(size, {})
                for key, value in r.items():
                    by_key.setdefault(key, []).append(value)
                print(
                    f"round {round_no + 1} {tree.label:>12} N={size:>5}: "
                    f"{r['cpu_ms_per_call']:.3f} ms CPU per call_next, "
                    f"{r['cpu_ms_per_finish']:.3f} per finish, trip p50 {r['trip_p50_ms']:.2f} ms",
                    flush=True,
                )
    print("\nmedians (server CPU per call_next, per finish; call_next round trip p50):")
    series: dict[str, tuple[list[int], list[float]]] = {}
    for label, by_size in results.items():
        cpu = [median(by_size[s]["cpu_ms_per_call"]) for s in sizes]
        fin = [median(by_size[s]["cpu_ms_per_finish"]) for s in sizes]
        trip = [median(by_size[s]["trip_p50_ms"]) for s in sizes]
        series[label] = (sizes, cpu)
        for s, c, f, t in zip(sizes, cpu, fin, trip, strict=True):
            print(
                f"  {label:>12} N={s:>5}: call_next {c:.3f} ms CPU, finish {f:.3f}, trip {t:.2f} ms"
            )
        print(
            f"  {label:>12} ratio N={sizes[-1]} / N={sizes[0]}: {cpu[-1] / cpu[0]:.2f} "
            f"(goal ≤ 1.3); at N={sizes[-1]}: {cpu[-1]:.3f} ms (goal < 0.5 ms)"
        )
    if len(series) == 2:
        (a, sa), (b, sb) = series.items()
        print(
            "  "
            + ", ".join(
                f"N={s}: {b}/{a} = {y / x:.2f}" for s, x, y in zip(sizes, sa[1], sb[1], strict=True)
            )
        )
    chart(
        Path(args.chart),
        "Server CPU per call_next",
        "tickets waiting",
        "ms of server CPU",
        series,
    )
    print(f"chart: {args.chart}")


if __name__ == "__main__":
    asyncio.run(main())
