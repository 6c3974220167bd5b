"""The report's charts, drawn with matplotlib's SVG backend.

matplotlib rather than a chart library that writes SVG with CSS and ``<text>``: its SVG has
the glyphs as paths (``svg.fonttype = path``), so a chart looks the same in a browser, in
WeasyPrint's PDF and on a PC without the Chinese font; it is deterministic (a fixed hash salt,
no date), and it is the most widely kept plotting library in Python. Figures are made with
``matplotlib.figure.Figure`` and the SVG canvas, never ``pyplot``: no global state, no GUI.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from typing import Any

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .figures import LEVELS, Breakdown
from .tables import Names
from .texts import Lang, label

__all__ = ["Chart", "charts", "data_uri"]

WANTED_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "DejaVu Sans")
# Only the installed ones: matplotlib warns for every glyph about a family it cannot find.
FONTS = [f for f in WANTED_FONTS if f in {e.name for e in font_manager.fontManager.ttflist}]
LEVEL_COLOURS = {5: "#1a9850", 4: "#91cf60", 3: "#fee08b", 2: "#fc8d59", 1: "#d73027"}
ISSUED, SERVED, LINE = "#4575b4", "#74add1", "#d73027"
SERVICE_COLOURS = ("#4575b4", "#d73027", "#1a9850", "#fdae61", "#762a83", "#35978f", "#8c510a")
_STYLE: dict[Any, Any] = {
    "font.family": FONTS or ["sans-serif"],
    "font.size": 9,
    "svg.fonttype": "path",
    "svg.hashsalt": "hall-report",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": False,
}

Chart = tuple[str, str]  # (title, SVG document)


def _svg(draw: Callable[[Figure], None], size: tuple[float, float] = (7.0, 2.8)) -> str:
    with rc_context(_STYLE):
        fig = Figure(figsize=size, layout="constrained")
        draw(fig)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _minutes(values: Sequence[float | None]) -> list[float]:
    return [float("nan") if v is None else v / 60 for v in values]


def _bars(ax: Axes, labels: Sequence[str], series: dict[str, Sequence[int]]) -> None:
    width = 0.8 / max(1, len(series))
    colours = [ISSUED, SERVED, "#fdae61"]
    for i, (name, counts) in enumerate(series.items()):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(labels))]
        ax.bar(xs, counts, width, label=name, color=colours[i % len(colours)])
    ax.set_xticks(range(len(labels)), labels)
    ax.legend(frameon=False, ncols=len(series), loc="lower right", bbox_to_anchor=(1.0, 1.0))


def charts(b: Breakdown, names: Names, lang: Lang = "zh") -> list[Chart]:
    """The document's charts, each (title, SVG); none for an empty range."""
    if not b.days:
        return []
    out: list[Chart] = []
    hours = list(b.hours)

    def by_hour(fig: Figure) -> None:
        ax = fig.subplots()
        _bars(
            ax,
            [f"{h:02d}" for h in hours],
            {
                label("issued", lang): [b.hours[h].issued for h in hours],
                label("served", lang): [b.hours[h].served for h in hours],
            },
        )
        ax.set_ylabel(label("tickets", lang))
        ax.set_xlabel(label("hour", lang))

    out.append((label("chart_hours", lang), _svg(by_hour)))

    def waits(fig: Figure) -> None:
        ax = fig.subplots()
        xs = [f"{h:02d}" for h in hours]
        ax.plot(
            xs,
            _minutes([b.hours[h].wait_median_s for h in hours]),
            "o-",
            color=ISSUED,
            label=label("median", lang),
        )
        ax.plot(
            xs,
            _minutes([b.hours[h].wait_p90_s for h in hours]),
            "s--",
            color=LINE,
            label=label("p90", lang),
        )
        ax.set_ylabel(label("minutes", lang))
        ax.set_xlabel(label("hour", lang))
        ax.set_ylim(bottom=0)
        ax.legend(frameon=False, loc="upper right")
        ax.grid(axis="y", alpha=0.3)

    out.append((label("chart_hour_waits", lang), _svg(waits)))

    if b.waiting_profile:

        def waiting(fig: Figure) -> None:
            ax = fig.subplots()
            for i, (code, points) in enumerate(b.waiting_profile.items()):
                xs = [m / 60 for m, _ in points]
                ax.plot(
                    xs,
                    [n for _, n in points],
                    "-",
                    color=SERVICE_COLOURS[i % len(SERVICE_COLOURS)],
                    label=names.service(code, lang),
                )
            first, last = (
                min(m for p in b.waiting_profile.values() for m, _ in p),
                max(m for p in b.waiting_profile.values() for m, _ in p),
            )
            hours = range(first // 60, last // 60 + 1)
            ax.set_xticks(list(hours), [f"{h:02d}:00" for h in hours])
            ax.set_ylabel(label("waiting_people", lang))
            ax.set_ylim(bottom=0)
            ax.grid(axis="y", alpha=0.3)
            ax.legend(
                frameon=False,
                ncols=min(4, len(b.waiting_profile)),
                loc="lower right",
                bbox_to_anchor=(1.0, 1.0),
            )

        out.append((label("chart_waiting", lang), _svg(waiting)))

    if len(b.by_day) > 1:
        days = list(b.by_day)

        def by_day(fig: Figure) -> None:
            ax = fig.subplots()
            _bars(
                ax,
                [d[5:] for d in days],
                {
                    label("issued", lang): [b.by_day[d].issued for d in days],
                    label("served", lang): [b.by_day[d].served for d in days],
                },
            )
            ax.set_ylabel(label("tickets", lang))
            ax.tick_params(axis="x", labelrotation=90, labelsize=7)

        out.append((label("chart_days", lang), _svg(by_day)))

    rated = [code for code, f in b.services.items() if f.rated]
    if rated:

        def ratings(fig: Figure) -> None:
            ax = fig.subplots()
            ys = [names.service(code, lang) for code in rated]
            left = [0] * len(rated)
            for score in LEVELS:
                counts = [b.services[code].by_level.get(score, 0) for code in rated]
                ax.barh(
                    ys,
                    counts,
                    left=left,
                    color=LEVEL_COLOURS[score],
                    label=label(f"level_{score}", lang),
                )
                left = [a + c for a, c in zip(left, counts, strict=True)]
            for y, code in enumerate(rated):
                share = b.services[code].satisfaction
                if share is not None:
                    ax.text(left[y], y, f" {100 * share:.1f}%", va="center", fontsize=8)
            ax.invert_yaxis()
            ax.set_xlabel(label("ratings", lang))
            ax.legend(
                frameon=False, ncols=5, loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=7
            )

        height = 1.4 + 0.35 * len(rated)
        out.append((label("chart_services", lang), _svg(ratings, (7.0, height))))

    if b.windows:
        numbers = list(b.windows)

        def windows(fig: Figure) -> None:
            ax = fig.subplots()
            xs = [names.window(n, lang) for n in numbers]
            ax.bar(
                xs,
                [b.windows[n].served for n in numbers],
                color=SERVED,
                label=label("served", lang),
            )
            ax.set_ylabel(label("served", lang))
            twin = ax.twinx()
            twin.plot(
                xs,
                _minutes([b.windows[n].service_median_s for n in numbers]),
                "o-",
                color=LINE,
                label=label("service_min", lang),
            )
            twin.set_ylabel(label("service_min", lang))
            twin.set_ylim(bottom=0)
            twin.spines["right"].set_visible(True)
            handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
            ax.legend(
                handles=handles,
                frameon=False,
                ncols=2,
                loc="lower right",
                bbox_to_anchor=(1.0, 1.0),
            )

        out.append((label("chart_windows", lang), _svg(windows)))
    return out
