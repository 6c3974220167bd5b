"""Schema migrations, applied in order, each with its record in one transaction.

A migration is a function of the database; its name is recorded in `_migrations` so it runs
once. Never edit a released migration: add a new one.

Why not sqlite-utils' own: sqlite-utils has no migrations of its own (they live in a separate
plugin, sqlite-migrate, which records them the same way), and its transaction helper is
Python's `with conn:`, which begins deferred; the hall's single writer needs `BEGIN IMMEDIATE`
so that a commit never fails half-way for a lock taken late. The schema itself is written and
read through sqlite-utils' `Database`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .lean import sqlite_utils

log = logging.getLogger(__name__)

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT on a connection opened in autocommit mode; ROLLBACK on error,
    a failed COMMIT included. On the connection itself: every commit of the hall comes here."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def migration(name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((name, fn))
        return fn

    return register


@migration("0001_event_log_and_state")
def _initial(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,      -- the event sequence clients resync from
            at REAL NOT NULL,             -- POSIX seconds
            day TEXT NOT NULL,            -- business day, YYYY-MM-DD
            type TEXT NOT NULL,
            actor TEXT NOT NULL,
            ticket TEXT,
            window INTEGER,
            data TEXT NOT NULL            -- the whole event as JSON
        )"""
    )
    db.execute("CREATE INDEX events_day_type ON events(day, type)")
    db.execute("CREATE INDEX events_ticket ON events(ticket)")
    db.execute(
        """
        CREATE TABLE tickets (
            id TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            number TEXT NOT NULL,
            service TEXT NOT NULL,
            class TEXT NOT NULL,
            state TEXT NOT NULL,
            issued_at REAL NOT NULL,
            called_at REAL,
            finished_at REAL,
            window INTEGER,
            request_id TEXT,
            data TEXT NOT NULL,
            last_seq INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE UNIQUE INDEX tickets_day_number ON tickets(day, number)")
    db.execute(
        """
        CREATE TABLE ratings (
            seq INTEGER PRIMARY KEY REFERENCES events(seq),
            at REAL NOT NULL,
            day TEXT NOT NULL,
            ticket TEXT,
            service TEXT,
            window INTEGER,
            staff TEXT,
            score INTEGER,
            bad INTEGER,
            rejected TEXT                -- NULL when accepted, else the reason code
        )"""
    )
    db.execute(
        "CREATE UNIQUE INDEX ratings_one_per_ticket ON ratings(ticket) WHERE rejected IS NULL"
    )
    db.execute(
        """
        CREATE TABLE followups (
            ticket TEXT PRIMARY KEY,
            opened_seq INTEGER NOT NULL REFERENCES events(seq),
            opened_at REAL NOT NULL,
            deadline TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open',
            outcome TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE checkpoints (
            seq INTEGER PRIMARY KEY,     -- state after applying every event up to seq
            code_version TEXT NOT NULL,
            state BLOB NOT NULL
        )"""
    )


@migration("0002_hall_id_and_projections")
def _hall_and_projections(db: sqlite_utils.Database) -> None:
    """Events carry their hall's id (for a central store); projections keep their position."""
    db.execute("ALTER TABLE events ADD COLUMN hall TEXT")
    db.execute("CREATE TABLE projections (name TEXT PRIMARY KEY, seq INTEGER NOT NULL)")
    # Until now ratings were projected inside each commit: they are complete up to here.
    db.execute(
        "INSERT INTO projections (name, seq) SELECT 'ratings', coalesce(max(seq), 0) FROM events"
    )


@migration("0003_events_by_type")
def _events_by_type(db: sqlite_utils.Database) -> None:
    """Projections catch up on the events of their kinds without reading the whole log."""
    db.execute("CREATE INDEX events_type_seq ON events(type, seq)")


@migration("0004_rating_moments_and_work_orders")
def _moments_and_work_orders(db: sqlite_utils.Database) -> None:
    """好差评 at three moments, and 差评 work orders with their own ids, owner and clocks.

    Ratings gain their moment (a ticket is rated once per moment; a hall rating has no
    ticket), aspect and source. Follow-ups were keyed by their ticket; a work order now has
    its own id (a hall rating has no ticket, and a ticket may have a 差评 at two moments), so
    the table is rebuilt around that key: SQLite cannot change a primary key in place. Old
    rows keep the ticket id as their id, as the engine does when it replays older logs.
    """
    db.execute("ALTER TABLE ratings ADD COLUMN moment TEXT")
    db.execute("ALTER TABLE ratings ADD COLUMN aspect TEXT")  # of the hall, for 未办先评
    db.execute("ALTER TABLE ratings ADD COLUMN source TEXT")
    db.execute("UPDATE ratings SET moment = 'after' WHERE ticket IS NOT NULL")
    db.execute("DROP INDEX ratings_one_per_ticket")
    db.execute(
        "CREATE UNIQUE INDEX ratings_one_per_ticket_moment ON ratings(ticket, moment)"
        " WHERE rejected IS NULL AND ticket IS NOT NULL"
    )
    db.execute(
        """
        CREATE TABLE followups_v2 (
            followup TEXT PRIMARY KEY,    -- its id, e.g. 2026-11-23-F001 (older: the ticket id)
            ticket TEXT,                  -- NULL: a rating of the hall (未办先评)
            opened_seq INTEGER NOT NULL REFERENCES events(seq),
            opened_at REAL NOT NULL,
            day TEXT,                     -- the business day it was opened
            deadline TEXT NOT NULL,       -- the resolution's date
            status TEXT NOT NULL DEFAULT 'open',  -- open | resolved
            outcome TEXT,                 -- fixed | explained | appealed
            moment TEXT,                  -- before | during | after
            aspect TEXT,
            score INTEGER,
            service TEXT,
            window INTEGER,
            staff TEXT,                   -- who served the ticket
            owner TEXT,                   -- who is responsible (谁办理谁负责)
            contact_due REAL,             -- the clocks on working time (POSIX seconds)
            feedback_due REAL,
            resolve_due REAL,
            contacts INTEGER NOT NULL DEFAULT 0,
            contacted_at REAL,            -- the first 回访 (stops the contact clock)
            fed_back_at REAL,             -- the second 回访 (stops the feedback clock)
            outcome_note TEXT,
            resolved_at REAL,
            resolved_by TEXT,
            rerating INTEGER,             -- the citizen's rating after the fix
            rerated_at REAL
        )"""
    )
    db.execute(
        "INSERT INTO followups_v2"
        " (followup, ticket, opened_seq, opened_at, day, deadline, status, outcome, moment,"
        " score, service, window, staff)"
        " SELECT f.ticket, f.ticket, f.opened_seq, f.opened_at, e.day, f.deadline, f.status,"
        " f.outcome, 'after', json_extract(e.data, '$.score'), json_extract(e.data, '$.service'),"
        " json_extract(e.data, '$.window'), json_extract(e.data, '$.staff')"
        " FROM followups f LEFT JOIN events e ON e.seq = f.opened_seq"
    )
    db.execute("DROP TABLE followups")
    db.execute("ALTER TABLE followups_v2 RENAME TO followups")
    db.execute("CREATE INDEX followups_status ON followups(status, opened_seq)")
    db.execute(
        """
        CREATE TABLE followup_contacts (
            seq INTEGER PRIMARY KEY REFERENCES events(seq),
            followup TEXT NOT NULL,
            at REAL NOT NULL,
            channel TEXT NOT NULL,        -- phone | visit | sms | other
            note TEXT NOT NULL,           -- what the citizen said
            staff TEXT                    -- who made the 回访
        )"""
    )
    db.execute("CREATE INDEX followup_contacts_followup ON followup_contacts(followup, at)")


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet recorded; return the names applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with transaction(db):  # the migration and its record, together
            fn(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, datetime('now'))", [name]
            )
        log.info("applied migration %s", name)
        applied.append(name)
    return applied
