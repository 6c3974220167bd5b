"""The kiosk's watchdog, for stations where nobody is there to restart it (24小时便民服务站).

    python -m kiosk.watchdog [--state-dir DIR] [--hung-after 30] -- python -m kiosk --config …

Starts the kiosk, and starts it again whenever it exits (a crash, a kill) or stops beating:
the kiosk touches ``DIR/heartbeat`` every few seconds (``KIOSK_HEARTBEAT``, read by
``kiosk.config``); a heartbeat older than ``--hung-after`` seconds means its loop is stuck,
and the watchdog kills it first. Restarts back off from 1 s to 30 s while the kiosk keeps
failing fast. The kiosk learns how often it was restarted and why (``KIOSK_RESTARTS``,
``KIOSK_RESTART_REASON``) and tells the server once online, which the manager's wall shows
beside the device's presence. ``DIR/child.pid`` holds the running kiosk's pid.

Where systemd runs the kiosk, use it instead (``docs/operations.md``: ``Restart=always``,
``WatchdogSec=30``, ``Type=notify``; the kiosk sends ``WATCHDOG=1`` itself). SIGTERM or
SIGINT stop the watchdog and the kiosk. No Qt here.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

__all__ = ["HEARTBEAT_ENV", "Watchdog", "main"]

log = logging.getLogger("kiosk.watchdog")

HEARTBEAT_ENV = "KIOSK_HEARTBEAT"
RESTARTS_ENV = "KIOSK_RESTARTS"
REASON_ENV = "KIOSK_RESTART_REASON"
SETTLED_S = 60.0  # a kiosk that ran this long has recovered: the backoff starts again at 1 s
MAX_BACKOFF_S = 30.0


@dataclass
class Watchdog:
    """Keeps one kiosk process running; ``run`` returns when ``stop`` is called."""

    command: Sequence[str]
    state_dir: Path
    hung_after_s: float = 30.0
    check_s: float = 1.0
    clock: Callable[[], float] = time.monotonic
    restarts: int = 0
    reason: str = ""
    child: subprocess.Popen[bytes] | None = None
    stopping: bool = False
    _started_at: float = field(default=0.0, repr=False)

    @property
    def heartbeat(self) -> Path:
        return self.state_dir / "heartbeat"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "child.pid"

    def start_child(self) -> None:
        env = dict(os.environ)
        env[HEARTBEAT_ENV] = str(self.heartbeat)
        env[RESTARTS_ENV] = str(self.restarts)
        env[REASON_ENV] = self.reason
        self.heartbeat.unlink(missing_ok=True)
        self.child = subprocess.Popen(list(self.command), env=env)
        self._started_at = self.clock()
        self.pid_file.write_text(f"{self.child.pid}\n", encoding="ascii")
        log.info("kiosk started (pid %d, restart %d)", self.child.pid, self.restarts)

    def hung(self) -> bool:
        """No heartbeat for ``hung_after_s`` (counting from the start until the first one)."""
        try:
            last = self.heartbeat.stat().st_mtime
            age = time.time() - last
        except FileNotFoundError:
            age = self.clock() - self._started_at
        return age > self.hung_after_s

    def run(self) -> int:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        backoff = 1.0
        while not self.stopping:
            self.start_child()
            assert self.child is not None
            self._watch(self.child)
            if self.stopping:
                break
            ran = self.clock() - self._started_at
            backoff = 1.0 if ran >= SETTLED_S else min(MAX_BACKOFF_S, backoff * 2)
            self.restarts += 1
            log.warning("kiosk %s; restart %d in %.0f s", self.reason, self.restarts, backoff)
            self._pause(backoff)
        self.pid_file.unlink(missing_ok=True)
        return 0

    def _watch(self, child: subprocess.Popen[bytes]) -> int:
        """Wait for the child to exit, killing it once it stops beating; say why it ended."""
        while True:
            try:
                code = child.wait(timeout=self.check_s)
            except subprocess.TimeoutExpired:
                if self.stopping:
                    return self._end(child, "stopped")
                if self.hung():
                    log.error(
                        "kiosk pid %d has not beaten for %.0f s: killing it",
                        child.pid,
                        self.hung_after_s,
                    )
                    child.kill()
                    child.wait()
                    self.reason = "hung"
                    return -signal.SIGKILL
                continue
            if code < 0:
                self.reason = f"killed by signal {signal.Signals(-code).name}"
            else:
                self.reason = f"exited with code {code}"
            return code

    def _end(self, child: subprocess.Popen[bytes], why: str) -> int:
        child.terminate()
        try:
            return child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait()
        finally:
            self.reason = why

    def _pause(self, seconds: float) -> None:
        end = self.clock() + seconds
        while not self.stopping and self.clock() < end:
            time.sleep(min(0.2, max(0.0, end - self.clock())))

    def stop(self, *_: object) -> None:
        self.stopping = True


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m kiosk.watchdog", description=__doc__.split("\n")[0])
    p.add_argument("--state-dir", type=Path, default=Path("var/kiosk-watchdog"))
    p.add_argument("--hung-after", type=float, default=30.0, help="seconds without a heartbeat")
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- the kiosk's command line")
    args = p.parse_args(argv)
    if args.command and args.command[0] == "--":
        args.command = args.command[1:]
    if not args.command:
        args.command = [sys.executable, "-m", "kiosk"]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = parse_args(argv)
    dog = Watchdog(args.command, args.state_dir, args.hung_after)

    def stop(signum: int, frame: FrameType | None) -> None:
        dog.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return dog.run()


if __name__ == "__main__":
    sys.exit(main())
