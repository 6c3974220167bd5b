"""The hall's SQLite store: an append-only event log beside the current-state tables.

The embedded implementation of :class:`~queue_server.store.base.EventStore`, and the only module
with SQLite's own SQL in it. One connection, used by one writer at a time (the server runs it
on a single thread). The database is in WAL mode with `synchronous=FULL`, so a batch is on disk
when `append` returns: the server acknowledges nothing before that.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from .migrations import apply_migrations, transaction

log = logging.getLogger(__name__)

Event = dict[str, Any]

_TICKET_COLUMNS = (
    "id",
    "day",
    "number",
    "service",
    "class",
    "state",
    "issued_at",
    "called_at",
    "finished_at",
    "window",
    "request_id",
    "data",
    "last_seq",
)


class SQLiteStore:
    """Persistence of one hall. Create with `SQLiteStore.open(path)`; close with `close()`."""

    def __init__(self, db: sqlite_utils.Database, path: str, hall: str = "hall") -> None:
        self.db = db
        self.path = path
        self.hall = hall

    @classmethod
    def open(cls, path: str | Path, hall: str = "hall") -> SQLiteStore:
        """Open (creating when needed) the database file and bring its schema up to date."""
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        db = sqlite_utils.Database(conn)
        apply_migrations(db)
        return cls(db, path, hall)

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    def append(
        self, events: Sequence[Event], tickets: Mapping[str, Mapping[str, Any]]
    ) -> list[Event]:
        """Commit a batch: the events and the tickets' current rows; return the events stored.

        Each stored event is a copy of the given one with its `seq` and the hall's id; the
        given dicts are not changed. `tickets` maps ticket id to the ticket's state after the
        batch. All or nothing: on any error the transaction is rolled back.
        """
        conn = self.db.conn
        stored: list[Event] = []
        with transaction(self.db):
            seq = self.last_seq()
            for event in events:
                if "seq" in event:
                    raise ValueError(f"event {event['type']} already has a seq: it is the log's")
                seq += 1
                row = {**event, "seq": seq, "hall": self.hall}
                conn.execute(
                    "INSERT INTO events (seq, at, day, type, actor, ticket, window, hall, data)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        seq,
                        event["at"],
                        event["day"],
                        event["type"],
                        event.get("actor", ""),
                        event.get("ticket"),
                        event.get("window"),
                        self.hall,
                        json.dumps(event, ensure_ascii=False, separators=(",", ":")),
                    ),
                )
                stored.append(row)
            if tickets:
                conn.executemany(
                    f"INSERT OR REPLACE INTO tickets ({', '.join(_TICKET_COLUMNS)})"
                    f" VALUES ({', '.join('?' * len(_TICKET_COLUMNS))})",
                    [_ticket_row(t, seq) for t in tickets.values()],
                )
        return stored

    def probe(self) -> None:
        """Raise if the database cannot take a write now (locked, read-only, disk gone)."""
        with transaction(self.db):
            self.db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _probe (x)")

    # -- reading -------------------------------------------------------------------------

    def last_seq(self) -> int:
        row = self.db.execute("SELECT max(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def events_after(self, seq: int, limit: int | None = None) -> list[Event]:
        """The events with a sequence number above `seq`, oldest first."""
        sql = "SELECT data, seq, hall FROM events WHERE seq > ? ORDER BY seq"
        params: list[Any] = [seq]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_event(*row) for row in self.db.execute(sql, params).fetchall()]

    def iter_events(
        self, after: int = 0, chunk: int = 5000, kinds: frozenset[str] | None = None
    ) -> Iterator[Event]:
        """Every event after `after` (or only those of `kinds`), in order, read in chunks."""
        where, params = "", []
        if kinds is not None:
            where = f" AND type IN ({', '.join('?' * len(kinds))})"
            params = sorted(kinds)
        while True:
            rows = self.db.execute(
                f"SELECT data, seq, hall FROM events WHERE seq > ?{where} ORDER BY seq LIMIT ?",
                [after, *params, chunk],
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _event(*row)
            after = rows[-1][1]

    def latest(self, kind: str) -> list[Event]:
        """The newest event of `kind` from each actor (e.g. each device's last status)."""
        rows = self.db.execute(
            "SELECT data, seq FROM events WHERE seq IN"
            " (SELECT max(seq) FROM events WHERE type = ? GROUP BY actor) ORDER BY seq",
            [kind],
        ).fetchall()
        return [_event(data, seq) for data, seq in rows]

    def ticket(self, ticket_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT data FROM tickets WHERE id = ?", [ticket_id]).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def tickets(self, day: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT data FROM tickets WHERE day = ? ORDER BY issued_at, id", [day]
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def ratings(self, day: str | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE day = ?", [day]) if day else ("", [])
        return list(self.db.query(f"SELECT * FROM ratings {where} ORDER BY seq", params))

    def followups(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM followups ORDER BY opened_seq"))

    # -- checkpoints ---------------------------------------------------------------------

    def save_checkpoint(self, seq: int, code_version: str, state: bytes) -> None:
        with transaction(self.db):
            self.db.conn.execute(
                "INSERT OR REPLACE INTO checkpoints (seq, code_version, state) VALUES (?, ?, ?)",
                (seq, code_version, state),
            )
            # Keep the newest few; older ones only cost space.
            self.db.conn.execute(
                "DELETE FROM checkpoints WHERE seq NOT IN"
                " (SELECT seq FROM checkpoints ORDER BY seq DESC LIMIT 3)"
            )

    def checkpoints(self, code_version: str) -> Iterable[tuple[int, bytes]]:
        """Checkpoints written by this code version, newest first."""
        rows = self.db.execute(
            "SELECT seq, state FROM checkpoints WHERE code_version = ? ORDER BY seq DESC",
            [code_version],
        ).fetchall()
        return [(int(s), bytes(b)) for s, b in rows]


def _event(data: str, seq: int, hall: str | None = None) -> Event:
    event: Event = json.loads(data)
    event["seq"] = seq
    if hall is not None:
        event["hall"] = hall
    return event


def _ticket_row(ticket: Mapping[str, Any], seq: int) -> tuple[Any, ...]:
    return (
        ticket["id"],
        ticket.get("day") or ticket["id"][:10],
        ticket["number"],
        ticket["service"],
        ticket["class"],
        ticket["state"],
        ticket["issued_at"],
        ticket.get("called_at"),
        ticket.get("finished_at"),
        ticket.get("window"),
        ticket.get("request_id"),
        json.dumps(ticket, ensure_ascii=False, separators=(",", ":")),
        seq,
    )


class RatingsProjection:
    """Ratings and follow-ups (好差评) as report tables, kept in step with the log.

    A projection of committed events: the writer applies each batch after its commit, and at
    start-up it catches up on what it missed (its position is stored with its rows, in one
    transaction, so nothing is projected twice or skipped).
    """

    name = "ratings"
    kinds: frozenset[str] | None = frozenset(
        {"rating_recorded", "rating_rejected", "followup_opened"}
    )

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        row = store.db.execute("SELECT seq FROM projections WHERE name = ?", [self.name]).fetchone()
        self._position = int(row[0]) if row else 0

    def position(self) -> int:
        return self._position

    def apply(self, events: Sequence[Event]) -> None:
        conn = self.store.db.conn
        with transaction(self.store.db):
            for event in events:
                kind = event["type"]
                if kind == "rating_recorded":
                    conn.execute(
                        "INSERT OR IGNORE INTO ratings"
                        " (seq, at, day, ticket, service, window, staff, score, bad)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            event["seq"],
                            event["at"],
                            event["day"],
                            event.get("ticket"),
                            event.get("service"),
                            event.get("window"),
                            event.get("staff"),
                            event.get("score"),
                            int(bool(event.get("bad"))),
                        ),
                    )
                elif kind == "rating_rejected":
                    conn.execute(
                        "INSERT OR IGNORE INTO ratings (seq, at, day, ticket, window, score, rejected)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            event["seq"],
                            event["at"],
                            event["day"],
                            event.get("ticket"),
                            event.get("window"),
                            event.get("score"),
                            event.get("reason", "rejected"),
                        ),
                    )
                elif kind == "followup_opened":
                    conn.execute(
                        "INSERT OR IGNORE INTO followups (ticket, opened_seq, opened_at, deadline)"
                        " VALUES (?, ?, ?, ?)",
                        (event["ticket"], event["seq"], event["at"], event["deadline"]),
                    )
            if events:
                conn.execute(
                    "INSERT OR REPLACE INTO projections (name, seq) VALUES (?, ?)",
                    (self.name, events[-1]["seq"]),
                )
        if events:
            self._position = max(self._position, events[-1]["seq"])
