"""Server memory with many connections and clerk logins (scrypt PIN checks).

    .venv/bin/python bench/bench_memory.py [--root OLD=before --root .=after]
        [--connections 1000] [--logins 50] [--rounds 3]

A real server process; RSS (from /proc) when idle, after `--connections` board connections
have said hello, and after `--logins` clerk logins (each checks a PIN with scrypt, 16 MiB of
memory per check) at the demo's windows, several at once. Goal: ≤ 60 MB with 1,000
connections and 50 logins.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
from pathlib import Path

from benchkit import Tree, median, rss_mb, start_server, stop_server, trees
from websockets.asyncio.client import ClientConnection, connect


async def hello(url: str, role: str, device: str, token: str) -> ClientConnection:
    ws = await connect(url, compression=None, max_size=None)
    await ws.send(
        json.dumps({"type": "hello", "id": 0, "role": role, "device": device, "token": token})
    )
    while json.loads(await ws.recv()).get("type") != "welcome":
        pass
    return ws


async def ask(ws: ClientConnection, message: dict[str, object]) -> dict[str, object]:
    await ws.send(json.dumps(message))
    while True:
        reply = json.loads(await ws.recv())
        if reply.get("re") == message["id"]:
            return dict(reply)


async def one_round(tree: Tree, connections: int, logins: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = await start_server(tree, Path(tmp) / "hall.sqlite")
        try:
            idle = rss_mb(proc.pid)
            device, token = tree.device("display")
            boards = []
            for i in range(0, connections, 100):
                boards += await asyncio.gather(
                    *(
                        hello(url, "display", device, token)
                        for _ in range(min(100, connections - i))
                    )
                )
            connected = rss_mb(proc.pid)

            async def drain(ws: ClientConnection) -> None:
                async for _ in ws:  # boards read what they are sent, as real ones do
                    pass

            readers = [asyncio.create_task(drain(ws)) for ws in boards]
            staff, pin = tree.staff_pin()
            hall = tree.hall()
            windows = [w["number"] for w in hall["windows"]]
            clerks = [await hello(url, "clerk", *tree.device("clerk", w)) for w in windows]
            done = 0
            n = 0
            while done < logins:
                batch = clerks[: min(len(clerks), logins - done)]
                for ws, w in zip(batch, windows, strict=False):  # several PIN checks at once
                    n += 1
                    await ws.send(
                        json.dumps(
                            {"type": "login", "id": n, "window": w, "staff": staff, "pin": pin}
                        )
                    )
                for ws in batch:
                    while json.loads(await ws.recv()).get("type") not in ("logged_in", "error"):
                        pass
                for ws, w in zip(batch, windows, strict=False):
                    n += 1
                    await ask(ws, {"type": "logout", "id": n, "window": w})
                done += len(batch)
            logged = rss_mb(proc.pid)
            for ws in boards + clerks:
                await ws.close()
            await asyncio.gather(*readers, return_exceptions=True)
        finally:
            await stop_server(proc)
    return {"idle": idle, "connected": connected, "after_logins": logged}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", action="append", default=[])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--logins", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))
    for tree in trees(args.root):
        rounds = [await one_round(tree, args.connections, args.logins) for _ in range(args.rounds)]
        figures = {k: median([r[k] for r in rounds]) for k in rounds[0]}
        print(
            f"{tree.label:>12}: RSS idle {figures['idle']:.1f} MB, "
            f"{args.connections} connections {figures['connected']:.1f} MB, "
            f"after {args.logins} logins {figures['after_logins']:.1f} MB (goal ≤ 60 MB)"
        )


if __name__ == "__main__":
    asyncio.run(main())
