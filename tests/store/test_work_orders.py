"""好差评 moments and 差评 work orders in the store: the migration and the projection."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils
from hallkit import make_hall

from queue_server import core
from queue_server.store import RatingsProjection, Store
from queue_server.store.migrations import MIGRATIONS, transaction

T0 = 1795312800.0  # 2026-11-22 in Asia/Shanghai


def _engine_events() -> list[dict[str, Any]]:
    """A day with ratings at every moment and a work order through every step."""
    engine = core.Engine(make_hall())
    events: list[dict[str, Any]] = []
    now = T0

    def run(command: Any, actor: str, after: float = 1.0) -> core.Result:
        nonlocal now
        now += after
        result = engine.execute(command, now, actor)
        events.extend(result.events)
        return result

    run(core.RateHall(5, aspect="guidance", source="phone"), "public")
    run(core.RateHall(1, aspect="environment"), "bridge-1")  # F001, no ticket
    run(core.TakeTicket("SB", "r1"), "kiosk-1")
    run(core.OpenWindow(1, "s1"), "s1")
    run(core.CallNext(1), "s1")
    run(core.Rate(1, 2, moment="during"), "bridge-1")  # F002
    run(core.Finish(1), "s1", after=300)
    run(core.Rate(1, 4), "bridge-1")  # after: another moment of the same ticket
    run(core.Rate(1, 5), "bridge-1")  # rejected: already rated
    run(core.AssignFollowup("2026-11-22-F001", "s2"), "s3")
    run(core.ContactFollowup("2026-11-22-F002", "群众反映态度不好", "phone"), "s3", after=600)
    run(core.ContactFollowup("2026-11-22-F002", "已反馈处理情况", "visit"), "s3", after=600)
    run(core.ResolveFollowup("2026-11-22-F002", "fixed", "已批评教育"), "s3", after=600)
    run(core.RerateFollowup("2026-11-22-F002", 4), "s3")
    return events


def test_a_day_of_ratings_and_work_orders_is_projected(tmp_path: Path) -> None:
    events = _engine_events()
    assert events[0]["day"] == "2026-11-22"
    with Store.open(tmp_path / "hall.sqlite") as store:
        projection = RatingsProjection(store)
        stored = store.append(events, {})
        kinds = RatingsProjection.kinds
        assert kinds is not None
        mine = [e for e in stored if e["type"] in kinds]
        projection.apply(mine)
        projection.apply(mine)  # again: nothing changes
        ratings = [
            (r["ticket"], r["moment"], r["aspect"], r["score"], r["bad"], r["rejected"])
            for r in store.ratings("2026-11-22")
        ]
        assert ratings == [
            (None, "before", "guidance", 5, 0, None),
            (None, "before", "environment", 1, 1, None),
            ("2026-11-22-A001", "during", None, 2, 1, None),
            ("2026-11-22-A001", "after", None, 4, 0, None),
            ("2026-11-22-A001", "after", None, 5, None, "already_rated"),
        ]
        hall, served = store.followups()
        assert (hall["followup"], hall["ticket"], hall["owner"], hall["status"]) == (
            "2026-11-22-F001",
            None,
            "s2",
            "open",
        )
        assert (hall["moment"], hall["aspect"], hall["contacts"]) == ("before", "environment", 0)
        assert hall["contact_due"] > hall["opened_at"]
        assert served["followup"] == "2026-11-22-F002"
        assert (served["ticket"], served["staff"], served["owner"], served["window"]) == (
            "2026-11-22-A001",
            "s1",
            "s1",
            1,
        )
        assert (served["contacts"], served["status"], served["outcome"]) == (2, "resolved", "fixed")
        assert served["contacted_at"] < served["fed_back_at"] < served["resolved_at"]
        assert (served["resolved_by"], served["score"], served["rerating"]) == ("s3", 2, 4)
        assert [f["followup"] for f in store.followups("open")] == ["2026-11-22-F001"]
        contacts = store.followup_contacts("2026-11-22-F002")
        assert [(c["channel"], c["note"], c["staff"]) for c in contacts] == [
            ("phone", "群众反映态度不好", "s3"),
            ("visit", "已反馈处理情况", "s3"),
        ]


def test_the_migration_keeps_older_ratings_and_followups(tmp_path: Path) -> None:
    """A hall database from before the moments: its rows come through, keyed as before."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, migrate in MIGRATIONS[:3]:
        with transaction(db):
            migrate(db)
            db.execute("INSERT INTO _migrations VALUES (?, datetime('now'))", [name])
    opened = {
        "type": "followup_opened",
        "at": 10.0,
        "day": "2026-11-22",
        "actor": "bridge-1",
        "ticket": "2026-11-22-A001",
        "number": "A001",
        "service": "SB",
        "window": 3,
        "staff": "s1",
        "score": 1,
        "deadline": "2026-11-25",
    }
    with transaction(db):
        for seq, event in ((1, {**opened, "type": "rating_recorded"}), (2, opened)):
            db.execute(
                "INSERT INTO events (seq, at, day, type, actor, ticket, window, hall, data)"
                " VALUES (?, 10.0, '2026-11-22', ?, 'bridge-1', ?, 3, 'hall', ?)",
                [seq, event["type"], event["ticket"], json.dumps(event)],
            )
        db.execute(
            "INSERT INTO ratings (seq, at, day, ticket, service, window, staff, score, bad)"
            " VALUES (1, 10.0, '2026-11-22', '2026-11-22-A001', 'SB', 3, 's1', 1, 1)"
        )
        db.execute(
            "INSERT INTO followups (ticket, opened_seq, opened_at, deadline)"
            " VALUES ('2026-11-22-A001', 2, 10.0, '2026-11-25')"
        )
    conn.close()
    with Store.open(path) as store:
        (rating,) = store.ratings()
        assert (rating["ticket"], rating["moment"], rating["score"]) == (
            "2026-11-22-A001",
            "after",
            1,
        )
        (followup,) = store.followups()
        assert {
            k: followup[k]
            for k in ("followup", "ticket", "deadline", "status", "score", "staff", "window")
        } == {
            "followup": "2026-11-22-A001",
            "ticket": "2026-11-22-A001",
            "deadline": "2026-11-25",
            "status": "open",
            "score": 1,
            "staff": "s1",
            "window": 3,
        }
        # The older work order goes on in the new shape: a 回访 is projected onto it.
        projection = RatingsProjection(store)
        stored = store.append(
            [
                {
                    "type": "followup_contacted",
                    "at": 20.0,
                    "day": "2026-11-22",
                    "actor": "s3",
                    "followup": "2026-11-22-A001",
                    "channel": "phone",
                    "note": "已联系",
                }
            ],
            {},
        )
        projection.apply(stored)
        assert store.followups()[0]["contacts"] == 1
