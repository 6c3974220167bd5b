"""The hall configuration: one TOML file, validated at start into a `Hall`.

The file is decoded by msgspec into the types below (`tomlcheck.decode`: types, bounds,
patterns, unknown keys), then the rules across fields are checked (unique codes, windows of
known services, opening hours). A bad file is refused with a `ConfigError` naming the file,
the line, the field and the problem, e.g. ``config/demo-hall.toml:57: services[3].prefix:
must be 1–2 uppercase Latin letters, got "a1"``. Field paths count entries from 0:
``services[3]`` is the fourth ``[[services]]`` table. Checking stops at the first problem.

Schema (see ``config/demo-hall.toml`` for a complete, commented hall)::

    [hall]       name_zh, name_en, public_url?, id?
    [policy]?    normal_per_priority? (≥1), max_wait_minutes? (≥1), day_start? "HH:MM",
                 timezone? (IANA name)
    [ratings]?   invite_window_seconds?, moments? (of "before", "during", "after"),
                 contact_hours?, feedback_days?, resolve_days? (followup_working_days: the
                 older name of resolve_days)
    [calendar]?  hours? [{start, end}, ...], weekdays? "1-5", holidays? [dates],
                 workdays? [dates] (调休: weekend days worked)
    [[services]] code, name_zh, name_en, prefix, category, location_zh, location_en?,
                 category_en?,
                 daily_quota?, hours?, priority?, appointments?, appointment_slots?
                 (预约时段: [{days, start, end, every (minutes), capacity}, ...])
    [[windows]]  number, name, services = { CODE = weight, ... }, booked_only_hours?
                 (预约延时服务: [{days, start, end}, ...] when only booked tickets are called)
    [appointments]? early_minutes? (30), late_minutes? (15), days_ahead? (7), secret? (the
                 key of citizen hashes, ≥16 characters)
    [[staff]]    id, name, pin_hash (from ``python -m queue_server.pins``),
                 roles? (["clerk"] by default; "manager" may log in on the manager's wall;
                 "agent", a 帮办代办员, on an agent device)
    [[devices]]  id, role, token (≥16 characters), window?, zone? (a display's [[zones]] name)
    [[zones]]?   name, name_zh, name_en?, windows = [numbers]  (web board: /board?zone=name)
    [[bundles]]? code, name_zh, name_en, prefix?, services = [codes, in their order]
                 (一件事一次办: one ticket for the services, served step by step; prefix: its
                 own ticket prefix, else its first service's)
    [alerts]?    wait_minutes?, quota_left?, silent_minutes?, followup_warn_hours?
    [remote]?    enabled?, secret (≥16 characters when enabled), checkin_minutes?,
                 hold_ahead?, per_service_hour?, per_citizen_day?, per_address_hour?
                 (远程取号 on the phone page /take; see queue_server/core/remote.py)

好差评 moments: 未办先评 ("before", the hall itself), 边办边评 ("during"), 办后再评
("after", the default). A 差评's work order runs three clocks on working time (the 2110 rule
by default: contact within 2 working hours, feedback within 1 working day, resolved within 10
working days). Working time is the ``[calendar]``: working hours (default 09:00–12:00 and
13:30–17:30), working weekdays, public holidays and make-up working days, as dates
(``2026-10-01`` or ``"2026-10-01"``), in the hall's timezone.

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
from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Annotated, ClassVar, TypeVar

import msgspec
from msgspec import Meta

from queue_server.core.model import (
    AlertPolicy,
    AppointmentPolicy,
    Bundle,
    CallPolicy,
    Device,
    Hall,
    OpeningPeriod,
    RatingMoment,
    RatingPolicy,
    RemotePolicy,
    Role,
    Service,
    SlotRule,
    Staff,
    StaffRole,
    Window,
    WorkCalendar,
    Zone,
)
from queue_server.pins import is_pin_hash
from queue_server.tomlcheck import (
    SECRET,
    ConfigError,
    LineIndex,
    Text,
    TomlTable,
    decode,
    parse_toml,
    read_text,
    show,
)

__all__ = ["ConfigError", "LineIndex", "load_hall", "parse_hall"]

log = logging.getLogger(__name__)

T = TypeVar("T")

MIN_TOKEN_CHARS = 16
MAX_FOLLOWUP_WORKING_DAYS = 15  # 好差评 (国办发〔2019〕51号): 差评 rectified within 15 working days

_HHMM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_DAY_NAMES = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}
_DAYS_RULE = 'must be ISO weekdays like "1-5", "6" or "mon-fri" (1 = Monday … 7 = Sunday)'
_CODE = r"^[A-Za-z][A-Za-z0-9_-]{0,31}$", "a letter then up to 31 letters, digits, _ or -"
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", "letters, digits, _ . or -"
_URL = r"(?i)^https?://[^/?#\s]", "an http:// or https:// address"
_HOURS = 'an array like [{days = "1-5", start = "09:00", end = "12:00"}]'
_WEIGHTS = "a table of service code = weight, like { SB = 3, YB = 1 }"
_POLICY, _RATINGS, _CALENDAR = CallPolicy(), RatingPolicy(), WorkCalendar()
_ALERTS = AlertPolicy()
_REMOTE = RemotePolicy()
MAX_CONTACT_HOURS = 72


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
    lines = LineIndex(text)
    return _Rules(source, lines).hall(decode(parse_toml(text, source), _HallFile, source, lines))


# --- the file's types (decoded by msgspec) ------------------------------------------------


class Day(dt.date):
    """A date: a TOML local date or "YYYY-MM-DD"."""

    @classmethod
    def from_toml(cls, value: object) -> Day:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return cls(value.year, value.month, value.day)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                pass
            else:
                return cls(day.year, day.month, day.day)
        raise ValueError(f'must be a date like 2026-10-01 or "2026-10-01", got {show(value)}')


class Clock(dt.time):
    """A time of day: "HH:MM" or a TOML local time, in whole minutes."""

    @classmethod
    def from_toml(cls, value: object) -> Clock:
        if isinstance(value, dt.time) and value.tzinfo is None and not value.second:
            return cls(value.hour, value.minute)
        if isinstance(value, str) and (match := _HHMM.fullmatch(value)):
            return cls(int(match[1]), int(match[2]))
        raise ValueError(f'must be a time "HH:MM" (00:00–23:59), got {show(value)}')


Code = Annotated[str, Meta(pattern=_CODE[0], description=_CODE[1])]
Id = Annotated[str, Meta(pattern=_ID[0], description=_ID[1])]
Prefix = Annotated[str, Meta(pattern=r"^[A-Z]{1,2}$", description="1–2 uppercase Latin letters")]
Number = Annotated[int, Meta(ge=1, le=9999)]  # window numbers, daily quotas
Weight = Annotated[int, Meta(ge=1, le=1000)]
Token = Annotated[
    str,
    Meta(
        min_length=MIN_TOKEN_CHARS,
        pattern=r"^[\x21-\x7e]+$",
        description="printable ASCII without spaces",
        extra=SECRET,
    ),
]


class _Head(TomlTable, frozen=True):
    name_zh: Text
    name_en: Text
    id: Code = "hall"  # the hall's id in a city's central store; every event carries it
    public_url: Annotated[str, Meta(pattern=_URL[0], description=_URL[1])] = "http://localhost:8765"


class _Policy(TomlTable, frozen=True):
    normal_per_priority: Annotated[int, Meta(ge=1, le=100)] = _POLICY.normal_per_priority
    max_wait_minutes: Annotated[int, Meta(ge=1, le=24 * 60)] = _POLICY.max_wait_s // 60
    day_start: Clock = Clock(0, 0)
    timezone: Text = _POLICY.timezone


ResolveDays = Annotated[int, Meta(ge=1, le=MAX_FOLLOWUP_WORKING_DAYS)]


class _Ratings(TomlTable, frozen=True):
    invite_window_seconds: Annotated[int, Meta(ge=10, le=3600)] = _RATINGS.invite_window_s
    moments: Annotated[tuple[RatingMoment, ...], Meta(min_length=1)] = (RatingMoment.AFTER,)
    contact_hours: Annotated[float, Meta(gt=0, le=MAX_CONTACT_HOURS)] = _RATINGS.contact_hours
    feedback_days: ResolveDays = _RATINGS.feedback_days
    resolve_days: ResolveDays | None = None
    followup_working_days: ResolveDays | None = None  # the older name of resolve_days


class _Period(TomlTable, frozen=True):
    start: Clock
    end: Clock


def _working_hours() -> tuple[_Period, ...]:
    return tuple(
        _Period(start=Clock(a.hour, a.minute), end=Clock(b.hour, b.minute))
        for a, b in _CALENDAR.hours
    )


class _Alerts(TomlTable, frozen=True):
    wait_minutes: Annotated[int, Meta(ge=1, le=24 * 60)] = _ALERTS.wait_s // 60
    quota_left: Annotated[int, Meta(ge=0, le=9999)] = _ALERTS.quota_left
    silent_minutes: Annotated[int, Meta(ge=1, le=24 * 60)] = _ALERTS.silent_s // 60
    followup_warn_hours: Annotated[int, Meta(ge=0, le=240)] = _ALERTS.followup_warn_s // 3600


class _Remote(TomlTable, frozen=True):
    enabled: bool = False
    secret: Annotated[str, Meta(max_length=200, extra=SECRET)] = ""
    checkin_minutes: Annotated[int, Meta(ge=1, le=240)] = _REMOTE.checkin_minutes
    hold_ahead: Annotated[int, Meta(ge=0, le=100)] = _REMOTE.hold_ahead
    per_service_hour: Annotated[int, Meta(ge=1, le=9999)] = _REMOTE.per_service_hour
    per_citizen_day: Annotated[int, Meta(ge=1, le=99)] = _REMOTE.per_citizen_day
    per_address_hour: Annotated[int, Meta(ge=1, le=9999)] = _REMOTE.per_address_hour


class _Calendar(TomlTable, frozen=True):
    hours: Annotated[
        tuple[_Period, ...],
        Meta(
            min_length=1, description='at least one period like [{start = "09:00", end = "12:00"}]'
        ),
    ] = msgspec.field(default_factory=_working_hours)
    weekdays: str = "1-5"  # parsed by `_Rules.weekdays`
    holidays: tuple[Day, ...] = ()
    workdays: tuple[Day, ...] = ()


class _Hours(TomlTable, frozen=True):
    days: str  # parsed by `_Rules.weekdays`
    start: Clock
    end: Clock


class _Slots(TomlTable, frozen=True):
    days: str  # parsed by `_Rules.weekdays`
    start: Clock
    end: Clock
    every: Annotated[int, Meta(ge=5, le=240)]  # minutes per slot
    capacity: Annotated[int, Meta(ge=1, le=999)]


_APPOINTMENTS = AppointmentPolicy()


class _Appointments(TomlTable, frozen=True):
    early_minutes: Annotated[int, Meta(ge=0, le=240)] = _APPOINTMENTS.early_s // 60
    late_minutes: Annotated[int, Meta(ge=0, le=240)] = _APPOINTMENTS.late_s // 60
    days_ahead: Annotated[int, Meta(ge=0, le=60)] = _APPOINTMENTS.days_ahead
    secret: Token | None = None


class _Service(TomlTable, frozen=True):
    code: Code
    name_zh: Text
    name_en: Text
    prefix: Prefix
    category: Text
    location_zh: Text
    location_en: Text = ""
    category_en: Text = ""
    daily_quota: Number | None = None
    hours: Annotated[tuple[_Hours, ...], Meta(description=_HOURS)] = ()
    priority: bool = True
    appointments: bool = True
    appointment_slots: tuple[_Slots, ...] = ()


class _Window(TomlTable, frozen=True):
    number: Number
    name: Text
    services: Annotated[dict[str, Weight], Meta(min_length=1, description=_WEIGHTS)]
    booked_only_hours: Annotated[tuple[_Hours, ...], Meta(description=_HOURS)] = ()


class _Staff(TomlTable, frozen=True):
    id: Id
    name: Text
    pin_hash: Text
    roles: Annotated[tuple[StaffRole, ...], Meta(min_length=1)] = (StaffRole.CLERK,)
    hints: ClassVar[Mapping[str, str]] = {
        "pin": "a plain PIN must not be stored; hash it with `python -m queue_server.pins` "
        "and write the printed pin_hash line instead"
    }


class _Device(TomlTable, frozen=True):
    id: Id
    role: Role
    token: Token
    window: Number | None = None
    zone: Code | None = None


class _Zone(TomlTable, frozen=True):
    name: Code
    name_zh: Text
    windows: Annotated[tuple[Number, ...], Meta(min_length=1)]
    name_en: Text = ""


class _Bundle(TomlTable, frozen=True):
    code: Code
    name_zh: Text
    name_en: Text
    services: Annotated[tuple[Code, ...], Meta(min_length=2, description="at least two services")]
    prefix: Prefix | None = None


class _HallFile(TomlTable, frozen=True):
    hall: _Head
    services: Annotated[tuple[_Service, ...], Meta(min_length=1)]
    windows: Annotated[tuple[_Window, ...], Meta(min_length=1)]
    policy: _Policy = msgspec.field(default_factory=_Policy)
    ratings: _Ratings = msgspec.field(default_factory=_Ratings)
    alerts: _Alerts = msgspec.field(default_factory=_Alerts)
    remote: _Remote = msgspec.field(default_factory=_Remote)
    calendar: _Calendar = msgspec.field(default_factory=_Calendar)
    staff: tuple[_Staff, ...] = ()
    devices: tuple[_Device, ...] = ()
    zones: tuple[_Zone, ...] = ()
    bundles: tuple[_Bundle, ...] = ()
    appointments: _Appointments = msgspec.field(default_factory=_Appointments)


# --- the rules across fields --------------------------------------------------------------


class _Rules:
    """Turns the decoded file into model records, failing at the first broken rule."""

    def __init__(self, source: str, lines: LineIndex) -> None:
        self.source, self.lines = source, lines

    def fail(self, field: str, problem: str) -> ConfigError:
        return ConfigError(self.source, self.lines.line_of(field), field, problem)

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

    def hall(self, file: _HallFile) -> Hall:
        policy = self.policy(file.policy)
        services = self.services(file.services, policy.day_start)
        windows = self.windows(file.windows, services)
        return Hall(
            name_zh=file.hall.name_zh,
            name_en=file.hall.name_en,
            services=services,
            windows=windows,
            staff=self.staff(file.staff),
            devices=self.devices(
                file.devices, {w.number for w in windows}, {z.name for z in file.zones}
            ),
            policy=policy,
            ratings=self.ratings(file.ratings),
            calendar=self.calendar(file.calendar),
            public_url=file.hall.public_url.rstrip("/"),
            id=file.hall.id,
            zones=self.zones(file.zones, {w.number for w in windows}),
            bundles=self.bundles(file.bundles, services),
            appointments=AppointmentPolicy(
                early_s=60 * file.appointments.early_minutes,
                late_s=60 * file.appointments.late_minutes,
                days_ahead=file.appointments.days_ahead,
                secret=file.appointments.secret or "",
            ),
            alerts=AlertPolicy(
                wait_s=60 * file.alerts.wait_minutes,
                quota_left=file.alerts.quota_left,
                silent_s=60 * file.alerts.silent_minutes,
                followup_warn_s=3600 * file.alerts.followup_warn_hours,
            ),
            remote=self.remote(file.remote),
        )

    def remote(self, remote: _Remote) -> RemotePolicy:
        if remote.enabled and len(remote.secret) < 16:
            raise self.fail("remote.secret", "must be at least 16 characters when enabled")
        return RemotePolicy(
            enabled=remote.enabled,
            checkin_minutes=remote.checkin_minutes,
            hold_ahead=remote.hold_ahead,
            per_service_hour=remote.per_service_hour,
            per_citizen_day=remote.per_citizen_day,
            per_address_hour=remote.per_address_hour,
            secret=remote.secret,
        )

    def ratings(self, ratings: _Ratings) -> RatingPolicy:
        seen: dict[RatingMoment, str] = {}
        for index, moment in enumerate(ratings.moments):
            self.unique(seen, moment, f"ratings.moments[{index}]", "rating moment")
        if ratings.resolve_days is not None and ratings.followup_working_days is not None:
            raise self.fail(
                "ratings.followup_working_days",
                "is the older name of resolve_days: give one of them, not both",
            )
        resolve = ratings.resolve_days or ratings.followup_working_days or _RATINGS.resolve_days
        if ratings.feedback_days > resolve:
            raise self.fail(
                "ratings.feedback_days",
                f"must not be after the resolution ({resolve} working days)",
            )
        return RatingPolicy(
            invite_window_s=ratings.invite_window_seconds,
            moments=frozenset(ratings.moments),
            contact_hours=float(ratings.contact_hours),
            feedback_days=ratings.feedback_days,
            resolve_days=resolve,
        )

    def calendar(self, calendar: _Calendar) -> WorkCalendar:
        hours: list[tuple[dt.time, dt.time]] = []
        for index, period in enumerate(calendar.hours):
            where = f"calendar.hours[{index}]"
            start, end = self.span(period, where)
            if hours and start < hours[-1][1]:
                raise self.fail(
                    where, f"must start at or after the end of calendar.hours[{index - 1}]"
                )
            hours.append((start, end))
        weekdays = self.weekdays(calendar.weekdays, "calendar.weekdays")
        holidays: dict[str, str] = {}
        for index, day in enumerate(calendar.holidays):
            self.unique(holidays, day.isoformat(), f"calendar.holidays[{index}]", "holiday")
        workdays: dict[str, str] = {}
        for index, day in enumerate(calendar.workdays):
            where = f"calendar.workdays[{index}]"
            date = dt.date(day.year, day.month, day.day)
            self.unique(workdays, date.isoformat(), where, "make-up working day")
            if date.isoformat() in holidays:
                raise self.fail(where, f"{date} is also listed in calendar.holidays")
            if date.isoweekday() in weekdays:
                raise self.fail(
                    where,
                    f"{date} is a working weekday already; list only weekend days worked (调休)",
                )
        return WorkCalendar(
            hours=tuple(hours),
            weekdays=weekdays,
            holidays=frozenset(dt.date.fromisoformat(d) for d in holidays),
            workdays=frozenset(dt.date.fromisoformat(d) for d in workdays),
        )

    def policy(self, policy: _Policy) -> CallPolicy:
        try:
            zoneinfo.ZoneInfo(policy.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                "policy.timezone",
                f'unknown time zone {show(policy.timezone)}; use an IANA name like "Asia/Shanghai"',
            ) from None
        return CallPolicy(
            normal_per_priority=policy.normal_per_priority,
            max_wait_s=60 * policy.max_wait_minutes,
            day_start=dt.time(policy.day_start.hour, policy.day_start.minute),
            timezone=policy.timezone,
        )

    def services(self, items: tuple[_Service, ...], day_start: dt.time) -> tuple[Service, ...]:
        codes: dict[str, str] = {}
        prefixes: dict[str, str] = {}
        result = []
        for index, s in enumerate(items):
            path = f"services[{index}]"
            self.unique(codes, s.code, f"{path}.code", "service code")
            self.unique(prefixes, s.prefix, f"{path}.prefix", "ticket prefix")
            hours = self.hours(s.hours, f"{path}.hours", day_start)
            slots = self.slots(s, f"{path}.appointment_slots")
            fields = {**msgspec.structs.asdict(s), "hours": hours, "appointment_slots": slots}
            result.append(Service(**fields))
        return tuple(result)

    def hours(
        self, items: tuple[_Hours, ...], path: str, day_start: dt.time
    ) -> tuple[OpeningPeriod, ...]:
        periods: list[OpeningPeriod] = []
        for index, item in enumerate(items):
            where = f"{path}[{index}]"
            start, end = self.span(item, where)
            if start < day_start < end:
                raise self.fail(
                    where, f"must not span the start of the business day {day_start:%H:%M}"
                )
            period = OpeningPeriod(self.weekdays(item.days, f"{where}.days"), start, end)
            self.apart(period, periods, where, path)
            periods.append(period)
        return tuple(periods)

    def slots(self, s: _Service, path: str) -> tuple[SlotRule, ...]:
        """预约时段: each a whole number of slots, none overlapping another on a weekday."""
        rules: list[SlotRule] = []
        if s.appointment_slots and not s.appointments:
            raise self.fail(path, "the service has appointments = false: remove its slots")
        for index, item in enumerate(s.appointment_slots):
            where = f"{path}[{index}]"
            start, end = self.span(item, where)
            minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if minutes < item.every:
                raise self.fail(
                    f"{where}.every",
                    f"a slot of {item.every} minutes does not fit in {start:%H:%M}–{end:%H:%M}",
                )
            rule = SlotRule(
                self.weekdays(item.days, f"{where}.days"), start, end, item.every, item.capacity
            )
            self.apart(rule, rules, where, path)
            rules.append(rule)
        return tuple(rules)

    def span(self, item: _Period | _Hours | _Slots, where: str) -> tuple[dt.time, dt.time]:
        """A time range of one day: its start, before its end."""
        start = dt.time(item.start.hour, item.start.minute)
        end = dt.time(item.end.hour, item.end.minute)
        if start >= end:
            raise self.fail(where, f"start {start:%H:%M} must be before end {end:%H:%M} (same day)")
        return start, end

    def apart(
        self,
        new: OpeningPeriod | SlotRule,
        before: Sequence[OpeningPeriod | SlotRule],
        where: str,
        path: str,
    ) -> None:
        """Refuse a range that overlaps one before it (``path[i]``) on a weekday they share."""
        for other_index, other in enumerate(before):
            common = new.weekdays & other.weekdays
            if common and new.start < other.end and other.start < new.end:
                raise self.fail(where, f"overlaps {path}[{other_index}] on weekday {min(common)}")

    def weekdays(self, value: str, field: str) -> frozenset[int]:
        def day(name: str) -> int:
            name = name.strip().lower()
            number = _DAY_NAMES.get(name) or (int(name) if name.isdigit() else 0)
            if not 1 <= number <= 7:
                raise self.fail(field, f"{_DAYS_RULE}, got {show(value)}")
            return number

        days: set[int] = set()
        for part in value.split(","):
            first, _, last = part.partition("-")
            low, high = day(first), day(last) if last else day(first)
            if low > high:
                raise self.fail(field, f"{_DAYS_RULE}, got {show(value)}")
            days.update(range(low, high + 1))
        return frozenset(days)

    def windows(
        self, items: tuple[_Window, ...], services: tuple[Service, ...]
    ) -> tuple[Window, ...]:
        known = {s.code for s in services}
        numbers: dict[int, str] = {}
        result = []
        for index, w in enumerate(items):
            path = f"windows[{index}]"
            self.unique(numbers, w.number, f"{path}.number", "window number")
            for code in w.services:
                if code not in known:
                    raise self.fail(f"{path}.services.{code}", f"unknown service code {show(code)}")
            booked_only = self.hours(w.booked_only_hours, f"{path}.booked_only_hours", dt.time(0))
            result.append(Window(w.number, w.name, dict(w.services), booked_only))
        served_codes = {code for w in result for code in w.services}
        for index, service in enumerate(services):
            if service.code not in served_codes:
                raise self.fail(f"services[{index}].code", "no window serves this service")
        return tuple(result)

    def staff(self, items: tuple[_Staff, ...]) -> tuple[Staff, ...]:
        ids: dict[str, str] = {}
        for index, s in enumerate(items):
            self.unique(ids, s.id, f"staff[{index}].id", "staff id")
            if not is_pin_hash(s.pin_hash):
                raise self.fail(
                    f"staff[{index}].pin_hash",
                    'must look like "scrypt$<salt hex>$<hash hex>"; '
                    "make one with `python -m queue_server.pins`",
                )
        return tuple(Staff(s.id, s.name, s.pin_hash, frozenset(s.roles)) for s in items)

    def devices(
        self, items: tuple[_Device, ...], windows: set[int], zones: set[str]
    ) -> tuple[Device, ...]:
        ids: dict[str, str] = {}
        tokens: dict[str, str] = {}
        for index, d in enumerate(items):
            path = f"devices[{index}]"
            self.unique(ids, d.id, f"{path}.id", "device id")
            self.unique(tokens, d.token, f"{path}.token", "token", reveal=False)
            if d.window is not None and d.role in (Role.KIOSK, Role.MANAGER, Role.AGENT):
                raise self.fail(f"{path}.window", f"a {d.role} device does not belong to a window")
            if d.window is not None and d.window not in windows:
                raise self.fail(f"{path}.window", f"no [[windows]] entry has number {d.window}")
            if d.zone is not None and d.role is not Role.DISPLAY:
                raise self.fail(
                    f"{path}.zone",
                    f"a {d.role} device has no zone: only a display's is kept to one",
                )
            if d.zone is not None and d.zone not in zones:
                raise self.fail(
                    f"{path}.zone",
                    f"device {show(d.id)}: no [[zones]] entry has name {show(d.zone)}",
                )
        return tuple(Device(d.id, d.role, d.token, d.window, d.zone) for d in items)

    def bundles(
        self, items: tuple[_Bundle, ...], services: tuple[Service, ...]
    ) -> tuple[Bundle, ...]:
        """一件事: known, distinct services; a prefix of its own or its first service's."""
        known = {s.code: s for s in services}
        codes: dict[str, str] = {s.code: f"services[{i}]" for i, s in enumerate(services)}
        prefixes = {s.prefix: f"services[{i}]" for i, s in enumerate(services)}
        result = []
        for index, b in enumerate(items):
            path = f"bundles[{index}]"
            self.unique(codes, b.code, f"{path}.code", "service or bundle code")
            for at, code in enumerate(b.services):
                if code not in known:
                    raise self.fail(f"{path}.services[{at}]", f"unknown service code {show(code)}")
                if code in b.services[:at]:
                    problem = f"duplicate step {show(code)}: a bundle does each service once"
                    raise self.fail(f"{path}.services[{at}]", problem)
            if b.prefix is not None:
                self.unique(prefixes, b.prefix, f"{path}.prefix", "ticket prefix")
            prefix = b.prefix or known[b.services[0]].prefix
            result.append(Bundle(b.code, b.name_zh, b.name_en, prefix, tuple(b.services)))
        return tuple(result)

    def zones(self, items: tuple[_Zone, ...], windows: set[int]) -> tuple[Zone, ...]:
        names: dict[str, str] = {}
        for index, z in enumerate(items):
            self.unique(names, z.name, f"zones[{index}].name", "zone name")
            for at, number in enumerate(z.windows):
                if number not in windows:
                    raise self.fail(
                        f"zones[{index}].windows[{at}]", f"no [[windows]] entry has number {number}"
                    )
        return tuple(Zone(z.name, z.name_zh, tuple(z.windows), z.name_en) for z in items)
