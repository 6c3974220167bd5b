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
                 category_en?,
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
import logging
import re
import zoneinfo
from os import PathLike
from typing import TypeVar
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
from queue_server.tomlcheck import (
    ConfigError,
    LineIndex,
    Table,
    TomlChecker,
    parse_toml,
    read_text,
    show,
)

__all__ = ["ConfigError", "LineIndex", "load_hall", "parse_hall"]

log = logging.getLogger(__name__)

T = TypeVar("T")

MIN_TOKEN_CHARS = 16
MAX_FOLLOWUP_WORKING_DAYS = 15  # 好差评 (国办发〔2019〕51号): 差评 rectified within 15 working days

_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_PREFIX = re.compile(r"[A-Z]{1,2}")
_HHMM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces
_DAY_NAMES = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


def load_hall(path: str | PathLike[str]) -> Hall:
    """Read and validate the hall configuration file at ``path``."""
    source = str(path)
    hall = parse_hall(read_text(path), source)
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
    return _Checker(source, LineIndex(text)).hall(parse_toml(text, source))


class _Checker(TomlChecker):
    """Turns the parsed TOML document into model records, failing at the first problem."""

    def clock(self, value: object, field: str) -> dt.time:
        if isinstance(value, dt.time) and value.tzinfo is None and not value.second:
            return value.replace(microsecond=0)
        if isinstance(value, str) and (match := _HHMM.fullmatch(value)):
            return dt.time(int(match[1]), int(match[2]))
        raise self.fail(field, f'must be a time "HH:MM" (00:00–23:59), got {show(value)}')

    def unique(
        self, seen: dict[T, str], value: T, field: str, what: str, reveal: bool = True
    ) -> None:
        if value in seen:
            shown = f" {show(value)}" if reveal else ""
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
                f"must be an http:// or https:// address, got {show(public_url)}",
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
                f'unknown time zone {show(timezone)}; use an IANA name like "Asia/Shanghai"',
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
        optional = {
            "location_en",
            "category_en",
            "daily_quota",
            "hours",
            "priority",
            "appointments",
        }
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
                    f"{path}.prefix", f"must be 1–2 uppercase Latin letters, got {show(prefix)}"
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
                    category_en=self.text(t, "category_en", path, ""),
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
            raise self.fail(field, f"{rule}, got {show(value)}")

        def day(name: str) -> int:
            name = name.strip().lower()
            number = _DAY_NAMES.get(name) or (int(name) if name.isdigit() else 0)
            if not 1 <= number <= 7:
                raise self.fail(field, f"{rule}, got {show(value)}")
            return number

        days: set[int] = set()
        for part in value.split(","):
            first, _, last = part.partition("-")
            low, high = day(first), day(last) if last else day(first)
            if low > high:
                raise self.fail(field, f"{rule}, got {show(value)}")
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
                    f"got {show(served)}",
                )
            weights = {}
            for code in served:
                field = f"{path}.services.{code}"
                if code not in known:
                    raise self.fail(field, f"unknown service code {show(code)}")
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
                raise self.fail(f"{path}.role", f"must be one of {roles}, got {show(role_name)}")
            role = Role(role_name)
            token = self.text(t, "token", path)
            if len(token) < MIN_TOKEN_CHARS:
                raise self.fail(
                    f"{path}.token",
                    f"must be at least {MIN_TOKEN_CHARS} characters, got {len(token)}",
                )
            if _TOKEN.fullmatch(token) is None:
                raise self.fail(f"{path}.token", "must be printable ASCII without spaces")
            self.unique(tokens, token, f"{path}.token", "token", reveal=False)
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
