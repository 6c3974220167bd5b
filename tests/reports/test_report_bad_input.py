"""Bad input to the report and export commands: one clear line in Chinese and English, a
non-zero status where nothing can be made, an empty but valid CSV where that was asked, never
a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from monthkit import NOW, Month

from queue_server.reports.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(month: Month, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    base = ["--db", str(month.db), "--config", str(month.config), "--now", str(NOW)]
    status = main([*args, *base])
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("first", "last", "zh", "en"),
    [
        ("2026-11-30", "2026-11-01", "起止日期颠倒", "reversed range"),
        ("2026-11-31", "2026-11-30", "日期不存在", "no such date (--from): 2026-11-31"),
        ("2026/11/01", "2026-11-30", "日期格式有误", "expected YYYY-MM-DD"),
        ("2026-11-01", "yesterday", "日期格式有误", "bad date (--to)"),
        ("2026-11-01", "2026-12-02", "今天", "is today: the day is not closed yet"),
        ("2026-12-03", "2026-12-09", "未来", "in the future"),
    ],
)
def test_a_bad_range_is_refused(
    month: Month,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    first: str,
    last: str,
    zh: str,
    en: str,
) -> None:
    out = tmp_path / "r.csv"
    status, err = run(month, capsys, "report", "--from", first, "--to", last, "--out", str(out))
    assert status == 2
    assert zh in err and en in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_an_open_day_names_the_last_closed_one(
    month: Month, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = run(month, capsys, "report", "--from", "2026-11-01", "--to", "2026-12-02")
    assert status == 2 and "2026-12-01" in err


def test_a_range_without_events_gives_an_empty_csv(
    month: Month, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "october.csv"
    status, err = run(
        month, capsys, "report", "--from", "2026-10-01", "--to", "2026-10-31", "--out", str(out)
    )
    assert status == 0
    assert "没有任何事件" in err and "no events from 2026-10-01 to 2026-10-31" in err
    assert "2026-11-02" in err  # where the data is
    lines = out.read_bytes().decode("utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith("\ufeff分组,代码,名称")


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_a_range_without_events_makes_no_document(
    month: Month, capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"october.{fmt}"
    status, err = run(
        month,
        capsys,
        "report",
        "--format",
        fmt,
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--out",
        str(out),
    )
    assert status == 1 and "no events" in err and not out.exists()


def test_a_weekend_without_events_is_an_empty_csv_too(
    month: Month, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "weekend.csv"
    status, _ = run(
        month, capsys, "report", "--from", "2026-11-07", "--to", "2026-11-08", "--out", str(out)
    )
    assert status == 0 and len(out.read_text(encoding="utf-8-sig").splitlines()) == 1


def test_a_missing_or_foreign_database_is_refused(
    month: Month, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for db, why in (
        (tmp_path / "none.sqlite", "no such file"),
        (month.config, "file is not a database"),
    ):
        status = main(
            [
                "report",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--db",
                str(db),
                "--now",
                str(NOW),
            ]
        )
        err = capsys.readouterr().err
        assert status == 2 and "无法读取数据库" in err and why in err


def test_a_bad_configuration_is_refused(
    month: Month, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[hall]\nname_zh = 1\n", encoding="utf-8")
    status = main(
        [
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--db",
            str(month.db),
            "--config",
            str(bad),
        ]
    )
    err = capsys.readouterr().err
    assert status == 2 and "配置文件有误" in err and "bad.toml" in err


def test_nothing_is_a_traceback_from_the_command_line(month: Month, tmp_path: Path) -> None:
    """The real process: every bad input above ends with a message, not a traceback."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cases = [
        ["report", "--from", "2026-11-30", "--to", "2026-11-01"],
        ["report", "--from", "11/01", "--to", "2026-11-30"],
        ["report", "--from", "2026-11-01", "--to", "2999-01-01"],
        ["report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "pdf"],
        [
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--db",
            str(tmp_path / "x.sqlite"),
        ],
        [
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--out",
            str(tmp_path / "no" / "dir.csv"),
        ],
        ["export", "--platform", "sichuan", "--from", "2026-11-30", "--to", "2026-11-01"],
        [
            "export",
            "--platform",
            "sichuan",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--mapping",
            str(tmp_path / "none.toml"),
        ],
    ]
    for args in cases:
        if "--db" not in args:
            args = [*args, "--db", str(month.db)]
        done = subprocess.run(
            [sys.executable, "-m", "queue_server", *args, "--config", str(month.config)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode in (1, 2), (args, done.stderr)
        assert "Traceback" not in done.stderr and " / " in done.stderr, (args, done.stderr)


def test_missing_or_unknown_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (
        ["report", "--to", "2026-11-30"],
        ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "xlsx"],
        ["export", "--from", "2026-11-01", "--to", "2026-11-30"],
    ):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert "参数有误" in err and "bad arguments" in err, args
