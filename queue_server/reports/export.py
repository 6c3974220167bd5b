"""Ratings for a provincial 好差评 platform: one documented record per rating, and an adapter
per platform that turns it into the platform's own shape.

:class:`RatingRecord` is the hall's record (``--platform hall``): ticket, hall, window, clerk,
事项 code and name, department, channel, moment, level, bad-rating reasons and text, service and
rating times, and the 差评's follow-up. Raters stay anonymous (国办发〔2019〕51号): the record is
built field by field from the log and has no place for a citizen hash, a phone-page token or
a kiosk request id, so none can leak into an export.

The 事项 codes, departments and platform codes are not in the hall's TOML file: they come from
an export mapping file (see ``docs/reports.md``), so that each province's codes stay out of the
queue's configuration.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .tables import Names

__all__ = [
    "ADAPTERS",
    "LEVEL_NAMES",
    "ExportMapping",
    "Followup",
    "MappingError",
    "RatingRecord",
    "collect",
    "hall_record",
    "load_mapping",
    "sichuan",
]

LEVEL_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


class MappingError(Exception):
    """The export mapping file is missing or wrong."""


@dataclass(frozen=True)
class ServiceCodes:
    item_code: str
    item_name: str
    department_code: str
    department_name: str


@dataclass(frozen=True)
class ExportMapping:
    """The export mapping: per service its 事项 and department, per platform its settings."""

    services: dict[str, ServiceCodes] = field(default_factory=dict)
    platforms: dict[str, dict[str, Any]] = field(default_factory=dict)

    def service(self, code: str, names: Names) -> ServiceCodes:
        found = self.services.get(code)
        if found is not None:
            return found
        # Not mapped: the hall's own code and name, no department.
        return ServiceCodes(code, names.service(code, "zh"), "", "")


def load_mapping(path: str | Path | None) -> ExportMapping:
    """Read an export mapping TOML file (None: an empty mapping)."""
    if path is None:
        return ExportMapping()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"{path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: {exc}") from None
    services: dict[str, ServiceCodes] = {}
    for code, entry in (data.get("services") or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("item_code"), str):
            raise MappingError(f"{path}: [services.{code}] needs item_code (a text)")
        services[code] = ServiceCodes(
            item_code=entry["item_code"],
            item_name=str(entry.get("item_name", "")),
            department_code=str(entry.get("department_code", "")),
            department_name=str(entry.get("department_name", "")),
        )
    platforms = {k: v for k, v in data.items() if k != "services" and isinstance(v, dict)}
    return ExportMapping(services, platforms)


@dataclass
class FollowupContact:
    at: str
    channel: str
    note: str


@dataclass
class Followup:
    """A 差评's work order as the export shows it (no citizen data: only what staff did)."""

    id: str
    opened_at: str
    deadline: str
    owner: str | None = None
    contacts: list[FollowupContact] = field(default_factory=list)
    outcome: str | None = None  # fixed | explained | appealed
    outcome_note: str | None = None
    resolved_at: str | None = None
    rerating: int | None = None


@dataclass
class RatingRecord:
    """One rating of a ticket, as the hall exports it (``--platform hall``)."""

    ticket: str
    number: str
    order: int | None  # the ticket's issue order of its day (1, 2, …)
    hall: str
    hall_name: str
    window: int | None
    window_name: str
    clerk: str | None
    clerk_name: str
    item_code: str  # 事项编码 (the implementation list's code, from the mapping)
    item_name: str  # 事项名称
    department_code: str
    department_name: str
    service: str  # the hall's own service code
    channel: str  # where the rating came from: evaluator, phone, …
    moment: str  # during (边办边评) | after (办后再评)
    score: int  # 1–5
    level: str  # 非常满意 … 非常不满意
    bad: bool  # 差评
    reasons: list[str]  # the 差评's reasons, as given
    comment: str  # the citizen's words, if any
    issued_at: str | None
    called_at: str | None
    finished_at: str | None
    rated_at: str
    followup: Followup | None = None


@dataclass
class _Ticket:
    order: int
    issued_at: float
    called_at: float | None = None
    finished_at: float | None = None


def _iso(at: float | None, zone: ZoneInfo) -> str | None:
    if at is None:
        return None
    return dt.datetime.fromtimestamp(at, zone).isoformat(timespec="seconds")


def collect(
    events: Iterable[Mapping[str, Any]],
    names: Names,
    mapping: ExportMapping,
    hall: str,
    first_day: str,
    last_day: str,
) -> list[RatingRecord]:
    """The rating records of the tickets rated on business days ``first_day``…``last_day``.

    ``events`` are that range's events and, after them, the follow-up events up to now (a 差评
    rated in the range may be resolved later: the export shows where it stands).
    """
    zone = ZoneInfo(names.timezone)
    tickets: dict[str, _Ticket] = {}
    records: list[RatingRecord] = []
    followups: dict[str, Followup] = {}
    by_ticket: dict[str, RatingRecord] = {}
    for e in events:
        kind = e.get("type")
        if kind == "ticket_issued":
            tickets[e["ticket"]] = _Ticket(int(e.get("order", 0)), float(e["at"]))
        elif kind == "ticket_called" and not e.get("recall"):
            t = tickets.get(e["ticket"])
            if t is not None and t.called_at is None:
                t.called_at = float(e["at"])
        elif kind == "ticket_finished":
            t = tickets.get(e["ticket"])
            if t is not None:
                t.finished_at = float(e["at"])
        elif kind == "rating_recorded" and first_day <= e["day"] <= last_day:
            record = _record(e, tickets.get(e["ticket"]), names, mapping, hall, zone)
            records.append(record)
            by_ticket[f"{e['ticket']}/{record.moment}"] = record
        elif kind == "followup_opened" and e.get("ticket"):
            key = e.get("followup") or e["ticket"]
            f = Followup(
                str(key), _iso(float(e["at"]), zone) or "", str(e["deadline"]), e.get("owner")
            )
            followups[str(key)] = f
            found = by_ticket.get(f"{e['ticket']}/{e.get('moment') or 'after'}")
            if found is not None:
                found.followup = f
        elif kind in _FOLLOWUP_STEPS and e.get("followup") in followups:
            _FOLLOWUP_STEPS[str(kind)](followups[e["followup"]], e, zone)
    return records


def _record(
    e: Mapping[str, Any],
    t: _Ticket | None,
    names: Names,
    mapping: ExportMapping,
    hall: str,
    zone: ZoneInfo,
) -> RatingRecord:
    codes = mapping.service(e["service"], names)
    window = e.get("window")
    staff = e.get("staff")
    reasons = e.get("reasons") or []
    return RatingRecord(
        ticket=e["ticket"],
        number=e["number"],
        order=t.order if t else None,
        hall=hall,
        hall_name=names.hall("zh"),
        window=window,
        window_name=names.window(window, "zh") if window is not None else "",
        clerk=staff,
        clerk_name=names.clerk(staff) if staff else "",
        item_code=codes.item_code,
        item_name=codes.item_name,
        department_code=codes.department_code,
        department_name=codes.department_name,
        service=e["service"],
        channel=str(e.get("source") or ""),
        moment=str(e.get("moment") or "after"),
        score=int(e["score"]),
        level=LEVEL_NAMES.get(int(e["score"]), str(e.get("level"))),
        bad=bool(e.get("bad")),
        reasons=[str(r) for r in reasons] if isinstance(reasons, list) else [str(reasons)],
        comment=str(e.get("comment") or ""),
        issued_at=_iso(t.issued_at if t else None, zone),
        called_at=_iso(t.called_at if t else None, zone),
        finished_at=_iso(t.finished_at if t else None, zone),
        rated_at=_iso(float(e["at"]), zone) or "",
    )


def _assigned(f: Followup, e: Mapping[str, Any], zone: ZoneInfo) -> None:
    f.owner = e.get("owner")


def _contacted(f: Followup, e: Mapping[str, Any], zone: ZoneInfo) -> None:
    f.contacts.append(
        FollowupContact(
            _iso(float(e["at"]), zone) or "", str(e.get("channel", "")), str(e.get("note", ""))
        )
    )


def _resolved(f: Followup, e: Mapping[str, Any], zone: ZoneInfo) -> None:
    f.outcome, f.outcome_note = e.get("outcome"), e.get("note")
    f.resolved_at = _iso(float(e["at"]), zone)


def _rerated(f: Followup, e: Mapping[str, Any], zone: ZoneInfo) -> None:
    f.rerating = int(e["score"])


_FOLLOWUP_STEPS: dict[str, Callable[[Followup, Mapping[str, Any], ZoneInfo], None]] = {
    "followup_assigned": _assigned,
    "followup_contacted": _contacted,
    "followup_resolved": _resolved,
    "followup_rerated": _rerated,
}


# -- adapters ----------------------------------------------------------------------------


def hall_record(record: RatingRecord, mapping: ExportMapping) -> dict[str, Any]:
    """The hall's own record, as documented in docs/reports.md."""
    return asdict(record)


SICHUAN_DEFAULTS = {"area_code": "", "eval_channel": "3", "eval_source": "2", "obj_type": "2"}


def sichuan(record: RatingRecord, mapping: ExportMapping) -> dict[str, Any]:
    """The body the Sichuan 好差评 evaluation page posts for one rating (field names as
    published by the platform's page; see docs/reports.md for where they were found).

    ``busiCode`` is the 办件编号: the hall's area code, the day and a six-digit serial (the
    shape seen in the platform's own examples, e.g. ``511923-20220921-001628``); here the
    serial is the ticket's issue order of its day. ``anonymous`` is always 1.
    """
    settings = {**SICHUAN_DEFAULTS, **mapping.platforms.get("sichuan", {})}
    day = record.ticket[:10].replace("-", "")
    serial = f"{record.order or 0:06d}"
    channels = settings.get("channels") or {}  # the hall's rating source → the platform's code
    return {
        "anonymous": 1,
        "busiCode": f"{settings['area_code']}-{day}-{serial}"
        if settings["area_code"]
        else f"{day}-{serial}",
        "evalChannel": str(channels.get(record.channel, settings["eval_channel"])),
        "evalSource": str(settings["eval_source"]),
        "objType": str(settings["obj_type"]),
        "objCode": record.item_code,
        "score": record.score,
        "evaluationChildren": list(record.reasons) if record.bad else [],
        "instructions": record.comment,
        "praise": [],
        "publish": 1,
        "maxBadClassifyFlag": "",
    }


ADAPTERS: dict[str, Callable[[RatingRecord, ExportMapping], dict[str, Any]]] = {
    "hall": hall_record,
    "sichuan": sichuan,
}
