"""The hall's SQLite store: an append-only event log beside the current-state tables.

The embedded implementation of :class:`~queue_server.store.base.EventStore`, and the only module
with SQLite's own SQL in it. One connection, used by one writer at a time (the server runs it
on a single thread); the store keeps the log's last ``seq`` between appends. The database is
in WAL mode with `synchronous=FULL`, so a batch is on disk when `append` returns: the server
acknowledges nothing before that.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from .lean import sqlite_utils
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


_INSERT_EVENTS = (
    "INSERT INTO events (seq, at, day, type, actor, ticket, window, hall, data)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_PUT_TICKETS = (
    f"INSERT OR REPLACE INTO tickets ({', '.join(_TICKET_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(_TICKET_COLUMNS))})"
)


class SQLiteStore:
    """Persistence of one hall. Create with `SQLiteStore.open(path)`; close with `close()`."""

    def __init__(self, db: sqlite_utils.Database, path: str, hall: str = "hall") -> None:
        self.db = db
        self.path = path
        self.hall = hall
        self._seq: int | None = None  # the log's last seq, known since the last append

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
        rows = []
        seq = self._seq if self._seq is not None else self.last_seq()
        for event in events:
            if "seq" in event:
                raise ValueError(f"event {event['type']} already has a seq: it is the log's")
            seq += 1
            stored.append({**event, "seq": seq, "hall": self.hall})
            rows.append(
                (
                    seq,
                    event["at"],
                    event["day"],
                    event["type"],
                    event.get("actor", ""),
                    event.get("ticket"),
                    event.get("window"),
                    self.hall,
                    _json(event),
                )
            )
        ticket_rows = [_ticket_row(t, seq) for t in tickets.values()]
        try:
            with transaction(self.db):
                conn.executemany(_INSERT_EVENTS, rows)  # one statement for the batch
                if ticket_rows:
                    conn.executemany(_PUT_TICKETS, ticket_rows)
        except BaseException:
            self._seq = None  # read again next time: this batch is not in the log
            raise
        self._seq = seq
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

    def followups(self, status: str | None = None) -> list[dict[str, Any]]:
        """差评 work orders, oldest first; ``status``: only ``open`` or ``resolved`` ones."""
        where, params = ("WHERE status = ?", [status]) if status else ("", [])
        return list(self.db.query(f"SELECT * FROM followups {where} ORDER BY opened_seq", params))

    def followup_contacts(self, followup: str) -> list[dict[str, Any]]:
        """The 回访 records of a work order, in order."""
        return list(
            self.db.query(
                "SELECT * FROM followup_contacts WHERE followup = ? ORDER BY seq", [followup]
            )
        )

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
        _json(ticket),
        seq,
    )


_ENCODE = msgspec.json.Encoder().encode


def _json(value: Mapping[str, Any]) -> str:
    """Compact JSON text (what ``json.dumps(…, ensure_ascii=False)`` writes, several times
    faster); Python's writer for what msgspec refuses (a lone surrogate kept by a caller)."""
    try:
        return _ENCODE(value).decode()
    except (TypeError, ValueError, UnicodeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class RatingsProjection:
    """Ratings and 差评 work orders (好差评) as report tables, kept in step with the log.

    A projection of committed events: the writer applies each batch after its commit, and at
    start-up it catches up on what it missed (its position is stored with its rows, in one
    transaction, so nothing is projected twice or skipped). Applying a batch again changes
    nothing.
    """

    name = "ratings"
    kinds: frozenset[str] | None = frozenset(
        {
            "rating_recorded",
            "rating_rejected",
            "hall_rated",
            "followup_opened",
            "followup_assigned",
            "followup_contacted",
            "followup_resolved",
            "followup_rerated",
        }
    )

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        row = store.db.execute("SELECT seq FROM projections WHERE name = ?", [self.name]).fetchone()
        self._position = int(row[0]) if row else 0

    def position(self) -> int:
        return self._position

    def apply(self, events: Sequence[Event]) -> None:
        with transaction(self.store.db):
            for event in events:
                apply = _RATING_ROWS.get(event["type"])
                if apply is not None:
                    apply(self.store.db.conn, event)
            if events:
                self.store.db.conn.execute(
                    "INSERT OR REPLACE INTO projections (name, seq) VALUES (?, ?)",
                    (self.name, events[-1]["seq"]),
                )
        if events:
            self._position = max(self._position, events[-1]["seq"])


def _rating(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO ratings"
        " (seq, at, day, ticket, service, window, staff, score, bad, moment, aspect, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            "before" if event["type"] == "hall_rated" else event.get("moment", "after"),
            event.get("aspect"),
            event.get("source"),
        ),
    )


def _rejected(conn: sqlite3.Connection, event: Event) -> None:
    score = event.get("score")
    conn.execute(
        "INSERT OR IGNORE INTO ratings"
        " (seq, at, day, ticket, window, score, rejected, moment, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event["seq"],
            event["at"],
            event["day"],
            event.get("ticket"),
            event.get("window"),
            score if isinstance(score, int | float | str) else str(score),
            event.get("reason", "rejected"),
            str(event.get("moment", "after")),
            event.get("source"),
        ),
    )


def _followup_key(event: Event) -> Any:
    return event.get("followup") or event.get("ticket")


def _opened(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO followups"
        " (followup, ticket, opened_seq, opened_at, day, deadline, moment, aspect, score,"
        " service, window, staff, owner, contact_due, feedback_due, resolve_due)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            _followup_key(event),
            event.get("ticket"),
            event["seq"],
            event["at"],
            event["day"],
            event["deadline"],
            event.get("moment", "after"),
            event.get("aspect"),
            event.get("score"),
            event.get("service"),
            event.get("window"),
            event.get("staff"),
            event.get("owner"),
            event.get("contact_due"),
            event.get("feedback_due"),
            event.get("resolve_due"),
        ),
    )


def _assigned(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "UPDATE followups SET owner = ? WHERE followup = ?", (event["owner"], event["followup"])
    )


def _contacted(conn: sqlite3.Connection, event: Event) -> None:
    followup = event["followup"]
    conn.execute(
        "INSERT OR IGNORE INTO followup_contacts (seq, followup, at, channel, note, staff)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (event["seq"], followup, event["at"], event["channel"], event["note"], event["actor"]),
    )
    conn.execute(
        "UPDATE followups SET"
        " contacts = (SELECT count(*) FROM followup_contacts c WHERE c.followup = ?1),"
        " contacted_at = (SELECT min(at) FROM followup_contacts c WHERE c.followup = ?1),"
        " fed_back_at = (SELECT at FROM followup_contacts c WHERE c.followup = ?1"
        "  ORDER BY seq LIMIT 1 OFFSET 1)"
        " WHERE followup = ?1",
        (followup,),
    )


def _resolved(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "UPDATE followups SET status = 'resolved', outcome = ?, outcome_note = ?,"
        " resolved_at = ?, resolved_by = ? WHERE followup = ?",
        (event["outcome"], event["note"], event["at"], event["actor"], event["followup"]),
    )


def _rerated(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "UPDATE followups SET rerating = ?, rerated_at = ? WHERE followup = ?",
        (event["score"], event["at"], event["followup"]),
    )


_RATING_ROWS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    "rating_recorded": _rating,
    "hall_rated": _rating,
    "rating_rejected": _rejected,
    "followup_opened": _opened,
    "followup_assigned": _assigned,
    "followup_contacted": _contacted,
    "followup_resolved": _resolved,
    "followup_rerated": _rerated,
}
