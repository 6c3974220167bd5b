"""The hall configuration: one TOML file, validated at start into a `Hall`.

A bad file is refused with a `ConfigError` naming the file, the line, the field and the
problem, e.g. ``config/demo-hall.toml:57: services[3].prefix: must be 1–2 uppercase Latin
letters, got "a1"``. Field paths count entries from 0: ``services[3]`` is the fourth
``[[services]]`` table. Checking stops at the first problem.

Schema (see ``config/demo-hall.toml`` for a complete, commented hall)::

    [hall]       name_zh, name_en, public_url?
    [policy]?    normal_per_priority? (≥1), max_wait_minutes? (≥1), day_start? "HH:MM",
                 timezone? (IANA name)
    [ratings]?   invite_window_seconds?, followup_working_days?
    [[services]] code, name_zh, name_en, prefix, category, location_zh, location_en?,
                 daily_quota?, hours?, priority?, appointments?
    [[windows]]  number, name, services = { CODE = weight, ... }
    [[staff]]    id, name, pin_hash (from ``python -m queue_server.pins``)
    [[devices]]  id, role, token (≥16 characters), window?

Opening hours: ``hours = [{days = "1-5", start = "09:00", end = "12:00"}, ...]``; days are
ISO weekdays (1 = Monday … 7 = Sunday) or English abbreviations, as ranges and lists
("1-5", "6", "1-3,5", "mon-fri", "sat"); start < end on the same day. No ``hours``: open
around the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import tomllib
import zoneinfo
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from queue_server.core.model import (
    CallPolicy,
    Device,
    Hall,
    OpeningPeriod,
    RatingPolicy,
    Role,
    Service,
    Staff,
    Window,
)
from queue_server.pins import is_pin_hash

log = logging.getLogger(__name__)

T = TypeVar("T")
Table = dict[str, Any]

MIN_TOKEN_CHARS = 16
MAX_FOLLOWUP_WORKING_DAYS = 15  # 好差评 (国办发〔2019〕51号): 差评 rectified within 15 working days

_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_PREFIX = re.compile(r"[A-Z]{1,2}")
_HHMM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces
_DAY_NAMES = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}
_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)$")


class ConfigError(Exception):
    """The hall configuration cannot be used; says where (source, line, field) and why."""

    def __init__(self, source: str, line: int | None, field: str | None, problem: str) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.problem = problem
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {problem}" if field is None else f"{where}: {field}: {problem}")


def load_hall(path: str | PathLike[str]) -> Hall:
    """Read and validate the hall configuration file at ``path``."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(source, None, None, f"cannot read the file: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")  # tolerate the BOM that Windows Notepad adds
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            source, line, None, "the file is not UTF-8 (save it with UTF-8 encoding)"
        ) from exc
    hall = parse_hall(text, source)
    log.info(
        "hall configuration %s: %s, %d services, %d windows, %d staff, %d devices",
        source,
        hall.name_en or hall.name_zh,
        len(hall.services),
        len(hall.windows),
        len(hall.staff),
        len(hall.devices),
    )
    return hall


def parse_hall(text: str, source: str = "<config>") -> Hall:
    """Validate TOML ``text`` into a `Hall`; ``source`` names the text in error messages."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        if match is None:
            line = None
        elif match[1] is not None:
            line = int(match[1])
        else:
            line = max(1, len(text.splitlines()))
        problem = message[: match.start()] if match else message
        raise ConfigError(source, line, None, f"TOML syntax error: {problem}") from exc
    return _Checker(source, LineIndex(text)).hall(doc)


# --- where things are in the text --------------------------------------------------------

_BARE = r"[A-Za-z0-9_-]+"
_KEY_PART = rf'(?:{_BARE}|"[^"\\]*"|\'[^\']*\')'
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER_LINE = re.compile(rf"\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_KEY_LINE = re.compile(rf"\s*({_DOTTED})\s*=\s*")
_PART = re.compile(_KEY_PART)


def _parts(dotted: str) -> list[str]:
    return [p.strip("\"'") for p in _PART.findall(dotted)]


class LineIndex:
    """Line numbers of table headers, keys and array elements, by field path.

    A small scanner over the text (tomllib keeps no positions): it follows ``[table]`` and
    ``[[array]]`` headers, ``key =`` lines and the elements of array values, which may span
    lines. Paths look like ``services[3].hours[1]``.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[str, int] = {}
        self._counts: dict[str, int] = {}
        table = ""
        array: _ArrayScan | None = None
        string_end: str | None = None
        for number, line in enumerate(text.splitlines(), 1):
            if string_end is not None:  # inside a multi-line string
                if line.count(string_end) % 2 == 1:
                    string_end = None
                continue
            if array is not None:
                array = array.feed(line, number)
                continue
            header = _HEADER_LINE.match(line)
            if header:
                table = self._enter(_parts(header[2]), header[1] == "[[")
                self._lines.setdefault(table, number)
                continue
            key = _KEY_LINE.match(line)
            if key is None:
                continue
            path = _join(table, ".".join(_parts(key[1])))
            self._lines.setdefault(path, number)
            value = line[key.end() :]
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    string_end = quote
            if value.startswith("["):
                array = _ArrayScan(path, self._lines).feed(value, number)

    def _enter(self, parts: list[str], is_array: bool) -> str:
        path = ""
        for part in parts[:-1]:
            path = _join(path, part)
            if path in self._counts:
                path = f"{path}[{self._counts[path] - 1}]"
        path = _join(path, parts[-1])
        if is_array:
            index = self._counts.get(path, 0)
            self._counts[path] = index + 1
            path = f"{path}[{index}]"
        return path

    def line_of(self, field: str) -> int | None:
        """The line of ``field``, else of the nearest enclosing key or table that has one."""
        while field:
            if field in self._lines:
                return self._lines[field]
            field = re.sub(r"(\[\d+\]|\.[^.\[\]]+|^[^.\[\]]+)$", "", field)
        return None


class _ArrayScan:
    """Follows an array value across lines, noting the line each element starts on."""

    def __init__(self, path: str, lines: dict[str, int]) -> None:
        self._path, self._lines = path, lines
        self._depth, self._index, self._expect = 0, 0, False
        self._quote: str | None = None

    def feed(self, text: str, number: int) -> _ArrayScan | None:
        chars = iter(text)
        for ch in chars:
            if self._quote is not None:
                if ch == "\\" and self._quote == '"':
                    next(chars, None)
                elif ch == self._quote:
                    self._quote = None
                continue
            if ch == "#":
                break
            if self._depth == 1 and self._expect and ch not in " \t,]":
                self._lines.setdefault(f"{self._path}[{self._index}]", number)
                self._index += 1
                self._expect = False
            if ch in "\"'":
                self._quote = ch
            elif ch in "[{":
                self._depth += 1
                self._expect = self._depth == 1
            elif ch in "]}":
                self._depth -= 1
                if self._depth == 0:
                    return None
            elif ch == "," and self._depth == 1:
                self._expect = True
        return self


def _join(table: str, key: str) -> str:
    return f"{table}.{key}" if table else key


# --- checking values ---------------------------------------------------------------------


def _show(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


class _Checker:
    """Turns the parsed TOML document into model records, failing at the first problem."""

    def __init__(self, source: str, lines: LineIndex) -> None:
        self.source, self.lines = source, lines

    def fail(self, field: str, problem: str) -> ConfigError:
        return ConfigError(self.source, self.lines.line_of(field), field, problem)

    # generic shapes

    def table(
        self,
        value: object,
        path: str,
        required: set[str],
        optional: set[str],
        hints: dict[str, str] | None = None,
    ) -> Table:
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a table, got {_show(value)}")
        for key in value:
            if key in (hints or {}):
                raise self.fail(_join(path, key), (hints or {})[key])
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.fail(_join(path, key), f"unknown key (typo?); allowed here: {allowed}")
        for key in sorted(required):
            if key not in value:
                missing = (
                    f"required table [{key}] is missing"
                    if not path
                    else "required field is missing"
                )
                raise self.fail(_join(path, key), missing)
        return value

    def tables(self, doc: Table, name: str, *, required: bool) -> Iterator[tuple[str, Any]]:
        items = doc.get(name)
        if items is None:
            if required:
                raise self.fail(name, f"at least one [[{name}]] table is required")
            return
        if not isinstance(items, list):
            raise self.fail(name, f"must be an array of tables written [[{name}]]")
        if required and not items:
            raise self.fail(name, f"at least one [[{name}]] table is required")
        for index, item in enumerate(items):
            yield f"{name}[{index}]", item

    def text(self, t: Table, key: str, path: str, default: str | None = None) -> str:
        value = t.get(key, default)
        field = _join(path, key)
        if not isinstance(value, str):
            hint = f' (quote it: "{value}")' if isinstance(value, int | float) else ""
            raise self.fail(field, f"must be a string, got {_show(value)}{hint}")
        if key in t and not value.strip():
            raise self.fail(field, "must not be empty")
        return value

    def pattern(self, t: Table, key: str, path: str, regex: re.Pattern[str], rule: str) -> str:
        value = self.text(t, key, path)
        if regex.fullmatch(value) is None:
            raise self.fail(_join(path, key), f"must be {rule}, got {_show(value)}")
        return value

    def integer(self, t: Table, key: str, path: str, default: int, low: int, high: int) -> int:
        value = t.get(key, default)
        field = _join(path, key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(field, f"must be a whole number, got {_show(value)}")
        if not low <= value <= high:
            raise self.fail(field, f"must be between {low} and {high}, got {value}")
        return value

    def flag(self, t: Table, key: str, path: str, default: bool) -> bool:
        value = t.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(_join(path, key), f"must be true or false, got {_show(value)}")
        return value

    def clock(self, value: object, field: str) -> dt.time:
        if isinstance(value, dt.time) and value.tzinfo is None and not value.second:
            return value.replace(microsecond=0)
        if isinstance(value, str) and (match := _HHMM.fullmatch(value)):
            return dt.time(int(match[1]), int(match[2]))
        raise self.fail(field, f'must be a time "HH:MM" (00:00–23:59), got {_show(value)}')

    def unique(
        self, seen: dict[T, str], value: T, field: str, what: str, show: bool = True
    ) -> None:
        if value in seen:
            shown = f" {_show(value)}" if show else ""
            first = seen[value]
            line = self.lines.line_of(first)
            at = f"{first} (line {line})" if line is not None else first
            raise self.fail(field, f"duplicate {what}{shown}, already used by {at}")
        seen[value] = field.rsplit(".", 1)[0]

    # the document

    def hall(self, doc: Table) -> Hall:
        self.table(
            doc,
            "",
            {"hall"},
            {"policy", "ratings", "services", "windows", "staff", "devices"},
        )
        head = self.table(doc["hall"], "hall", {"name_zh", "name_en"}, {"public_url"})
        public_url = self.text(head, "public_url", "hall", "http://localhost:8765")
        url = urlsplit(public_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise self.fail(
                "hall.public_url",
                f"must be an http:// or https:// address, got {_show(public_url)}",
            )
        policy = self.policy(doc.get("policy", {}))
        services = self.services(doc, policy.day_start)
        windows = self.windows(doc, services)
        return Hall(
            name_zh=self.text(head, "name_zh", "hall"),
            name_en=self.text(head, "name_en", "hall"),
            services=services,
            windows=windows,
            staff=self.staff(doc),
            devices=self.devices(doc, {w.number for w in windows}),
            policy=policy,
            ratings=self.ratings(doc.get("ratings", {})),
            public_url=public_url.rstrip("/"),
        )

    def policy(self, value: object) -> CallPolicy:
        keys = {"normal_per_priority", "max_wait_minutes", "day_start", "timezone"}
        t = self.table(value, "policy", set(), keys)
        default = CallPolicy()
        timezone = self.text(t, "timezone", "policy", default.timezone)
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                "policy.timezone",
                f'unknown time zone {_show(timezone)}; use an IANA name like "Asia/Shanghai"',
            ) from None
        return CallPolicy(
            normal_per_priority=self.integer(
                t, "normal_per_priority", "policy", default.normal_per_priority, 1, 100
            ),
            max_wait_s=60
            * self.integer(t, "max_wait_minutes", "policy", default.max_wait_s // 60, 1, 24 * 60),
            day_start=self.clock(t.get("day_start", "00:00"), "policy.day_start"),
            timezone=timezone,
        )

    def ratings(self, value: object) -> RatingPolicy:
        keys = {"invite_window_seconds", "followup_working_days"}
        t = self.table(value, "ratings", set(), keys)
        default = RatingPolicy()
        return RatingPolicy(
            invite_window_s=self.integer(
                t, "invite_window_seconds", "ratings", default.invite_window_s, 10, 3600
            ),
            followup_working_days=self.integer(
                t,
                "followup_working_days",
                "ratings",
                default.followup_working_days,
                1,
                MAX_FOLLOWUP_WORKING_DAYS,
            ),
        )

    def services(self, doc: Table, day_start: dt.time) -> tuple[Service, ...]:
        required = {"code", "name_zh", "name_en", "prefix", "category", "location_zh"}
        optional = {"location_en", "daily_quota", "hours", "priority", "appointments"}
        codes: dict[str, str] = {}
        prefixes: dict[str, str] = {}
        result = []
        for path, value in self.tables(doc, "services", required=True):
            t = self.table(value, path, required, optional)
            code = self.pattern(
                t, "code", path, _CODE, "a letter then up to 31 letters, digits, _ or -"
            )
            self.unique(codes, code, f"{path}.code", "service code")
            prefix = self.text(t, "prefix", path)
            if _PREFIX.fullmatch(prefix) is None:
                raise self.fail(
                    f"{path}.prefix", f"must be 1–2 uppercase Latin letters, got {_show(prefix)}"
                )
            self.unique(prefixes, prefix, f"{path}.prefix", "ticket prefix")
            quota = t.get("daily_quota")
            if quota is not None:
                quota = self.integer(t, "daily_quota", path, 0, 1, 9999)
            result.append(
                Service(
                    code=code,
                    name_zh=self.text(t, "name_zh", path),
                    name_en=self.text(t, "name_en", path),
                    prefix=prefix,
                    category=self.text(t, "category", path),
                    location_zh=self.text(t, "location_zh", path),
                    location_en=self.text(t, "location_en", path, ""),
                    daily_quota=quota,
                    hours=self.hours(t.get("hours", []), f"{path}.hours", day_start),
                    priority=self.flag(t, "priority", path, True),
                    appointments=self.flag(t, "appointments", path, True),
                )
            )
        return tuple(result)

    def hours(self, value: object, path: str, day_start: dt.time) -> tuple[OpeningPeriod, ...]:
        if not isinstance(value, list):
            raise self.fail(
                path, 'must be an array like [{days = "1-5", start = "09:00", end = "12:00"}]'
            )
        periods: list[OpeningPeriod] = []
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            t = self.table(item, where, {"days", "start", "end"}, set())
            start = self.clock(t["start"], f"{where}.start")
            end = self.clock(t["end"], f"{where}.end")
            if start >= end:
                raise self.fail(
                    where, f"start {start:%H:%M} must be before end {end:%H:%M} (same day)"
                )
            if start < day_start < end:
                raise self.fail(
                    where, f"must not span the start of the business day {day_start:%H:%M}"
                )
            period = OpeningPeriod(self.weekdays(t["days"], f"{where}.days"), start, end)
            for other_index, other in enumerate(periods):
                common = period.weekdays & other.weekdays
                if common and start < other.end and other.start < end:
                    raise self.fail(
                        where, f"overlaps {path}[{other_index}] on weekday {min(common)}"
                    )
            periods.append(period)
        return tuple(periods)

    def weekdays(self, value: object, field: str) -> frozenset[int]:
        rule = 'must be ISO weekdays like "1-5", "6" or "mon-fri" (1 = Monday … 7 = Sunday)'
        if not isinstance(value, str):
            raise self.fail(field, f"{rule}, got {_show(value)}")

        def day(name: str) -> int:
            name = name.strip().lower()
            number = _DAY_NAMES.get(name) or (int(name) if name.isdigit() else 0)
            if not 1 <= number <= 7:
                raise self.fail(field, f"{rule}, got {_show(value)}")
            return number

        days: set[int] = set()
        for part in value.split(","):
            first, _, last = part.partition("-")
            low, high = day(first), day(last) if last else day(first)
            if low > high:
                raise self.fail(field, f"{rule}, got {_show(value)}")
            days.update(range(low, high + 1))
        return frozenset(days)

    def windows(self, doc: Table, services: tuple[Service, ...]) -> tuple[Window, ...]:
        known = {s.code for s in services}
        numbers: dict[int, str] = {}
        result = []
        for path, value in self.tables(doc, "windows", required=True):
            t = self.table(value, path, {"number", "name", "services"}, set())
            number = self.integer(t, "number", path, 0, 1, 9999)
            self.unique(numbers, number, f"{path}.number", "window number")
            served = t["services"]
            if not isinstance(served, dict) or not served:
                raise self.fail(
                    f"{path}.services",
                    f"must be a table of service code = weight, like {{ SB = 3, YB = 1 }}, "
                    f"got {_show(served)}",
                )
            weights = {}
            for code in served:
                field = f"{path}.services.{code}"
                if code not in known:
                    raise self.fail(field, f"unknown service code {_show(code)}")
                weights[code] = self.integer(served, code, f"{path}.services", 0, 1, 1000)
            result.append(Window(number, self.text(t, "name", path), weights))
        served_codes = {code for w in result for code in w.services}
        for index, service in enumerate(services):
            if service.code not in served_codes:
                raise self.fail(f"services[{index}].code", "no window serves this service")
        return tuple(result)

    def staff(self, doc: Table) -> tuple[Staff, ...]:
        plain_pin = (
            "a plain PIN must not be stored; hash it with `python -m queue_server.pins` "
            "and write the printed pin_hash line instead"
        )
        ids: dict[str, str] = {}
        result = []
        for path, value in self.tables(doc, "staff", required=False):
            t = self.table(value, path, {"id", "name", "pin_hash"}, set(), {"pin": plain_pin})
            staff_id = self.pattern(t, "id", path, _ID, "letters, digits, _ . or -")
            self.unique(ids, staff_id, f"{path}.id", "staff id")
            pin_hash = self.text(t, "pin_hash", path)
            if not is_pin_hash(pin_hash):
                raise self.fail(
                    f"{path}.pin_hash",
                    'must look like "scrypt$<salt hex>$<hash hex>"; '
                    "make one with `python -m queue_server.pins`",
                )
            result.append(Staff(staff_id, self.text(t, "name", path), pin_hash))
        return tuple(result)

    def devices(self, doc: Table, windows: set[int]) -> tuple[Device, ...]:
        roles = ", ".join(r.value for r in Role)
        ids: dict[str, str] = {}
        tokens: dict[str, str] = {}
        result = []
        for path, value in self.tables(doc, "devices", required=False):
            t = self.table(value, path, {"id", "role", "token"}, {"window"})
            device_id = self.pattern(t, "id", path, _ID, "letters, digits, _ . or -")
            self.unique(ids, device_id, f"{path}.id", "device id")
            role_name = self.text(t, "role", path)
            if role_name not in {r.value for r in Role}:
                raise self.fail(f"{path}.role", f"must be one of {roles}, got {_show(role_name)}")
            role = Role(role_name)
            token = self.text(t, "token", path)
            if len(token) < MIN_TOKEN_CHARS:
                raise self.fail(
                    f"{path}.token",
                    f"must be at least {MIN_TOKEN_CHARS} characters, got {len(token)}",
                )
            if _TOKEN.fullmatch(token) is None:
                raise self.fail(f"{path}.token", "must be printable ASCII without spaces")
            self.unique(tokens, token, f"{path}.token", "token", show=False)
            window = None
            if "window" in t:
                window = self.integer(t, "window", path, 0, 1, 9999)
                if role in (Role.KIOSK, Role.MANAGER):
                    raise self.fail(
                        f"{path}.window", f"a {role} device does not belong to a window"
                    )
                if window not in windows:
                    raise self.fail(f"{path}.window", f"no [[windows]] entry has number {window}")
            result.append(Device(device_id, role, token, window))
        return tuple(result)
