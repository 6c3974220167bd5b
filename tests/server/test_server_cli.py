"""The server's command line: a configuration check, and a busy port said in one line."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "demo-hall.toml"


def server(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "queue_server", "--config", str(CONFIG), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_check_reports_the_configuration_and_exits() -> None:
    done = server("--check")
    assert done.returncode == 0
    assert "configuration OK" in done.stdout and "14 services" in done.stdout


def test_a_busy_port_is_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = server(
            "--db", str(tmp_path / "h.sqlite"), "--host", "127.0.0.1", "--port", str(port)
        )
    assert done.returncode == 2
    assert "cannot listen on" in done.stderr and "Traceback" not in done.stderr
