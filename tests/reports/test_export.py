"""The 好差评 export: the hall's documented record and the Sichuan platform's shape; raters
stay anonymous (国办发〔2019〕51号)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from monthkit import NOW, SHANGHAI, Month, local

from queue_server.reports.cli import main
from queue_server.store import Store

MAPPING = """
[services.BDC]
item_code = "11510000MB0000001X4000111001000"
item_name = "不动产登记（转移登记）"
department_code = "510000-BDC"
department_name = "县自然资源和规划局"

[services.SB]
item_code = "11510000MB0000002X4000222002000"
item_name = "社会保险参保登记"
department_code = "510000-SB"
department_name = "县人力资源和社会保障局"

[sichuan]
area_code = "511923"

[sichuan.channels]
phone = "7"
"""

# The documented shapes (docs/reports.md).
HALL_KEYS = {
    "ticket", "number", "order", "hall", "hall_name", "window", "window_name", "clerk",
    "clerk_name", "item_code", "item_name", "department_code", "department_name", "service",
    "channel", "moment", "score", "level", "bad", "reasons", "comment", "issued_at",
    "called_at", "finished_at", "rated_at", "followup",
}  # fmt: skip
FOLLOWUP_KEYS = {
    "id", "opened_at", "deadline", "owner", "contacts", "outcome", "outcome_note",
    "resolved_at", "rerating",
}  # fmt: skip
SICHUAN_KEYS = {
    "anonymous", "busiCode", "evalChannel", "evalSource", "objType", "objCode", "score",
    "evaluationChildren", "instructions", "praise", "publish", "maxBadClassifyFlag",
}  # fmt: skip
LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def local_iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, SHANGHAI).isoformat(timespec="seconds")


def export(
    month: Month, platform: str, tmp_path: Path, *extra: str, db: Path | None = None
) -> list[dict[str, Any]]:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    out = tmp_path / f"{platform}.jsonl"
    status = main(
        [
            "export", "--platform", platform,
            "--from", "2026-11-01", "--to", "2026-11-30",
            "--db", str(db or month.db), "--config", str(month.config),
            "--mapping", str(mapping), "--now", str(NOW), "--out", str(out),
            *extra,
        ]
    )  # fmt: skip
    assert status == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_the_hall_record_has_every_rating_of_the_month(month: Month, tmp_path: Path) -> None:
    records = export(month, "hall", tmp_path)
    rated = [s for s in month.ledger.in_range() if s.rating]
    assert len(records) == len(rated)
    by_ticket = {r["ticket"]: r for r in records}
    for story in rated:
        assert story.rating is not None and story.served is not None
        r = by_ticket[story.id]
        assert set(r) == HALL_KEYS
        score, window, staff, service, at = story.rating
        assert (r["score"], r["window"], r["clerk"], r["service"]) == (
            score,
            window,
            staff,
            service,
        )
        assert r["level"] == LEVELS[score] and r["bad"] == (score <= 2)
        assert r["hall"] == "test-county" and r["hall_name"] == "测试县政务服务中心"
        assert r["channel"] == "evaluator" and r["moment"] == "after"
        assert r["rated_at"] == local_iso(at)
        assert r["finished_at"] == local_iso(story.served[0])
        assert r["issued_at"] <= r["called_at"] <= r["finished_at"] <= r["rated_at"]
        if r["bad"]:
            assert (
                set(r["followup"]) == FOLLOWUP_KEYS
                and r["followup"]["deadline"] > r["rated_at"][:10]
            )
        else:
            assert r["followup"] is None
    bdc = next(r for r in records if r["service"] == "BDC")
    assert (bdc["item_code"], bdc["department_name"]) == (
        "11510000MB0000001X4000111001000",
        "县自然资源和规划局",
    )
    sw = next(r for r in records if r["service"] == "SW")  # not in the mapping: the hall's own
    assert (sw["item_code"], sw["item_name"], sw["department_code"]) == ("SW", "税务办理", "")


def test_the_sichuan_shape(month: Month, tmp_path: Path) -> None:
    lines = export(month, "sichuan", tmp_path)
    rated = [s for s in month.ledger.in_range() if s.rating]
    assert len(lines) == len(rated)
    for line in lines:
        assert set(line) == SICHUAN_KEYS
        assert line["anonymous"] == 1 and line["publish"] == 1
        assert re.fullmatch(r"511923-202611\d{2}-\d{6}", line["busiCode"])
        assert (line["evalChannel"], line["evalSource"], line["objType"]) == ("3", "2", "2")
        assert line["score"] in (1, 2, 3, 4, 5)
        assert isinstance(line["evaluationChildren"], list) and line["praise"] == []
    codes = {line["objCode"] for line in lines}
    assert codes == {"11510000MB0000001X4000111001000", "11510000MB0000002X4000222002000", "SW"}
    assert len({line["busiCode"] for line in lines}) == len(lines)  # one 办件 per rated ticket


def test_raters_stay_anonymous(month: Month, tmp_path: Path) -> None:
    """No citizen hash, phone-page token or kiosk request id in any export."""
    secrets = set()
    for story in month.ledger.in_range():
        secrets |= {story.citizen_hash, story.request_id, story.token or ""}
    secrets.discard("")
    for platform in ("hall", "sichuan"):
        text = json.dumps(export(month, platform, tmp_path), ensure_ascii=False)
        assert not [s for s in secrets if s in text]
        assert "citizen" not in text and "request_id" not in text and "token" not in text


def test_a_follow_up_shows_where_it_stands(month: Month, tmp_path: Path) -> None:
    """A 差评 opened in November and worked on in December: the export shows it all."""
    db = tmp_path / "followup.sqlite"
    day, t = "2026-11-23", "2026-11-23-A001"
    base = {"actor": "test", "day": day}
    events: list[dict[str, Any]] = [
        {**base, "type": "day_started", "at": local(dt.date(2026, 11, 23), 6), "previous": None},
        {
            **base,
            "type": "ticket_issued",
            "at": local(dt.date(2026, 11, 23), 9),
            "ticket": t,
            "number": "A001",
            "prefix": "A",
            "sequence": 1,
            "order": 7,
            "service": "BDC",
            "class": "normal",
            "request_id": "req-secret",
            "citizen_hash": "hash-secret",
            "appointment_code": None,
            "ahead": 0,
            "estimated_wait_s": 0,
            "token": "token-secret",
        },
        {
            **base,
            "type": "ticket_called",
            "at": local(dt.date(2026, 11, 23), 9, 5),
            "ticket": t,
            "number": "A001",
            "window": 2,
            "staff": "1002",
            "service": "BDC",
            "reason": {},
            "recall": False,
        },
        {
            **base,
            "type": "ticket_finished",
            "at": local(dt.date(2026, 11, 23), 9, 15),
            "ticket": t,
            "number": "A001",
            "window": 2,
            "staff": "1002",
            "service": "BDC",
            "duration_s": 600.0,
        },
        {
            **base,
            "type": "rating_recorded",
            "at": local(dt.date(2026, 11, 23), 9, 16),
            "ticket": t,
            "number": "A001",
            "service": "BDC",
            "window": 2,
            "staff": "1002",
            "score": 1,
            "level": "VERY_DISSATISFIED",
            "bad": True,
            "source": "evaluator",
            "moment": "after",
            "reasons": ["waited too long"],
            "comment": "窗口人员态度差",
        },
        {
            **base,
            "type": "followup_opened",
            "at": local(dt.date(2026, 11, 23), 9, 16),
            "ticket": t,
            "number": "A001",
            "service": "BDC",
            "window": 2,
            "staff": "1002",
            "score": 1,
            "deadline": "2026-12-07",
            "followup": "f-1",
            "moment": "after",
            "owner": "1002",
        },
        {
            **base,
            "type": "followup_assigned",
            "at": local(dt.date(2026, 11, 23), 10),
            "followup": "f-1",
            "owner": "1005",
        },
        {
            **base,
            "type": "followup_contacted",
            "at": local(dt.date(2026, 11, 23), 11),
            "followup": "f-1",
            "channel": "phone",
            "note": "已电话回访，群众表示理解",
        },
    ]
    later = {"actor": "test", "day": "2026-12-01"}
    events += [
        {
            **later,
            "type": "followup_resolved",
            "at": local(dt.date(2026, 12, 1), 10),
            "followup": "f-1",
            "outcome": "fixed",
            "note": "已整改",
        },
        {
            **later,
            "type": "followup_rerated",
            "at": local(dt.date(2026, 12, 1), 10, 5),
            "followup": "f-1",
            "score": 4,
            "level": "SATISFIED",
        },
    ]
    with Store.open(db, hall="test-county") as store:
        store.append(events, {})
    (record,) = export(month, "hall", tmp_path, db=db)
    assert (
        record["order"] == 7
        and record["reasons"] == ["waited too long"]
        and record["comment"] == "窗口人员态度差"
    )
    f = record["followup"]
    assert (f["id"], f["deadline"], f["owner"], f["outcome"], f["rerating"]) == (
        "f-1",
        "2026-12-07",
        "1005",
        "fixed",
        4,
    )
    assert f["contacts"] == [
        {"at": "2026-11-23T11:00:00+08:00", "channel": "phone", "note": "已电话回访，群众表示理解"}
    ]
    assert f["resolved_at"] == "2026-12-01T10:00:00+08:00" and f["outcome_note"] == "已整改"
    (line,) = export(month, "sichuan", tmp_path, db=db)
    assert line["busiCode"] == "511923-20261123-000007"
    assert line["evalChannel"] == "3"  # an evaluator: the default code
    assert (
        line["evaluationChildren"] == ["waited too long"]
        and line["instructions"] == "窗口人员态度差"
    )
    text = (tmp_path / "hall.jsonl").read_text(encoding="utf-8") + (
        tmp_path / "sichuan.jsonl"
    ).read_text(encoding="utf-8")
    assert "secret" not in text


def test_a_bad_mapping_is_refused(
    month: Month, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "bad.toml"
    mapping.write_text("[services.BDC]\nitem_name = 'x'\n", encoding="utf-8")
    status = main(
        [
            "export",
            "--platform",
            "sichuan",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--db",
            str(month.db),
            "--mapping",
            str(mapping),
            "--now",
            str(NOW),
        ]
    )
    err = capsys.readouterr().err
    assert status == 2 and "导出对照表有误" in err and "item_code" in err


def test_the_channel_code_follows_the_rating_source() -> None:
    from queue_server.reports.export import ExportMapping, RatingRecord, sichuan

    mapping = ExportMapping(
        platforms={"sichuan": {"area_code": "511923", "channels": {"phone": "7"}}}
    )
    record = RatingRecord(
        ticket="2026-11-23-B004", number="B004", order=12, hall="h", hall_name="", window=1,
        window_name="", clerk=None, clerk_name="", item_code="X", item_name="", department_code="",
        department_name="", service="SB", channel="phone", moment="after", score=4, level="满意",
        bad=False, reasons=[], comment="", issued_at=None, called_at=None, finished_at=None,
        rated_at="2026-11-23T10:00:00+08:00",
    )  # fmt: skip
    assert sichuan(record, mapping)["evalChannel"] == "7"
    assert sichuan(record, mapping)["busiCode"] == "511923-20261123-000012"
    assert sichuan(record, ExportMapping())["busiCode"] == "20261123-000012"  # no area code set
