"""Server benchmark over real WebSocket connections to a real server process.

    .venv/bin/python bench/bench_server.py [--rounds 3] [--kiosks 8] [--tickets 4000]
        [--root OLD=before --root .=after]

1. Durable tickets per second: several kiosk connections take tickets as fast as the server
   acknowledges them (each kiosk keeps a few requests in flight, as a busy kiosk bank would);
   every acknowledged ticket is committed to SQLite (WAL, synchronous=FULL) before its reply.
2. Call to subscriber: 200 board connections (spread over two processes, standing in for 200
   separate boards) and one clerk calling next, a call every 0.1 s; the time from sending
   `call_next` to each board having the `ticket_called` frame. `--boards raw` (the default)
   reads each board's socket bare; `--boards websockets` through the WebSocket library, which
   adds each board's own reading of its frames (100 boards in one process wait in turn).

Prints medians over the rounds and the ratio to the targets (≥ 2,000 tickets/s; call to 200
subscribers p99 ≤ 10 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing as mp
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import benchkit

from queue_server.client import HallClient
from queue_server.config import load_hall

CONFIG = ROOT / "config" / "demo-hall.toml"
HALL = load_hall(CONFIG)


def device(role: str, window: int | None = None) -> tuple[str, str]:
    d = next(
        d for d in HALL.devices if d.role.value == role and (window is None or d.window == window)
    )
    return d.id, d.token


def demo_pin(staff: str) -> str:
    """The demo's PINs are written beside their hashes as comments (`# PIN 3137`)."""
    text = CONFIG.read_text(encoding="utf-8")
    match = re.search(
        rf'id = "{re.escape(staff)}"\s*\nname = "[^"]*"\s*\npin_hash = "[^"]*"\s*# PIN (\d+)', text
    )
    assert match, f"no PIN comment for staff {staff}"
    return match.group(1)


async def start_server(
    db: Path, tree: benchkit.Tree | None = None
) -> tuple[asyncio.subprocess.Process, str]:
    return await benchkit.start_server(tree or benchkit.Tree(ROOT, "this tree"), db)


stop_server = benchkit.stop_server


percentile = benchkit.percentile


async def tickets_round(
    kiosks: int, total: int, in_flight: int, tree: benchkit.Tree | None = None
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = await start_server(Path(tmp) / "hall.sqlite", tree)
        dev, token = device("kiosk")
        services = [s.code for s in HALL.services]
        clients = [HallClient(url, "kiosk", dev, token) for _ in range(kiosks)]
        for c in clients:
            await c.connect()
        latencies: list[float] = []
        per_kiosk = total // kiosks

        async def lane(c: HallClient, k: int, lane_no: int) -> None:
            for n in range(lane_no, per_kiosk, in_flight):
                t0 = time.perf_counter()
                await c.request(
                    "take_ticket", service=services[n % len(services)], request_id=f"b{k}-{n}"
                )
                latencies.append(time.perf_counter() - t0)

        start, cpu0 = time.perf_counter(), benchkit.cpu_seconds(proc.pid)
        await asyncio.gather(
            *(lane(c, k, j) for k, c in enumerate(clients) for j in range(in_flight))
        )
        elapsed, cpu = time.perf_counter() - start, benchkit.cpu_seconds(proc.pid) - cpu0
        for c in clients:
            await c.close()
        await stop_server(proc)
        return {
            "tickets_per_s": len(latencies) / elapsed,
            "cpu_ms_per_ticket": 1000 * cpu / len(latencies),
            "p50_ms": percentile(latencies, 50) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000,
        }


def _boards(url: str, count: int, calls: int, ready: mp.Queue[Any], out: mp.Queue[Any]) -> None:
    """Second process: `count` board connections; notes when each frame arrives, parses later.

    These processes stand in for 200 separate boards: their own garbage collection pauses
    are not the server's, so collection is off while they listen.
    """
    gc.disable()

    async def main() -> None:
        from websockets.asyncio.client import connect

        dev, token = device("display")
        seen: list[tuple[str, float]] = []
        boards = [await connect(url, compression=None) for _ in range(count)]
        for ws in boards:
            await ws.send(
                json.dumps(
                    {"type": "hello", "id": 0, "role": "display", "device": dev, "token": token}
                )
            )
            await ws.recv()

        arrivals: list[list[tuple[str, float]]] = []

        async def watch(ws: object) -> None:
            arrived: list[tuple[str, float]] = []
            arrivals.append(arrived)
            while sum(1 for raw, _ in arrived if '"ticket_called"' in raw) < calls:
                raw = await ws.recv()  # type: ignore[attr-defined]
                arrived.append((raw, time.monotonic()))

        tasks = [asyncio.create_task(watch(ws)) for ws in boards]
        ready.put(True)
        await asyncio.gather(*tasks)
        # Parse only when every board has everything, so no board's parsing delays another's.
        for arrived in arrivals:
            for raw, at in arrived:
                message = json.loads(raw)
                if message.get("kind") == "ticket_called":
                    seen.append((message["ticket"], at))
        out.put(json.dumps(seen))
        for ws in boards:
            await ws.close()

    asyncio.run(main())


def _raw_boards(url: str, count: int, calls: int, ready: mp.Queue[Any], out: mp.Queue[Any]) -> None:
    """Second process: `count` board connections as bare sockets; notes when the bytes of each
    frame arrive, parses later.

    A board is a device of its own: what it spends on reading a frame is not the server's and
    does not delay another board. Here 100 boards share one process on the server's cores, so
    a board's own WebSocket library (about 0.1 ms a frame in Python) made the last one wait for
    the 99 before it. These read with one `recv` per socket and a frame header check: the time
    is when a board has the call's frame, which is what the server decides.
    """
    gc.disable()
    import base64
    import selectors
    import socket
    from urllib.parse import urlsplit

    dev, token = device("display")
    where = urlsplit(url)
    host, port = where.hostname or "127.0.0.1", where.port or 80
    hello = json.dumps({"type": "hello", "id": 0, "role": "display", "device": dev, "token": token})
    boards: list[tuple[socket.socket, bytearray]] = []
    for _ in range(count):
        sock = socket.create_connection((host, port))
        nonce = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            f"GET {where.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {nonce}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        buf = bytearray()
        while b"\r\n\r\n" not in buf:
            buf += sock.recv(65536)
        head, _, rest = bytes(buf).partition(b"\r\n\r\n")
        assert b" 101 " in head.split(b"\r\n", 1)[0], head
        sock.sendall(_masked(hello.encode()))
        pending = bytearray(rest)
        while not _frames(pending):  # the welcome
            pending += sock.recv(65536)
        sock.setblocking(False)
        boards.append((sock, pending))
    selector = selectors.DefaultSelector()
    arrivals: list[list[tuple[bytes, float]]] = [[] for _ in boards]
    for i, (sock, _) in enumerate(boards):
        selector.register(sock, selectors.EVENT_READ, i)
    ready.put(True)
    left = len(boards)
    while left:
        for key, _ in selector.select():
            i = key.data
            sock, pending = boards[i]
            data = sock.recv(1 << 16)
            at = time.monotonic()
            pending += data
            for opcode, payload in _frames(pending):
                if opcode == 1 and b'"ticket_called"' in payload:
                    arrivals[i].append((payload, at))
                    if len(arrivals[i]) == calls:
                        selector.unregister(sock)
                        left -= 1
    seen = []
    for arrived in arrivals:
        for payload, at in arrived:
            message = json.loads(payload)
            seen.append((message["ticket"], at))
    out.put(json.dumps(seen))
    for sock, _ in boards:
        sock.close()


def _masked(payload: bytes) -> bytes:
    """A client's text frame (clients mask what they send)."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = bytes([0x81, 0x80 | n])
    elif n < 1 << 16:
        head = bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x81, 0x80 | 127]) + n.to_bytes(8, "big")
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + body


def _frames(pending: bytearray) -> list[tuple[int, bytes]]:
    """The whole frames at the start of `pending` (taken out of it): (opcode, payload). The
    server's frames are neither masked nor fragmented."""
    found = []
    while len(pending) >= 2:
        opcode, n, start = pending[0] & 0x0F, pending[1] & 0x7F, 2
        if n == 126:
            if len(pending) < 4:
                break
            n, start = int.from_bytes(pending[2:4], "big"), 4
        elif n == 127:
            if len(pending) < 10:
                break
            n, start = int.from_bytes(pending[2:10], "big"), 10
        if len(pending) < start + n:
            break
        found.append((opcode, bytes(pending[start : start + n])))
        del pending[: start + n]
    return found


async def call_round(
    subscribers: int,
    calls: int,
    interval: float,
    procs: int = 1,
    tree: benchkit.Tree | None = None,
    raw: bool = True,
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = await start_server(Path(tmp) / "hall.sqlite", tree)
        window = HALL.windows[0]
        kiosk = HallClient(url, "kiosk", *device("kiosk"))
        await kiosk.connect()
        service = next(iter(window.services))
        for n in range(calls):
            await kiosk.request("take_ticket", service=service, request_id=f"c-{n}")
        dev, token = device("clerk", window.number)
        staff = HALL.staff[0].id
        clerk = HallClient(url, "clerk", dev, token)
        await clerk.connect()
        await clerk.request("login", window=window.number, staff=staff, pin=demo_pin(staff))
        ctx = mp.get_context("spawn")
        ready, out = ctx.Queue(), ctx.Queue()
        share = [subscribers // procs + (i < subscribers % procs) for i in range(procs)]
        target = _raw_boards if raw else _boards
        workers = [ctx.Process(target=target, args=(url, n, calls, ready, out)) for n in share]
        for worker in workers:
            worker.start()
        for _ in workers:
            await asyncio.to_thread(ready.get, True, 120)
        sent: dict[str, float] = {}
        for _ in range(calls):
            # Paced like a busy hall (a call every `interval`), so the figure is the delivery
            # time of one call, not the backlog of back-to-back calls in the boards' process.
            await asyncio.sleep(interval)
            t0 = time.monotonic()
            reply = await clerk.request("call_next", window=window.number)
            sent[reply["ticket"]["id"]] = t0
            await clerk.request("finish", window=window.number)
        seen = []
        for _ in workers:
            seen += json.loads(await asyncio.to_thread(out.get, True, 120))
        for worker in workers:
            worker.join(30)
        delays = [(at - sent[ticket]) * 1000 for ticket, at in seen]
        if os.environ.get("BENCH_DUMP"):
            Path(os.environ["BENCH_DUMP"]).write_text(
                json.dumps([[t, (at - sent[t]) * 1000] for t, at in seen])
            )
        await clerk.close()
        await kiosk.close()
        await stop_server(proc)
        return {
            "deliveries": len(delays),
            "p50_ms": percentile(delays, 50),
            "p99_ms": percentile(delays, 99),
            "max_ms": max(delays),
        }


def median_of(rounds: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kiosks", type=int, default=16)
    parser.add_argument("--in-flight", type=int, default=4, help="requests in flight per kiosk")
    parser.add_argument("--tickets", type=int, default=4000)
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between calls")
    parser.add_argument(
        "--board-procs",
        type=int,
        default=2,
        help="processes the subscriber connections are spread over",
    )
    parser.add_argument(
        "--boards",
        choices=("raw", "websockets"),
        default="raw",
        help="the boards' client: bare sockets (the server's figure) or the WebSocket library "
        "(adds each board's own reading, 100 to a process)",
    )
    parser.add_argument("--root", action="append", default=[], help="PATH[=LABEL], repeatable")
    args = parser.parse_args()

    measured: dict[str, tuple[list[dict[str, float]], list[dict[str, float]]]] = {}
    for _ in range(args.rounds):  # the trees alternate within each round
        for tree in benchkit.trees(args.root):
            t_rounds, c_rounds = measured.setdefault(tree.label, ([], []))
            t = asyncio.run(tickets_round(args.kiosks, args.tickets, args.in_flight, tree))
            c = asyncio.run(
                call_round(
                    args.subscribers,
                    args.calls,
                    args.interval,
                    args.board_procs,
                    tree,
                    raw=args.boards == "raw",
                )
            )
            t_rounds.append(t)
            c_rounds.append(c)
            print(
                f"{tree.label:>12}: {t['tickets_per_s']:,.0f} tickets/s, "
                f"{t['cpu_ms_per_ticket']:.3f} ms server CPU/ticket; call p50 "
                f"{c['p50_ms']:.1f} ms, p99 {c['p99_ms']:.1f} ms",
                flush=True,
            )
    for label, (t_rounds, c_rounds) in measured.items():
        print(f"\n{label}:")
        report(args, t_rounds, c_rounds)


def report(
    args: argparse.Namespace, t_rounds: list[dict[str, float]], c_rounds: list[dict[str, float]]
) -> None:
    tps = median_of(t_rounds, "tickets_per_s")
    p99 = median_of(c_rounds, "p99_ms")
    print(
        f"durable tickets/s ({args.kiosks} kiosks × {args.in_flight} in flight, "
        f"{args.tickets} tickets, median of {args.rounds}): {tps:,.0f}  "
        f"(target 2,000: ratio {tps / 2000:.2f})"
    )
    print(
        f"  take_ticket latency: p50 {median_of(t_rounds, 'p50_ms'):.1f} ms, "
        f"p99 {median_of(t_rounds, 'p99_ms'):.1f} ms; "
        f"server CPU {median_of(t_rounds, 'cpu_ms_per_ticket'):.3f} ms per ticket"
    )
    print(
        f"call_next → {args.subscribers} subscribers ({args.boards} boards, {args.calls} calls, "
        f"median of "
        f"{args.rounds}): p50 {median_of(c_rounds, 'p50_ms'):.1f} ms, p99 {p99:.1f} ms, "
        f"max {median_of(c_rounds, 'max_ms'):.1f} ms  (goal p99 ≤ 10 ms: ratio {p99 / 10:.2f})"
    )


if __name__ == "__main__":
    main()
