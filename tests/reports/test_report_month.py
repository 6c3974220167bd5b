"""The report of a generated month: its figures against the kit's own ledger and the event log.

The expected figures are computed here from the ledger (what the kit asked the engine and
what it answered, ticket by ticket), never with the report's fold.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
import sqlite3
import statistics
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from monthkit import NOW, SHANGHAI, Month, Story

from queue_server.reports.cli import main


def report(
    month: Month, out: Path, *extra: str, first: str = "2026-11-01", last: str = "2026-11-30"
) -> int:
    return main(
        [
            "report",
            "--from", first,
            "--to", last,
            "--db", str(month.db),
            "--config", str(month.config),
            "--now", str(NOW),
            "--out", str(out),
            *extra,
        ]
    )  # fmt: skip


def read_csv(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the Chinese
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    return {(r["section"], r["key"]): r for r in rows}


@pytest.fixture(scope="module")
def table(
    month: Month, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], dict[str, str]]:
    out = tmp_path_factory.mktemp("csv") / "november.csv"
    assert report(month, out, "--format", "csv", "--lang", "en") == 0
    return read_csv(out)


def nearest_rank(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(p / 100 * len(ordered)) - 1]


def expect_times(found: dict[str, str], waits: list[float], services: list[float]) -> None:
    for name, values in (("wait", waits), ("service", services)):
        if not values:
            assert found[f"{name} median (s)"] == ""
            continue
        assert float(found[f"{name} median (s)"]) == pytest.approx(
            statistics.median(values), abs=0.051
        )
        assert float(found[f"{name} p90 (s)"]) == pytest.approx(nearest_rank(values, 90), abs=0.051)
        assert float(found[f"{name} avg (s)"]) == pytest.approx(
            sum(values) / len(values), abs=0.051
        )


def expect_ratings(found: dict[str, str], scores: list[int]) -> None:
    counts = Counter(scores)
    assert int(found["rated"]) == len(scores)
    for score, name in (
        (5, "very satisfied"),
        (4, "satisfied"),
        (3, "basically satisfied"),
        (2, "dissatisfied"),
        (1, "very dissatisfied"),
    ):
        assert int(found[name]) == counts[score], name
    if scores:
        share = 100 * (counts[5] + counts[4]) / len(scores)
        assert float(found["satisfaction (%)"]) == pytest.approx(share, abs=0.051)


def hour_of(at: float) -> int:
    return dt.datetime.fromtimestamp(at, SHANGHAI).hour


def group(stories: Iterable[Story], key: Any) -> dict[Any, list[Story]]:
    out: dict[Any, list[Story]] = defaultdict(list)
    for s in stories:
        out[key(s)].append(s)
    return out


def test_the_month_is_busy_enough_to_mean_something(month: Month) -> None:
    stories = month.ledger.in_range()
    assert len(stories) > 1500
    assert sum(s.voided for s in stories) > 10 and sum(s.expired for s in stories) > 3
    assert (
        sum(bool(s.transfers) for s in stories) > 50 and sum(bool(s.no_show) for s in stories) > 50
    )
    assert sum(s.rating is not None and s.rating[0] <= 2 for s in stories) > 20  # 差评


def test_totals_equal_the_event_log(
    month: Month, table: dict[tuple[str, str], dict[str, str]]
) -> None:
    with closing(sqlite3.connect(f"file:{month.db}?mode=ro", uri=True)) as db:
        counts = dict(
            db.execute(
                "SELECT type, count(*) FROM events WHERE ticket >= '2026-11-01' AND ticket < '2026-12-01'"
                " GROUP BY type"
            ).fetchall()
        )
        first_calls = db.execute(
            "SELECT count(*) FROM events WHERE type = 'ticket_called' AND json_extract(data, '$.recall') = 0"
            " AND day BETWEEN '2026-11-01' AND '2026-11-30'"
        ).fetchone()[0]
    total = table[("total", "")]
    assert int(total["issued"]) == counts["ticket_issued"]
    assert int(total["served"]) == counts["ticket_finished"]
    assert int(total["no-show"]) == counts["ticket_no_show"]
    assert int(total["transferred"]) == counts["ticket_transferred"]
    assert int(total["voided"]) == counts["ticket_voided"]
    assert int(total["expired"]) == counts["ticket_expired"]
    assert int(total["rated"]) == counts["rating_recorded"]
    assert int(total["called"]) == first_calls
    # The parts add up to the total.
    for column in ("issued", "served", "no-show", "transferred", "voided", "expired", "rated"):
        for section in ("service", "hour", "day"):
            part = sum(int(r[column]) for (s, _), r in table.items() if s == section)
            assert part == int(total[column]), (section, column)
    for column in ("served", "no-show", "transferred", "rated", "called"):
        for section in ("window", "staff"):
            part = sum(int(r[column]) for (s, _), r in table.items() if s == section)
            assert part == int(total[column]), (section, column)


def test_per_service_figures_match_the_ledger(
    month: Month, table: dict[tuple[str, str], dict[str, str]]
) -> None:
    stories = month.ledger.in_range()
    for service in ("BDC", "SB", "SW"):
        found = table[("service", service)]
        assert int(found["issued"]) == sum(s.service == service for s in stories)
        assert int(found["voided"]) == sum(s.voided and s.service == service for s in stories)
        assert int(found["expired"]) == sum(s.expired and s.service_now == service for s in stories)
        assert int(found["served"]) == sum(
            s.served is not None and s.served[3] == service for s in stories
        )
        assert int(found["no-show"]) == sum(
            s.no_show is not None and s.no_show[2] == service for s in stories
        )
        assert int(found["transferred"]) == sum(
            t[2] == service for s in stories for t in s.transfers
        )
        waits = [
            s.first_call[0] - s.issued_at
            for s in stories
            if s.first_call and s.first_call[3] == service
        ]
        times = [s.served[4] for s in stories if s.served and s.served[3] == service]
        expect_times(found, waits, times)
        expect_ratings(found, [s.rating[0] for s in stories if s.rating and s.rating[3] == service])


def test_per_window_and_clerk_figures_match_the_ledger(
    month: Month, table: dict[tuple[str, str], dict[str, str]]
) -> None:
    stories = month.ledger.in_range()
    for index, section in ((1, "window"), (2, "staff")):
        keys = {str(s.first_call[index]) for s in stories if s.first_call}
        assert {k for (sec, k) in table if sec == section} == keys
        for key in keys:
            found = table[(section, key)]
            served = [s for s in stories if s.served and str(s.served[index]) == key]
            assert int(found["served"]) == len(served)
            assert int(found["called"]) == sum(
                1 for s in stories for c in s.calls if str(c[index]) == key
            )
            assert int(found["no-show"]) == sum(
                1 for s in stories if s.no_show and str(s.no_show[index - 1]) == key
            )
            assert int(found["transferred"]) == sum(
                1 for s in stories for t in s.transfers if str(t[index - 1]) == key
            )
            waits = [
                s.first_call[0] - s.issued_at
                for s in stories
                if s.first_call and str(s.first_call[index]) == key
            ]
            expect_times(found, waits, [s.served[4] for s in served])  # type: ignore[index]
            expect_ratings(
                found, [s.rating[0] for s in stories if s.rating and str(s.rating[index]) == key]
            )
    assert table[("staff", "1001")]["name"] == "张伟"


def test_per_hour_and_day_figures_match_the_ledger(
    month: Month, table: dict[tuple[str, str], dict[str, str]]
) -> None:
    stories = month.ledger.in_range()
    for hour, found_stories in group(stories, lambda s: hour_of(s.issued_at)).items():
        found = table[("hour", f"{hour:02d}")]
        assert int(found["issued"]) == len(found_stories)
        waits = [s.first_call[0] - s.issued_at for s in found_stories if s.first_call]
        expect_times(found, waits, [s.served[4] for s in found_stories if s.served])
    days = group(stories, lambda s: s.day)
    assert {k for (sec, k) in table if sec == "day"} == set(days)
    for day, found_stories in days.items():
        assert int(table[("day", day)]["issued"]) == len(found_stories)
        assert int(table[("day", day)]["served"]) == sum(1 for s in found_stories if s.served)


def test_a_range_counts_only_its_own_tickets(month: Month, tmp_path: Path) -> None:
    out = tmp_path / "last-day.csv"
    assert (
        report(month, out, "--format", "csv", "--lang", "en", first="2026-11-30", last="2026-11-30")
        == 0
    )
    total = read_csv(out)[("total", "")]
    stories = [s for s in month.ledger.in_range() if s.day == "2026-11-30"]
    assert int(total["issued"]) == len(stories)
    assert int(total["expired"]) == sum(s.expired for s in stories)  # expired on 1 December
    assert month.ledger.next_day_tickets == 1  # and December's ticket is in none of them


def test_the_report_never_writes_to_the_database(month: Month, tmp_path: Path) -> None:
    before = month.digest()
    assert report(month, tmp_path / "r.csv", "--format", "csv") == 0
    assert month.digest() == before


def test_chinese_first_english_on_request(month: Month, tmp_path: Path) -> None:
    assert report(month, tmp_path / "zh.csv", "--format", "csv") == 0
    header = (tmp_path / "zh.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("分组,代码,名称,取号,叫号,办结,过号,转办,作废,过期")
    assert report(month, tmp_path / "zh.html", "--format", "html") == 0
    page = (tmp_path / "zh.html").read_text(encoding="utf-8")
    assert "测试县政务服务中心 运行报表" in page and "不动产登记" in page and "满意率" in page
    assert page.count("data:image/svg+xml;base64,") == 6  # the charts
    assert report(month, tmp_path / "en.html", "--format", "html", "--lang", "en") == 0
    page = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert (
        "Test County Service Centre Service report" in page and "Real estate registration" in page
    )


def test_the_pdf_embeds_the_chinese_font_and_renders(
    month: Month, tmp_path: Path, artifacts: Path
) -> None:
    pdf = tmp_path / "november.pdf"
    assert report(month, pdf, "--format", "pdf") == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert shutil.which("pdffonts") and shutil.which("pdftoppm"), (
        "scripts/setup.sh installs poppler-utils"
    )
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line.split() for line in fonts.splitlines() if "WenQuanYi" in line]
    assert cjk and all(line[-5] == "yes" for line in cjk), fonts  # emb = yes
    for old in artifacts.glob("november-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", str(pdf), str(artifacts / "november")], check=True
    )
    pages = sorted(artifacts.glob("november-*.png"))
    assert len(pages) >= 3
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "按事项" in text and "综合窗口1" in text and "张伟" in text
