"""The report as a document to read: HTML from a Jinja2 template, and PDF through WeasyPrint.

The document shows the rows of :mod:`.tables` (times in minutes, shares in percent) and the
charts of :mod:`.charts`; the PDF embeds the subset of the Chinese font it uses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import jinja2

from .charts import charts, data_uri
from .tables import Report, Row, rows
from .texts import Lang, label

__all__ = ["render_html", "render_pdf"]

log = logging.getLogger(__name__)

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("queue_server.reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)

# The document's columns: (column of the row, how it is shown); times in minutes.
_TICKET_COLUMNS = (
    ("issued", "int"),
    ("called", "int"),
    ("served", "int"),
    ("no_show", "int"),
    ("transferred", "int"),
    ("voided", "int"),
    ("expired", "int"),
    ("wait_median_s", "min"),
    ("wait_p90_s", "min"),
    ("service_median_s", "min"),
    ("service_p90_s", "min"),
)
_RATING_COLUMNS = (
    ("rated", "int"),
    ("level_5", "int"),
    ("level_4", "int"),
    ("level_3", "int"),
    ("level_2", "int"),
    ("level_1", "int"),
    ("satisfaction_pct", "pct"),
)
_MINUTE_TITLES = {
    "wait_median_s": ("等候中位数(分)", "wait median (min)"),
    "wait_p90_s": ("等候90分位(分)", "wait p90 (min)"),
    "service_median_s": ("办理中位数(分)", "service median (min)"),
    "service_p90_s": ("办理90分位(分)", "service p90 (min)"),
}


@dataclass(frozen=True)
class _Column:
    key: str
    kind: str
    title: str


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "min":
        return f"{value / 60:.1f}"
    if kind == "pct":
        return f"{value:.1f}%"
    return str(value)


def _columns(spec: tuple[tuple[str, str], ...], lang: Lang) -> list[_Column]:
    out = []
    for key, kind in spec:
        titles = _MINUTE_TITLES.get(key)
        title = (titles[1] if lang == "en" else titles[0]) if titles else label(key, lang)
        out.append(_Column(key, kind, title))
    return out


def _table(title: str, found: list[Row], columns: list[_Column]) -> dict[str, Any]:
    return {
        "title": title,
        "columns": columns,
        "rows": [
            {
                "name": row.name,
                "total": row.section == "total",
                "cells": [_cell(row.values[c.key], c.kind) for c in columns],
            }
            for row in found
        ],
    }


def _context(report: Report, lang: Lang) -> dict[str, Any]:
    all_rows = list(rows(report, lang)) if not report.empty else []
    by = {
        s: [r for r in all_rows if r.section == s]
        for s in ("total", "service", "window", "staff", "hour", "day", "moment", "hall_rating")
    }
    full = _columns(_TICKET_COLUMNS + _RATING_COLUMNS, lang)
    called = [c for c in full if c.key != "called"]
    # Windows and clerks call and serve; they issue, void and expire nothing.
    served = [c for c in full if c.key not in ("issued", "voided", "expired")]
    ratings_only = _columns(_RATING_COLUMNS, lang)
    sections = [
        _table(label("by_service", lang), by["total"] + by["service"], called),
        _table(label("by_window", lang), by["window"], served),
        _table(label("by_staff", lang), by["staff"], served),
        _table(label("by_hour", lang), by["hour"], called),
        _table(label("by_day", lang), by["day"], called),
        _table(label("by_moment", lang), by["moment"], ratings_only),
    ]
    if by["hall_rating"]:
        sections.append(_table(label("hall_ratings", lang), by["hall_rating"], ratings_only))
    total = report.figures.total
    cards = [
        (label("issued", lang), total.issued),
        (label("served", lang), total.served),
        (label("no_show", lang), total.no_show),
        (label("transferred", lang), total.transferred),
        (label("voided", lang), total.voided),
        (label("expired", lang), total.expired),
        (_MINUTE_TITLES["wait_median_s"][lang == "en"], _cell(total.wait_median_s, "min")),
        (_MINUTE_TITLES["wait_p90_s"][lang == "en"], _cell(total.wait_p90_s, "min")),
        (_MINUTE_TITLES["service_median_s"][lang == "en"], _cell(total.service_median_s, "min")),
        (label("rated", lang), total.rated),
        (
            label("satisfaction_pct", lang),
            _cell(None if total.satisfaction is None else 100 * total.satisfaction, "pct"),
        ),
    ]
    return {
        "lang": lang,
        "t": lambda key: label(key, lang),
        "hall": report.names.hall(lang),
        "first_day": report.first_day,
        "last_day": report.last_day,
        "generated_at": report.generated_at,
        "cards": cards,
        "charts": [
            (title, data_uri(svg)) for title, svg in charts(report.figures, report.names, lang)
        ],
        "sections": sections,
        "rules": [label(k, lang) for k in ("rule_wait", "rule_rating", "rule_day")],
    }


def render_html(report: Report, lang: Lang = "zh") -> str:
    return _ENV.get_template("report.html").render(_context(report, lang))


def render_pdf(report: Report, lang: Lang = "zh") -> bytes:
    """The document as PDF (A4 landscape); WeasyPrint embeds the fonts it uses."""
    import weasyprint  # imported here: it loads Pango, which only the PDF needs

    # WeasyPrint and fontTools log each font subset at INFO/WARNING; the report is not about them.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    pdf = weasyprint.HTML(string=render_html(report, lang)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
