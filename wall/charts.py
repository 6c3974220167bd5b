"""The wall's two charts (QtCharts, from PySide6-Addons, already a dependency for the boards'
voice): waiting per service over the day, calls per window per hour.

QtCharts renders offscreen and in the same widget tree as the rest, so a screenshot of the wall
has its charts; no other plotting library is needed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from wall import theme

MAX_GROUPED = 6  # more windows than this: stacked bars, one column an hour
MAX_BARS = 8  # more windows than this: a heat map (CallsHeatmap)
MAX_LINES = 6  # the waiting chart draws the services with the most waiting, up to this many


def _chart() -> QChart:
    chart = QChart()
    chart.setBackgroundVisible(False)
    chart.setPlotAreaBackgroundVisible(False)
    chart.setMargins(QMargins(0, 0, 0, 0))
    chart.legend().setLabelColor(QColor(theme.SOFT))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _axis_look(axis: QValueAxis | QBarCategoryAxis, font: QFont) -> None:
    axis.setLabelsColor(QColor(theme.SOFT))
    axis.setLabelsFont(font)
    axis.setGridLineColor(QColor(theme.PANEL_LINE))
    axis.setLinePenColor(QColor(theme.PANEL_LINE))


class ChartView(QChartView):
    """A chart on the navy panel; `set_font(family, px)` follows the wall's scale."""

    def __init__(self) -> None:
        super().__init__(_chart())
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setStyleSheet("background: transparent;")
        self.font_ = QFont()
        self.key: object = None

        self.y_axis = QValueAxis()
        self.y_axis.setTickCount(5)
        self.y_axis.setLabelFormat("%d")

    def _axes(self) -> tuple[QValueAxis | QBarCategoryAxis, ...]:
        return (self.y_axis,)

    def _place_axes(self, x: QValueAxis | QBarCategoryAxis) -> None:
        """The axes are made once and kept: a removed axis can linger on the screen."""
        chart = self.chart()
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)

    def set_font(self, family: str, px: int) -> None:
        self.font_ = QFont(family)
        self.font_.setPixelSize(px)
        self.chart().legend().setFont(self.font_)
        for axis in self._axes():
            _axis_look(axis, self.font_)
        self.key = None  # redraw with the new font

    def _reset(self) -> QChart:
        chart = self.chart()
        chart.removeAllSeries()
        return chart


class WaitingChart(ChartView):
    """One line per service: how many waited, through the day (hours of the hall's day)."""

    def __init__(self) -> None:
        super().__init__()
        self.x_axis = QValueAxis()
        self.x_axis.setLabelFormat("%d:00")
        self._place_axes(self.x_axis)

    def _axes(self) -> tuple[QValueAxis | QBarCategoryAxis, ...]:
        return (self.x_axis, self.y_axis)

    def show_series(self, series: Mapping[str, Sequence[tuple[float, int]]], now: float) -> None:
        """`series`: service name → (hour of day, waiting) points, in time order; `now`: the
        hour of day now (each line runs on to it at its last value)."""
        key = (tuple((k, tuple(v)) for k, v in series.items()), round(now, 2), self.font_)
        if key == self.key:
            return
        self.key = key
        chart = self._reset()
        start, top = now, 1
        for i, (name, points) in enumerate(series.items()):
            line = QLineSeries()
            line.setName(name)
            pen = QPen(QColor(theme.SERIES[i % len(theme.SERIES)]))
            pen.setWidthF(max(2.0, self.font_.pixelSize() / 6))
            line.setPen(pen)
            previous: int | None = None
            for hour, waiting in points:
                if previous is not None:  # a step: the count held until it changed
                    line.append(QPointF(hour, previous))
                line.append(QPointF(hour, waiting))
                previous = waiting
                start, top = min(start, hour), max(top, waiting)
            if previous is not None:
                line.append(QPointF(max(now, points[-1][0]), previous))
            chart.addSeries(line)
        first, last = math.floor(min(start, now)), math.ceil(max(now, start + 1))
        # A label every 1, 2 or 3 hours, at most 7 of them: "13:00" stays whole on a panel a
        # third of the screen wide (a long day with a label an hour elided them to "13:…").
        step = max(1, math.ceil((last - first) / 6))
        ticks = math.ceil((last - first) / step)
        self.x_axis.setRange(first, first + ticks * step)
        self.x_axis.setTickCount(ticks + 1)
        self.y_axis.setRange(0, _nice(top))
        for s in chart.series():
            s.attachAxis(self.x_axis)
            s.attachAxis(self.y_axis)
        chart.legend().setVisible(bool(series))


class CallsChart(ChartView):
    """Bars of calls per hour, one set per window (stacked when there are many windows)."""

    def __init__(self) -> None:
        super().__init__()
        self.x_axis = QBarCategoryAxis()
        self._place_axes(self.x_axis)

    def _axes(self) -> tuple[QValueAxis | QBarCategoryAxis, ...]:
        return (self.x_axis, self.y_axis)

    def show_calls(self, calls: Mapping[str, Mapping[int, int]], hours: Sequence[int]) -> None:
        """`calls`: window label → hour → calls; `hours`: the hours to show, in order."""
        data = tuple((k, tuple(sorted(v.items()))) for k, v in calls.items())
        key = (data, tuple(hours), self.font_)
        if key == self.key:
            return
        self.key = key
        chart = self._reset()
        stacked = len(calls) > MAX_GROUPED
        bars = QStackedBarSeries() if stacked else QBarSeries()
        top = 1
        totals = dict.fromkeys(hours, 0)
        for i, (name, by_hour) in enumerate(calls.items()):
            bar = QBarSet(name)
            bar.setColor(QColor(theme.SERIES[i % len(theme.SERIES)]))
            bar.setBorderColor(QColor(theme.SERIES[i % len(theme.SERIES)]))
            for h in hours:
                n = by_hour.get(h, 0)
                bar.append(n)
                totals[h] += n
                top = max(top, n)
            bars.append(bar)
        if stacked:
            top = max([1, *totals.values()])
        chart.addSeries(bars)
        self.x_axis.clear()
        self.x_axis.append([f"{h}" for h in hours])
        self.y_axis.setRange(0, _nice(top))
        bars.attachAxis(self.x_axis)
        bars.attachAxis(self.y_axis)
        chart.legend().setVisible(bool(calls))


def _nice(top: float) -> int:
    """A round upper bound of an axis that four ticks divide evenly."""
    for step in (1, 2, 5, 10, 25, 50, 100, 250, 500):
        if top <= step * 4:
            return step * 4
    return math.ceil(top / 4) * 4


class CallsHeatmap(QWidget):
    """Calls per window per hour for a hall with many windows: a row a window, a column an
    hour, each cell as bright as its count (bars of fifteen colours would not read)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, Mapping[int, int]]] = []
        self.hours: list[int] = []
        self.font_ = QFont()

    def set_font(self, family: str, px: int) -> None:
        self.font_ = QFont(family)
        self.font_.setPixelSize(px)
        self.update()

    def show_calls(self, calls: Mapping[str, Mapping[int, int]], hours: Sequence[int]) -> None:
        rows, hours = list(calls.items()), list(hours)
        if (rows, hours) != (self.rows, self.hours):
            self.rows, self.hours = rows, hours
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.rows or not self.hours:
            return
        p = QPainter(self)
        p.setFont(self.font_)
        metrics = QFontMetricsF(self.font_)
        left = max(metrics.horizontalAdvance(name) for name, _ in self.rows) + metrics.height()
        bottom = metrics.height() * 1.4
        width = (self.width() - left) / len(self.hours)
        height = (self.height() - bottom) / len(self.rows)
        top = max([1, *(n for _, by_hour in self.rows for n in by_hour.values())])
        ground, bright = QColor(theme.GROUND), QColor(theme.BLUE)
        soft, ink = QColor(theme.SOFT), QColor(theme.INK)
        for r, (name, by_hour) in enumerate(self.rows):
            y = r * height
            p.setPen(soft)
            p.drawText(
                QRectF(0, y, left - metrics.height() / 2, height),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
            for c, hour in enumerate(self.hours):
                n = by_hour.get(hour, 0)
                share = n / top
                colour = QColor(
                    round(ground.red() + (bright.red() - ground.red()) * share),
                    round(ground.green() + (bright.green() - ground.green()) * share),
                    round(ground.blue() + (bright.blue() - ground.blue()) * share),
                )
                cell = QRectF(left + c * width + 1, y + 1, width - 2, height - 2)
                p.fillRect(cell, colour)
                if n and cell.height() >= metrics.height() * 0.9:
                    p.setPen(ink)
                    p.drawText(cell, int(Qt.AlignmentFlag.AlignCenter), str(n))
        p.setPen(soft)
        for c, hour in enumerate(self.hours):
            p.drawText(
                QRectF(left + c * width, self.height() - bottom, width, bottom),
                int(Qt.AlignmentFlag.AlignCenter),
                str(hour),
            )
        p.end()
