"""``python -m queue_server explore``: Datasette on a real hall database, read-only, behind the
manager's password."""

from __future__ import annotations

import base64
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from monthkit import Month

pytest.importorskip("datasette", reason="the explore extra is not installed")
passwords = pytest.importorskip("datasette_auth_passwords.utils")

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "hall-Manager-2026"  # ASCII: basic auth in datasette-auth-passwords decodes ASCII only


class Explorer:
    def __init__(self, base: str) -> None:
        self.base = base

    def get(
        self, path: str, password: str | None = PASSWORD, method: str = "GET"
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, method=method)
        if password is not None:
            token = base64.b64encode(f"manager:{password}".encode()).decode("ascii")
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def sql(self, sql: str) -> tuple[int, dict[str, object]]:
        status, body = self.get("/hall.json?" + urllib.parse.urlencode({"sql": sql}))
        return status, json.loads(body)


@pytest.fixture
def explorer(month: Month, tmp_path: Path) -> Iterator[tuple[Explorer, Path]]:
    db = tmp_path / "hall.sqlite"
    shutil.copyfile(month.db, db)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        # A cheap hash for the test; the launcher's --hash-password makes a strong one.
        "HALL_EXPLORE_PASSWORD_HASH": passwords.hash_password(PASSWORD, iterations=1000),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "queue_server", "explore", "--db", str(db), "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stderr is not None
    seen = b""
    port = None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + 30
        while port is None and time.monotonic() < deadline and proc.poll() is None:
            if selector.select(timeout=deadline - time.monotonic()):
                seen += os.read(proc.stderr.fileno(), 4096)
                found = re.search(rb"Uvicorn running on http://127\.0\.0\.1:(\d+)", seen)
                port = int(found.group(1)) if found else None
    try:
        assert port is not None, seen.decode(errors="replace")
        yield Explorer(f"http://127.0.0.1:{port}"), db
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()


def test_nothing_without_the_password(explorer: tuple[Explorer, Path]) -> None:
    ex, _ = explorer
    for path in ("/", "/hall", "/hall/events", "/hall.json?sql=select+1", "/-/metadata.json"):
        status, _ = ex.get(path, password=None)
        assert status == 401, path
        status, _ = ex.get(path, password="wrong")
        assert status == 401, path


def test_the_data_with_it(explorer: tuple[Explorer, Path], month: Month) -> None:
    ex, _ = explorer
    status, page = ex.get("/hall/events")
    assert status == 200 and b"ticket_issued" in page
    status, found = ex.sql(
        "SELECT count(*) FROM events WHERE type = 'ticket_issued' AND day < '2026-12-01'"
    )
    assert status == 200 and found["rows"] == [[len(month.ledger.in_range())]]


def test_no_way_to_write(explorer: tuple[Explorer, Path]) -> None:
    ex, db = explorer
    before = db.read_bytes()
    for sql in (
        "DELETE FROM events",
        "UPDATE tickets SET state = 'done'",
        "INSERT INTO projections (name, seq) VALUES ('x', 1)",
        "PRAGMA journal_mode=DELETE",
        "ATTACH DATABASE 'x.sqlite' AS x",
    ):
        status, found = ex.sql(sql)
        assert status == 400 and found["ok"] is False, (sql, found)
    # Datasette 0.65 has no write API; a POST outside a canned query (there are none) is an
    # error ("You may only POST to a canned query").
    for path in ("/hall/events", "/hall/events/-/insert", "/hall"):
        status, _ = ex.get(path, method="POST")
        assert status >= 400, path
    status, _ = ex.get("/hall.db")  # the whole file is not handed out either
    assert status == 403
    assert db.read_bytes() == before
