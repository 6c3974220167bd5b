"""The managers' command lines: ``report``, ``export`` and ``explore``.

``python -m queue_server report --from 2026-11-01 --to 2026-11-30 --format csv|html|pdf``
``python -m queue_server export --platform sichuan --from … --to …`` (JSON lines)
``python -m queue_server explore --db var/hall.sqlite`` (Datasette, read-only, with a password)

They read the database file read-only. Bad input gets one line on stderr, in Chinese and
English, and exit status 2; a valid range with nothing to show gets exit status 1, except a
CSV, which is then written with its header alone (exit 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from queue_server.config import ConfigError, load_hall
from queue_server.core.days import business_day, local_time
from queue_server.core.model import CallPolicy, Hall
from queue_server.store.reader import LogReader, NotALog

from .export import ADAPTERS, MappingError, collect, load_mapping
from .figures import Tally
from .tables import Names, Report
from .texts import LANGS, Lang, Message

__all__ = ["COMMANDS", "main"]

log = logging.getLogger(__name__)

COMMANDS = ("report", "export", "explore")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
USAGE, NOTHING = 2, 1


class Refusal(Exception):
    """Bad input: the message for stderr and the exit status."""

    def __init__(self, message: Message, status: int = USAGE) -> None:
        super().__init__(str(message))
        self.message = message
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse, with its refusals in Chinese and English like the rest (status 2)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{Message('参数有误：' + message, 'bad arguments: ' + message)}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m queue_server")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--from", dest="first", required=True, help="first business day, YYYY-MM-DD")
        p.add_argument("--to", dest="last", required=True, help="last business day, YYYY-MM-DD")
        p.add_argument("--db", default="var/hall.sqlite", help="the hall's SQLite file (read-only)")
        p.add_argument("--config", help="the hall's TOML file (names, timezone)")
        p.add_argument("--out", help="file to write (default: standard output)")
        p.add_argument("--now", type=float, help=argparse.SUPPRESS)  # tests: the clock

    report = sub.add_parser("report", help="报表 / a report of a range of days")
    common(report)
    report.add_argument("--format", choices=("csv", "html", "pdf"), default="csv")
    report.add_argument("--lang", choices=LANGS, default="zh")

    export = sub.add_parser("export", help="好差评 ratings for a provincial platform")
    common(export)
    export.add_argument("--platform", choices=sorted(ADAPTERS), required=True)
    export.add_argument("--mapping", help="export mapping TOML file (事项 codes, platform codes)")

    explore = sub.add_parser("explore", help="Datasette on the database, read-only, password")
    explore.add_argument("--db", default="var/hall.sqlite")
    explore.add_argument("--host", default="127.0.0.1")
    explore.add_argument("--port", type=int, default=8001)
    explore.add_argument(
        "--hash-password", action="store_true", help="make a password hash to set, and exit"
    )
    return parser


@dataclass(frozen=True)
class _Range:
    first: str
    last: str
    names: Names
    hall: Hall | None


def _day(value: str, what: str) -> str:
    if not _DAY.fullmatch(value):
        raise Refusal(
            Message(
                f"日期格式有误（{what}）：{value!r}，应为 YYYY-MM-DD",
                f"bad date ({what}): {value!r}, expected YYYY-MM-DD",
            )
        )
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise Refusal(
            Message(f"日期不存在（{what}）：{value}", f"no such date ({what}): {value}")
        ) from None


def _range(args: argparse.Namespace) -> _Range:
    first, last = _day(args.first, "--from"), _day(args.last, "--to")
    if first > last:
        raise Refusal(
            Message(
                f"起止日期颠倒：{first} 晚于 {last}", f"reversed range: {first} is after {last}"
            )
        )
    hall: Hall | None = None
    if args.config:
        try:
            hall = load_hall(args.config)
        except ConfigError as exc:
            raise Refusal(Message(f"配置文件有误：{exc}", f"bad configuration: {exc}")) from None
    names = Names.of(hall) if hall else Names()
    policy = hall.policy if hall else CallPolicy(timezone=names.timezone)
    now = args.now if args.now is not None else time.time()
    today = business_day(now, policy)
    if last >= today:
        yesterday = (dt.date.fromisoformat(today) - dt.timedelta(days=1)).isoformat()
        which = "今天" if last == today else "未来的日期"
        raise Refusal(
            Message(
                f"{last} 是{which}，当日尚未结束，不能出报表；最后一个已结束的营业日是 {yesterday}",
                f"{last} is {'today' if last == today else 'in the future'}: the day is not "
                f"closed yet; the last closed business day is {yesterday}",
            )
        )
    return _Range(first, last, names, hall)


def _open(db: str) -> LogReader:
    try:
        return LogReader(db)
    except NotALog as exc:
        raise Refusal(
            Message(
                f"无法读取数据库 {exc.path}：{exc.why}",
                f"cannot read the database {exc.path}: {exc.why}",
            )
        ) from None


def _write(data: bytes, out: str | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise Refusal(
            Message(
                f"无法写入 {out}：{exc.strerror or exc}",
                f"cannot write {out}: {exc.strerror or exc}",
            )
        ) from None


def _empty(r: _Range, reader: LogReader) -> Message:
    first, last = reader.days()
    held = (
        f"数据库中的营业日为 {first} 至 {last}" if first else "数据库中还没有任何事件",
        f"the database holds {first} to {last}" if first else "the database holds no events yet",
    )
    return Message(
        f"{r.first} 至 {r.last} 没有任何事件（{held[0]}）",
        f"no events from {r.first} to {r.last} ({held[1]})",
    )


def report(args: argparse.Namespace) -> int:
    r = _range(args)
    lang: Lang = args.lang
    with _open(args.db) as reader:
        tally = Tally(r.names.timezone, first_day=r.first, last_day=r.last)
        tally.add_all(reader.events(r.first, r.last))
        now = args.now if args.now is not None else time.time()
        names = r.names
        if not names.hall_zh:
            hall_id = reader.hall() or ""
            names = Names(hall_zh=hall_id, hall_en=hall_id, timezone=names.timezone)
        result = Report(
            r.first,
            r.last,
            names,
            tally.figures(),
            local_time(now, names.timezone).strftime("%Y-%m-%d %H:%M"),
        )
        if result.empty:
            message = _empty(r, reader)
            if args.format != "csv":
                raise Refusal(message, NOTHING)
            sys.stderr.write(f"{message}\n")
    if args.format == "csv":
        from .csvfile import render_csv

        _write(render_csv(result, lang), args.out)
    elif args.format == "html":
        from .document import render_html

        _write(render_html(result, lang).encode("utf-8"), args.out)
    else:
        from .document import render_pdf

        _write(render_pdf(result, lang), args.out)
    return 0


def export(args: argparse.Namespace) -> int:
    r = _range(args)
    try:
        mapping = load_mapping(args.mapping)
    except MappingError as exc:
        raise Refusal(Message(f"导出对照表有误：{exc}", f"bad export mapping: {exc}")) from None
    adapter = ADAPTERS[args.platform]
    with _open(args.db) as reader:
        hall = r.hall.id if r.hall else (reader.hall() or "hall")
        names = r.names
        events: list[dict[str, Any]] = list(reader.events(r.first, r.last))
        events += reader.followup_events(after_day=r.last)
        records = collect(events, names, mapping, hall, r.first, r.last)
        if not records and not any(e["type"] == "ticket_issued" for e in events):
            raise Refusal(_empty(r, reader), NOTHING)
    lines = [
        json.dumps(adapter(rec, mapping), ensure_ascii=False, sort_keys=False) for rec in records
    ]
    _write("".join(line + "\n" for line in lines).encode("utf-8"), args.out)
    log.info("exported %d ratings for %s", len(lines), args.platform)
    return 0


def main(argv: list[str]) -> int:
    """Run one of COMMANDS; never a traceback for bad input."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level="WARNING", format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        if args.command == "report":
            return report(args)
        if args.command == "export":
            return export(args)
        from .explore import explore

        return explore(args)
    except Refusal as exc:
        sys.stderr.write(f"{exc.message}\n")
        return exc.status
