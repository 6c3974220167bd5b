"""The store against real SQLite files, read back through a second connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hallkit import must

from queue_server.store import RatingsProjection, Store


def _event(kind: str, at: float, **fields: object) -> dict[str, object]:
    return {"type": kind, "at": at, "day": "2026-11-22", "actor": "kiosk-1", **fields}


def _ticket(number: str, state: str = "waiting") -> dict[str, object]:
    return {
        "id": f"2026-11-22-{number}",
        "number": number,
        "service": "SB",
        "class": "normal",
        "state": state,
        "issued_at": 1.0,
        "called_at": None,
        "finished_at": None,
        "window": None,
        "request_id": f"req-{number}",
    }


def test_open_sets_wal_full_sync_and_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "hall.sqlite"
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    with Store.open(path) as store:
        names = [r[0] for r in store.db.execute("SELECT name FROM _migrations")]
        assert names == [
            "0001_event_log_and_state",
            "0002_hall_id_and_projections",
            "0003_events_by_type",
            "0004_rating_moments_and_work_orders",
        ]


def test_append_assigns_seq_and_is_visible_to_another_connection(tmp_path: Path) -> None:
    path = tmp_path / "hall.sqlite"
    with Store.open(path) as store:
        events = [
            _event("ticket_issued", 1.0, ticket="2026-11-22-A001"),
            _event("ticket_issued", 2.0, ticket="2026-11-22-A002"),
        ]
        stored = store.append(
            events, {"2026-11-22-A001": _ticket("A001"), "2026-11-22-A002": _ticket("A002")}
        )
        assert [(e["seq"], e["hall"]) for e in stored] == [(1, "hall"), (2, "hall")]
        assert all("seq" not in e for e in events)  # the engine's events are not changed

        other = sqlite3.connect(path)
        rows = other.execute("SELECT seq, type, ticket FROM events ORDER BY seq").fetchall()
        assert rows == [
            (1, "ticket_issued", "2026-11-22-A001"),
            (2, "ticket_issued", "2026-11-22-A002"),
        ]
        assert other.execute("SELECT number, state FROM tickets ORDER BY number").fetchall() == [
            ("A001", "waiting"),
            ("A002", "waiting"),
        ]
        other.close()

        store.append(
            [_event("ticket_called", 3.0, ticket="2026-11-22-A001", window=3)],
            {"2026-11-22-A001": _ticket("A001", "called")},
        )
        assert must(store.ticket("2026-11-22-A001"))["state"] == "called"
        assert [e["type"] for e in store.events_after(1)] == ["ticket_issued", "ticket_called"]
        assert [e["seq"] for e in store.iter_events(0, chunk=1)] == [1, 2, 3]
        assert {e["hall"] for e in store.events_after(0)} == {"hall"}


def test_a_failed_batch_writes_nothing(tmp_path: Path) -> None:
    """An event that cannot be stored rolls the whole batch back, ticket rows included."""
    with Store.open(tmp_path / "hall.sqlite") as store:
        store.append([_event("ticket_issued", 1.0, ticket="2026-11-22-A001")], {})
        with pytest.raises(ValueError, match="already has a seq"):
            store.append(
                [
                    _event("ticket_issued", 2.0, ticket="2026-11-22-A002"),
                    {**_event("ticket_called", 2.0, ticket="2026-11-22-A001"), "seq": 7},
                ],
                {"2026-11-22-A002": _ticket("A002")},
            )
        assert store.last_seq() == 1
        assert store.ticket("2026-11-22-A002") is None


def test_ratings_and_followups_are_projected(tmp_path: Path) -> None:
    with Store.open(tmp_path / "hall.sqlite") as store:
        projection = RatingsProjection(store)
        stored = store.append(
            [
                _event(
                    "rating_recorded",
                    1.0,
                    ticket="2026-11-22-A001",
                    service="SB",
                    window=3,
                    staff="s1",
                    score=2,
                    bad=True,
                ),
                _event("followup_opened", 1.0, ticket="2026-11-22-A001", deadline="2026-11-25"),
                _event(
                    "rating_rejected",
                    2.0,
                    ticket="2026-11-22-A001",
                    window=3,
                    score=5,
                    reason="already_rated",
                ),
            ],
            {},
        )
        assert store.ratings() == []  # a projection of committed events, not of the commit
        projection.apply(stored)
        projection.apply(stored)  # applying again changes nothing
        assert projection.position() == 3
        ratings = store.ratings("2026-11-22")
        assert [(r["score"], r["bad"], r["rejected"]) for r in ratings] == [
            (2, 1, None),
            (5, None, "already_rated"),
        ]
        assert [(f["ticket"], f["deadline"], f["status"]) for f in store.followups()] == [
            ("2026-11-22-A001", "2026-11-25", "open")
        ]


def test_checkpoints_keep_the_newest_three(tmp_path: Path) -> None:
    with Store.open(tmp_path / "hall.sqlite") as store:
        for seq in range(1, 6):
            store.save_checkpoint(seq, "v1", bytes([seq]))
        store.save_checkpoint(6, "v2", b"x")
        assert [s for s, _ in store.checkpoints("v1")] == [5, 4]
        assert store.checkpoints("v2") == [(6, b"x")]


def test_events_carry_the_hall_id_the_store_was_opened_for(tmp_path: Path) -> None:
    with Store.open(tmp_path / "hall.sqlite", hall="demo-county-centre") as store:
        stored = store.append([_event("ticket_issued", 1.0, ticket="2026-11-22-A001")], {})
        assert stored[0]["hall"] == "demo-county-centre"
        assert [e["hall"] for e in store.events_after(0)] == ["demo-county-centre"]
