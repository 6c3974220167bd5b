"""Shared pieces of the benchmarks: a server process from any source tree, the demo's devices,
server CPU time from /proc, percentiles, and charts.

Every benchmark can run the server of another tree (`--root`), so a change is measured side by
side with the commit before it in one run, on the same machine at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import statistics
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Tree:
    """A source tree whose server is measured, and the demo hall's devices in it."""

    root: Path
    label: str

    @property
    def config(self) -> Path:
        return self.root / "config" / "demo-hall.toml"

    def hall(self) -> dict[str, Any]:
        with self.config.open("rb") as f:
            return tomllib.load(f)

    def device(self, role: str, window: int | None = None) -> tuple[str, str]:
        for d in self.hall()["devices"]:
            if d["role"] == role and (window is None or d.get("window") == window):
                return str(d["id"]), str(d["token"])
        raise LookupError(role)

    def devices(self, role: str) -> list[tuple[str, str]]:
        return [
            (str(d["id"]), str(d["token"])) for d in self.hall()["devices"] if d["role"] == role
        ]

    def staff_pin(self) -> tuple[str, str]:
        """The first demo clerk and the PIN written beside its hash (`# PIN 3137`)."""
        text = self.config.read_text(encoding="utf-8")
        match = re.search(
            r'id = "(\w+)"\s*\nname = "[^"]*"\s*\npin_hash = "[^"]*"\s*# PIN (\d+)', text
        )
        assert match, "no demo PIN comment"
        return match.group(1), match.group(2)


def trees(roots: list[str]) -> list[Tree]:
    """`--root PATH[=LABEL]` … ; none: this tree alone."""
    if not roots:
        return [Tree(ROOT, "this tree")]
    found = []
    for spec in roots:
        path, _, label = spec.partition("=")
        found.append(Tree(Path(path).resolve(), label or Path(path).name))
    return found


async def start_server(tree: Tree, db: Path, *extra: str) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "queue_server",
        "--config",
        str(tree.config),
        "--db",
        str(db),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--log-level",
        "WARNING",
        *extra,
        stdout=asyncio.subprocess.PIPE,
        cwd=tree.root,
    )
    assert proc.stdout is not None
    line = (await proc.stdout.readline()).decode()
    return proc, line.split()[-1]


async def stop_server(proc: asyncio.subprocess.Process) -> None:
    proc.terminate()
    await proc.wait()


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU time of a process (or of one of its threads) so far."""
    stat = Path(f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_ns(pid: int) -> int:
    """CPU time of all of a process's threads so far, in nanoseconds (the scheduler's own
    account, /proc/…/schedstat: fine enough to split one request from the next)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread ended
            total += int((task / "schedstat").read_text().split()[0])
    return total


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Peer:
    """A bare protocol client: JSON over one WebSocket, one request answered at a time (events
    pushed meanwhile are read and dropped); an error reply raises."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.n = 0

    @classmethod
    async def open(cls, url: str, role: str, device: str, token: str) -> Peer:
        from websockets.asyncio.client import connect

        peer = cls(await connect(url, compression=None, max_size=None))
        await peer.ask("hello", role=role, device=device, token=token)
        return peer

    async def ask(self, kind: str, **fields: Any) -> dict[str, Any]:
        self.n += 1
        await self.ws.send(json.dumps({"type": kind, "id": self.n, **fields}))
        while True:
            reply = json.loads(await self.ws.recv())
            if reply.get("type") == "error" and reply.get("code") == "rate_limited":
                raise RuntimeError(f"{kind}: rate limited (the bench asks too fast)")
            if reply.get("re") == self.n:
                if reply.get("type") == "error":
                    raise RuntimeError(f"{kind}: {reply.get('code')} {reply.get('message_en')}")
                return dict(reply)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def chart(
    path: Path,
    title: str,
    xlabel: str,
    ylabel: str,
    series: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    logx: bool = False,
) -> None:
    """A line chart, one line per tree, as a PNG a reader can open.

    The figures are also written beside it as JSON; without matplotlib (kept out of the
    server's environment: sqlite-utils imports numpy when it can, 15 MB of the server's memory)
    `python bench/chart.py FILE.json` draws it from another environment.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    spec = {
        "path": str(path),
        "title": title,
        "xlabel": xlabel,
        "ylabel": ylabel,
        "series": {k: [list(xs), list(ys)] for k, (xs, ys) in series.items()},
        "logx": logx,
    }
    path.with_suffix(".json").write_text(json.dumps(spec, ensure_ascii=False, indent=1))
    try:
        draw(spec)
    except ImportError:
        print(
            f"(no matplotlib here: draw it with `python bench/chart.py {path.with_suffix('.json')}`)"
        )


def draw(spec: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for label, (xs, ys) in spec["series"].items():
        ax.plot(xs, ys, marker="o", label=label)
    if spec.get("logx"):
        ax.set_xscale("log")
    ax.set_title(spec["title"])
    ax.set_xlabel(spec["xlabel"])
    ax.set_ylabel(spec["ylabel"])
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(spec["path"])
    plt.close(fig)
