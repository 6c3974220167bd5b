"""The server runs without numpy in memory, and the report tools still get it."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import queue_server.server, queue_server.store
assert "numpy" not in sys.modules and "pandas" not in sys.modules, "numpy in the server"
assert queue_server.store.Store.open(":memory:").last_seq() == 0
import numpy  # the report tools import it in the same process as usual
from queue_server.reports import charts
print("ok", numpy.__name__, charts.__name__)
"""


def test_the_server_imports_no_numpy_and_reports_still_can() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", "numpy", "queue_server.reports.charts"]
