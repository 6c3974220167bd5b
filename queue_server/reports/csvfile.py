"""The report as one CSV file: UTF-8 with a byte-order mark (so Excel reads the Chinese), one
row per service, window, clerk, hour, day and rating moment, told apart by the first column.

The first column is the section's code (``total``, ``service``, ``window``, ``staff``, ``hour``,
``day``, ``moment``, ``hall_rating``) whatever the language, so a spreadsheet can filter on it;
the header row is in the report's language. An empty range gives the header alone.
"""

from __future__ import annotations

import csv
import io

from .tables import COLUMNS, Report, rows
from .texts import Lang, label

__all__ = ["BOM", "render_csv"]

BOM = "\ufeff"


def render_csv(report: Report, lang: Lang = "zh") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label(c, lang) for c in ("section", "key", "name", *COLUMNS)])
    if not report.empty:
        for row in rows(report, lang):
            cells = ["" if row.values[c] is None else row.values[c] for c in COLUMNS]
            writer.writerow([row.section, row.key, row.name, *cells])
    return (BOM + out.getvalue()).encode("utf-8")
