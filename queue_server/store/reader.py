"""The hall's SQLite log opened read-only, for reports and exports.

A report never writes: the file is opened with SQLite's ``mode=ro`` (no migration, no journal
change), so it can be read while the server runs, from a copy, or from a backup on a read-only
disk. The writer's store is :mod:`queue_server.store.sqlite`.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["LogReader", "NotALog"]

Event = dict[str, Any]


class NotALog(Exception):
    """The file is missing, unreadable, or not a hall's event log."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


class LogReader:
    """Reads the event log of a hall's database file; never writes to it."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if not Path(self.path).is_file():
            raise NotALog(self.path, "no such file")
        uri = f"file:{quote(str(Path(self.path).resolve()))}?mode=ro"
        try:
            self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self.conn.execute("PRAGMA query_only=ON")
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            raise NotALog(self.path, str(exc)) from None
        if "events" not in tables:
            self.conn.close()
            raise NotALog(self.path, "no event log in it")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> LogReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def days(self) -> tuple[str | None, str | None]:
        """The first and last business day in the log (None, None when it is empty)."""
        row = self.conn.execute("SELECT min(day), max(day) FROM events").fetchone()
        return row[0], row[1]

    def hall(self) -> str | None:
        row = self.conn.execute(
            "SELECT hall FROM events WHERE hall IS NOT NULL ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return None if row is None else str(row[0])

    def events(self, first_day: str, last_day: str, chunk: int = 5000) -> Iterator[Event]:
        """The events of business days ``first_day``…``last_day``, in order, and the expiries
        of their tickets (a ticket left open expires as a later day starts)."""
        after_last = (dt.date.fromisoformat(last_day) + dt.timedelta(days=1)).isoformat()
        after = 0
        while True:
            rows = self.conn.execute(
                "SELECT data, seq, hall FROM events WHERE seq > ? AND ("
                " (day >= ? AND day <= ?)"
                " OR (type = 'ticket_expired' AND ticket >= ? AND ticket < ?)"
                ") ORDER BY seq LIMIT ?",
                [after, first_day, last_day, first_day, after_last, chunk],
            ).fetchall()
            if not rows:
                return
            for data, seq, hall in rows:
                event: Event = json.loads(data)
                event["seq"] = seq
                if hall is not None:
                    event["hall"] = hall
                yield event
            after = rows[-1][1]

    def followup_events(self, after_day: str) -> list[Event]:
        """The 差评 follow-up events of the business days after ``after_day`` (a work order
        opened in a range goes on after it)."""
        rows = self.conn.execute(
            "SELECT data, seq, hall FROM events WHERE day > ? AND type IN ("
            "'followup_opened', 'followup_assigned', 'followup_contacted',"
            " 'followup_resolved', 'followup_rerated') ORDER BY seq",
            [after_day],
        ).fetchall()
        out = []
        for data, seq, hall in rows:
            event: Event = json.loads(data)
            event["seq"] = seq
            if hall is not None:
                event["hall"] = hall
            out.append(event)
        return out
