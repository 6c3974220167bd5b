"""A report's tables: the figures of a range, one row per service, window, clerk, hour, day.

The CSV writes these rows as they are; the HTML/PDF document shows the same rows, so the two
never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from contract.records import Figures
from queue_server.core.model import Hall

from .figures import LEVELS, Breakdown
from .texts import Lang, label

__all__ = ["COLUMNS", "SECTIONS", "Names", "Report", "Row", "rows"]

COLUMNS = (
    "issued",
    "called",
    "served",
    "no_show",
    "transferred",
    "voided",
    "expired",
    "wait_avg_s",
    "wait_median_s",
    "wait_p90_s",
    "service_avg_s",
    "service_median_s",
    "service_p90_s",
    "rated",
    "level_5",
    "level_4",
    "level_3",
    "level_2",
    "level_1",
    "satisfaction_pct",
)
SECTIONS = ("total", "service", "window", "staff", "hour", "day", "moment", "hall_rating")
_TICKET_COLUMNS = COLUMNS[:13]


@dataclass(frozen=True)
class Names:
    """How services, windows and clerks are called in a report (from the hall's TOML file)."""

    hall_zh: str = ""
    hall_en: str = ""
    services: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (zh, en)
    windows: dict[int, str] = field(default_factory=dict)  # number → name
    staff: dict[str, str] = field(default_factory=dict)  # id → name
    timezone: str = "Asia/Shanghai"
    day_start: str = "00:00"

    @classmethod
    def of(cls, hall: Hall) -> Names:
        return cls(
            hall_zh=hall.name_zh,
            hall_en=hall.name_en,
            services={s.code: (s.name_zh, s.name_en or s.name_zh) for s in hall.services},
            windows={w.number: w.name for w in hall.windows},
            staff={s.id: s.name for s in hall.staff},
            timezone=hall.policy.timezone,
            day_start=hall.policy.day_start.strftime("%H:%M"),
        )

    def hall(self, lang: Lang) -> str:
        return (self.hall_en or self.hall_zh) if lang == "en" else (self.hall_zh or self.hall_en)

    def service(self, code: str, lang: Lang) -> str:
        names = self.services.get(code)
        return code if names is None else names[1 if lang == "en" else 0]

    def window(self, number: int, lang: Lang) -> str:
        if lang == "en":
            return f"Window {number}"
        return self.windows.get(number) or f"{number}号窗口"

    def clerk(self, staff: str) -> str:
        return self.staff.get(staff, staff)


@dataclass(frozen=True)
class Row:
    section: str
    key: str
    name: str
    values: dict[str, Any]  # column → int, float (rounded) or None


@dataclass(frozen=True)
class Report:
    """What a report shows: the range, the hall's names and the figures."""

    first_day: str
    last_day: str
    names: Names
    figures: Breakdown
    generated_at: str = ""  # local time, for the document's header

    @property
    def empty(self) -> bool:
        return not self.figures.days


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def values(f: Figures, called: int | None = None, tickets: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if tickets:
        out |= {
            "issued": f.issued,
            "called": called,
            "served": f.served,
            "no_show": f.no_show,
            "transferred": f.transferred,
            "voided": f.voided,
            "expired": f.expired,
            "wait_avg_s": _seconds(f.wait_avg_s),
            "wait_median_s": _seconds(f.wait_median_s),
            "wait_p90_s": _seconds(f.wait_p90_s),
            "service_avg_s": _seconds(f.service_avg_s),
            "service_median_s": _seconds(f.service_median_s),
            "service_p90_s": _seconds(f.service_p90_s),
        }
    else:
        out |= dict.fromkeys(_TICKET_COLUMNS)
    out["rated"] = f.rated
    for score in LEVELS:
        out[f"level_{score}"] = f.by_level.get(score, 0)
    out["satisfaction_pct"] = None if f.satisfaction is None else round(100 * f.satisfaction, 1)
    return out


def rows(report: Report, lang: Lang = "zh") -> Iterator[Row]:
    """Every row of the report, section by section (the CSV's order)."""
    b, names = report.figures, report.names
    yield Row("total", "", label("total", lang), values(b.total, sum(b.calls["windows"].values())))
    for code, f in b.services.items():
        yield Row("service", code, names.service(code, lang), values(f))
    for number, f in b.windows.items():
        called = b.calls["windows"].get(str(number), 0)
        yield Row("window", str(number), names.window(number, lang), values(f, called))
    for staff, f in b.staff.items():
        yield Row("staff", staff, names.clerk(staff), values(f, b.calls["staff"].get(staff, 0)))
    for hour, f in b.hours.items():
        yield Row("hour", f"{hour:02d}", f"{hour:02d}:00–{(hour + 1) % 24:02d}:00", values(f))
    for day, f in b.by_day.items():
        yield Row("day", day, day, values(f))
    for moment, f in b.moments.items():
        key = f"moment_{moment}"
        name = label(key, lang) if key in ("moment_during", "moment_after") else moment
        yield Row("moment", moment, name, values(f, tickets=False))
    if b.hall_ratings.rated:
        yield Row(
            "hall_rating", "", label("hall_ratings", lang), values(b.hall_ratings, tickets=False)
        )
        for aspect, f in b.hall_aspects.items():
            yield Row("hall_rating", aspect, aspect, values(f, tickets=False))
