"""The wall itself: a header, the stale banner, three columns of panels, the notice foot, and
the manager's log-in panel laid over it.

It only reads (`refresh(now)` after the model or the figures changed) and reports what the
manager asks for through signals; the app asks the dialogs and sends the requests.

    ┌ hall name · 管理大屏 ─────────────────────── online · clock · manager · 登录 ┐
    │ 等候情况 (per service)  │ 今日运行 (10 figures)       │ 告警 (确认)           │
    │                         │ 今日各事项等候人数 (chart)  │ 好差评 · open 差评    │
    │ 窗口状态 (per window)   │ 各窗口每小时叫号 (chart)    │ 设备状态              │
    └ 大厅通知 … ──────────────────────────────────────────── status · 发布通知 ┘
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from appkit.fonts import cjk_family
from contract.hall import HallModel
from contract.records import Figures, Kpis, WindowState
from wall import figures as fig
from wall import theme
from wall.charts import MAX_BARS, MAX_LINES, CallsChart, CallsHeatmap, WaitingChart
from wall.login import LoginPanel
from wall.rows import alert_row, device_name, device_state, followup_row, role_name
from wall.texts import Texts
from wall.widgets import Panel, button, clear, label, set_prop

DAY_HOURS = (8, 18)  # the calls chart shows at least these hours
GROUP_HEALTHY = 3  # this many healthy devices of a role or more show as one line


class WallView(QWidget):
    """Signals: `login_requested(staff, pin)`, `logout_requested()`, `ack_requested(alert)`,
    `window_requested(number, action)`, `notice_requested()`,
    `followup_requested(followup, what)` with what in assign | contact | resolve."""

    login_requested = Signal(str, str)
    logout_requested = Signal()
    ack_requested = Signal(str)
    window_requested = Signal(int, str)
    notice_requested = Signal()
    followup_requested = Signal(str, str)

    def __init__(
        self,
        model: HallModel,
        texts: Texts,
        observed: fig.Observed,
        wait_alert_s: float,
        due_soon_s: float,
        tz: Callable[[], ZoneInfo],
        own_device: str | None = None,
    ) -> None:
        super().__init__()
        self.model, self.texts, self.observed = model, texts, observed
        self.wait_alert_s, self.due_soon_s, self.tz = wait_alert_s, due_soon_s, tz
        self.own_device = own_device
        self.kpis: Kpis | None = None
        self.kpis_refused = False
        self.staff: str | None = None
        self.staff_name: str | None = None
        self.online: bool | None = None
        self.last_update: float | None = None  # when the wall last heard the server
        self.scale = 0.0
        self.family = cjk_family()
        self.digits: str | None = None
        self.ack_buttons: dict[str, QPushButton] = {}
        self.window_buttons: dict[int, QPushButton] = {}
        self.followup_buttons: dict[tuple[str, str], QPushButton] = {}
        self.service_cells: dict[str, tuple[QLabel, ...]] = {}  # the rows as shown, for tests
        self.window_cells: dict[int, tuple[QLabel, ...]] = {}
        self.setObjectName("wall")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle(texts("app_title"))
        self.setMinimumSize(1024, 640)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._header())
        self.banner = label("", "banner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        root.addWidget(self.banner)
        self.body = QGridLayout()
        root.addLayout(self.body, 1)
        self.services = Panel()
        self.windows = Panel()
        self.today = Panel()
        self.waiting_chart = WaitingChart()
        self.calls_chart = CallsChart()
        self.waiting_panel = Panel(grid=False, scroll=False)
        self.waiting_panel.body.addWidget(self.waiting_chart)
        self.calls_panel = Panel(grid=False, scroll=False)
        self.calls_panel.body.addWidget(self.calls_chart)
        self.calls_heatmap = CallsHeatmap()
        self.calls_heatmap.hide()
        self.calls_panel.body.addWidget(self.calls_heatmap)
        self.alerts = Panel(grid=False)
        self.ratings = Panel(grid=False)
        self.devices = Panel()
        columns = (
            ((self.services, 40), (self.windows, 60)),
            ((self.today, 24), (self.waiting_panel, 38), (self.calls_panel, 38)),
            ((self.alerts, 30), (self.ratings, 37), (self.devices, 33)),
        )
        self.right_panels = (self.alerts, self.ratings, self.devices)
        self.columns: list[QVBoxLayout] = []
        for c, (panels, width) in enumerate(zip(columns, (33, 35, 32), strict=True)):
            column = QVBoxLayout()
            for panel, height in panels:
                column.addWidget(panel, height)
            self.body.addLayout(column, 0, c)
            self.body.setColumnStretch(c, width)
            self.columns.append(column)
        self._build_today()
        root.addWidget(self._footer())
        self.login = LoginPanel(texts, self)
        self.login.submitted.connect(self.login_requested.emit)
        self.login.cancelled.connect(self.login.hide)
        self.apply_scale(1920, 1080)

    # -- building ----------------------------------------------------------------------------

    def _header(self) -> QWidget:
        header = QFrame()
        header.setObjectName("header")
        self.header = header
        row = QHBoxLayout(header)
        self.header_row = row
        self.hall_name = label("", "hallName")
        self.wall_name = label(self.texts("app_title"), "wallName")
        self.link_pill = label("", "linkPill")
        self.clock = label("", "clock")
        self.manager_line = label("", "managerLine")
        self.login_button = button(self.texts("login"), "headerButton")
        self.login_button.clicked.connect(self._login_clicked)
        row.addWidget(self.hall_name)
        row.addWidget(self.wall_name, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        for w in (self.link_pill, self.clock, self.manager_line, self.login_button):
            row.addWidget(w, 0, Qt.AlignmentFlag.AlignVCenter)
        return header

    def _footer(self) -> QWidget:
        footer = QFrame()
        footer.setObjectName("footer")
        row = QHBoxLayout(footer)
        self.footer_row = row
        self.notice_label = label(self.texts("notice_label"), "noticeLabel")
        self.notice_text = label("", "noticeText")
        self.notice_text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status = label("", "status")
        self.notice_button = button(self.texts("post_notice"))
        self.notice_button.clicked.connect(self.notice_requested.emit)
        row.addWidget(self.notice_label)
        row.addWidget(self.notice_text, 3)
        row.addWidget(self.status, 2, Qt.AlignmentFlag.AlignRight)
        row.addWidget(self.notice_button)
        return footer

    def _build_today(self) -> None:
        self.tiles: dict[str, QLabel] = {}
        keys = (
            "issued",
            "served",
            "no_show",
            "transferred",
            "satisfaction",
            "wait_avg",
            "wait_p90",
            "service_avg",
            "service_p90",
            "waiting_now",
        )
        grid = self.today.body
        assert isinstance(grid, QGridLayout)
        for i, key in enumerate(keys):
            tile = QFrame()
            tile.setObjectName("tile")
            box = QVBoxLayout(tile)
            box.setContentsMargins(8, 4, 8, 4)
            box.setSpacing(0)
            name = "col_waiting" if key == "waiting_now" else key
            title = label(self.texts(name), "tileName")
            value = label("", "tileValue")
            for part in (title, value):
                part.setAlignment(Qt.AlignmentFlag.AlignCenter)
                box.addWidget(part)
            grid.addWidget(tile, i // 5, i % 5)
            self.tiles[key] = value
        for column in range(5):
            grid.setColumnStretch(column, 1)

    def apply_scale(self, width: int, height: int) -> None:
        """The look at this size: 1.0 at 1920×1080 (fonts, margins, the charts' labels)."""
        s = theme.scale_for(width, height)
        if abs(s - self.scale) < 0.02:
            return
        self.scale = s
        self.setStyleSheet(theme.style_sheet(self.family, self.digits, s))
        self.header.setFixedHeight(round(72 * s))
        self.header_row.setContentsMargins(round(24 * s), 0, round(20 * s), 0)
        self.header_row.setSpacing(round(16 * s))
        self.body.setContentsMargins(round(14 * s), round(12 * s), round(14 * s), round(12 * s))
        self.body.setSpacing(round(12 * s))
        for column in self.columns:
            column.setSpacing(round(12 * s))
        self.footer_row.setContentsMargins(round(20 * s), round(6 * s), round(14 * s), round(6 * s))
        for panel in (
            self.services,
            self.windows,
            self.today,
            self.waiting_panel,
            self.calls_panel,
            self.alerts,
            self.ratings,
            self.devices,
        ):
            panel.set_scale(s)
        for chart in (self.waiting_chart, self.calls_chart, self.calls_heatmap):
            chart.set_font(self.family, round(15 * s))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.apply_scale(event.size().width(), event.size().height())
        if self.login.isVisible():
            self.login.setGeometry(self.rect())

    # -- what it shows -----------------------------------------------------------------------

    def time_text(self, at: float | None, seconds: bool = False) -> str:
        if at is None:
            return self.texts("none")
        t = dt.datetime.fromtimestamp(at, self.tz())
        return t.strftime("%H:%M:%S" if seconds else "%H:%M")

    def when_text(self, at: float | None, now: float) -> str:
        """A time today as HH:MM, another day's with its date."""
        if at is None:
            return self.texts("none")
        tz = self.tz()
        t, today = dt.datetime.fromtimestamp(at, tz), dt.datetime.fromtimestamp(now, tz)
        return t.strftime("%H:%M" if t.date() == today.date() else "%m-%d %H:%M")

    def refresh(self, now: float) -> None:
        self.tick(now)
        self._services(now)
        self._windows(now)
        self._today()
        self._charts(now)
        self._alerts(now)
        self._ratings(now)
        self._devices(now)
        self._balance()
        notice = self.model.notice
        text = self.texts.pick(notice.text_zh, notice.text_en) if notice is not None else ""
        self.notice_text.setText(text or self.texts("notice_none"))
        set_prop(self.notice_text, "tone", None if text else "muted")

    def tick(self, now: float) -> None:
        """The clock, the link and the manager: cheap, every second."""
        hall = self.model.hall
        self.hall_name.setText(
            self.texts.pick(hall.name_zh, hall.name_en) or self.texts("hall_unknown")
        )
        t = dt.datetime.fromtimestamp(now, self.tz())
        weekday = self.texts("weekdays").split(",")[t.weekday()]
        self.clock.setText(
            self.texts(
                "clock", date=t.strftime("%Y-%m-%d"), weekday=weekday, time=t.strftime("%H:%M:%S")
            )
        )
        state = {True: "online", False: "offline", None: "connecting"}[self.online]
        set_prop(self.link_pill, "state", state)
        self.link_pill.setText("● " + self.texts(f"link_{state}"))
        if self.online:
            self.banner.hide()
        else:
            if self.online is False and self.last_update is not None:
                self.banner.setText(
                    self.texts("stale", time=self.time_text(self.last_update, True))
                )
            elif self.online is False:
                self.banner.setText(self.texts("stale_never"))
            else:
                self.banner.setText(self.texts("connecting"))
            self.banner.show()
        if self.staff is not None:
            self.manager_line.setText(
                self.texts("manager_line", name=self.staff_name or self.staff, staff=self.staff)
            )
            self.login_button.setText(self.texts("logout"))
        else:
            self.manager_line.setText(self.texts("view_only"))
            self.login_button.setText(self.texts("login"))

    def _login_clicked(self) -> None:
        if self.staff is not None:
            self.logout_requested.emit()
        else:
            self.login.open()

    def _services(self, now: float) -> None:
        panel, texts = self.services, self.texts
        grid = panel.body
        assert isinstance(grid, QGridLayout)
        clear(grid)
        rows = fig.service_rows(self.model, now, self.wait_alert_s)
        self.service_cells = {}
        panel.title.setText(texts("services"))
        panel.note.setText(texts("waiting_total", n=sum(r.waiting for r in rows)))
        heads = ("col_service", "col_waiting", "col_longest", "col_issued")
        for c, key in enumerate(heads):
            head = label(texts(key), "colHead")
            if c:
                head.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(head, 0, c)
        if not rows and self.model.synced:
            grid.addWidget(label(texts("no_services"), "empty"), 1, 0, 1, 4)
        for i, r in enumerate(rows, start=1):
            name = texts.pick(r.name_zh, r.name_en) or r.code
            if not r.open:
                why = "service_quota" if r.closed_reason == "quota" else "service_closed"
                name = f"{name}（{texts(why)}）"
            cells = (
                label(name, "cell", None if r.open else "muted"),
                label(str(r.waiting), "cell", "big" if r.waiting else "muted"),
                label(
                    texts.duration(r.longest_s) if r.longest_s is not None else texts("none"),
                    "cell",
                    "bigred" if r.over else ("soft" if r.longest_s is not None else "muted"),
                ),
                label(
                    texts("quota_of", issued=r.issued, quota=r.quota)
                    if r.quota is not None
                    else str(r.issued),
                    "cell",
                    "soft",
                ),
            )
            self.service_cells[r.code] = cells
            for c, cell in enumerate(cells):
                if c:
                    cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(cell, i, c)
        grid.setColumnStretch(0, 1)

    def _windows(self, now: float) -> None:
        panel, texts = self.windows, self.texts
        grid = panel.body
        assert isinstance(grid, QGridLayout)
        clear(grid)
        self.window_buttons = {}
        self.window_cells = {}
        rows = fig.window_rows(self.model)
        count = {s: sum(r.state is s for r in rows) for s in WindowState}
        panel.title.setText(texts("windows"))
        panel.note.setText(
            texts(
                "windows_summary",
                open=count[WindowState.OPEN],
                paused=count[WindowState.PAUSED],
                closed=count[WindowState.CLOSED],
            )
        )
        heads = ("col_window", "col_state", "col_clerk", "col_serving", "col_served")
        for c, key in enumerate(heads):
            head = label(texts(key), "colHead")
            if key == "col_served":
                head.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(head, 0, c)
        per_window = self.kpis.windows if self.kpis is not None else {}
        for i, r in enumerate(rows, start=1):
            if r.state is WindowState.OPEN:
                state = texts("state_open") if r.serving else texts("state_idle")
                tone = "green"
            elif r.state is WindowState.PAUSED:
                state, tone = texts("state_paused", reason=texts.pause_reason(r.reason)), "amber"
            else:
                state, tone = texts("state_closed"), "muted"
            closed = r.state is WindowState.CLOSED
            clerk = r.staff_name or r.staff or texts("none")
            serving = r.serving or texts("none")
            if r.serving and r.serving_since is not None:
                serving = f"{r.serving}  {texts.duration(now - r.serving_since)}"
            cells = (
                label(texts("window_cell", n=r.number), "cell"),
                label(state, "cell", tone),
                label("" if closed else clerk, "cell", "soft"),
                label("" if closed else serving, "cell", "number"),
                label(
                    str(per_window[r.number].served) if r.number in per_window else "",
                    "cell",
                    "soft",
                ),
            )
            cells[4].setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for c, cell in enumerate(cells):
                grid.addWidget(cell, i, c)
            self.window_cells[r.number] = cells
            if not closed:
                action = "resume" if r.state is WindowState.PAUSED else "pause"
                act = button(texts(action))
                act.clicked.connect(
                    lambda _c=False, n=r.number, a=action: self.window_requested.emit(n, a)
                )
                grid.addWidget(act, i, 5)
                self.window_buttons[r.number] = act
        grid.setColumnStretch(1, 1)

    def _figures(self) -> Figures | None:
        return self.kpis.total if self.kpis is not None else None

    def _today(self) -> None:
        texts, f = self.texts, self._figures()
        self.today.title.setText(texts("today"))
        if self.kpis is not None:
            self.today.note.setText(texts("kpis_at", time=self.time_text(self.kpis.at, True)))
        else:
            self.today.note.setText(texts("kpis_none") if self.kpis_refused else "")
        none = texts("none")

        def count(value: int | None) -> str:
            return none if value is None else str(value)

        satisfaction = f.satisfaction if f is not None else None
        values = {
            # live, as the services' counts; a count only grows in a day: the newer one is larger
            "issued": str(max(fig.issued_today(self.model), f.issued if f is not None else 0)),
            "served": count(f.served if f else None),
            "no_show": count(f.no_show if f else None),
            "transferred": count(f.transferred if f else None),
            "satisfaction": none if satisfaction is None else f"{satisfaction * 100:.0f}%",
            "wait_avg": texts.duration(f.wait_avg_s if f else None),
            "wait_p90": texts.duration(f.wait_p90_s if f else None),
            "service_avg": texts.duration(f.service_avg_s if f else None),
            "service_p90": texts.duration(f.service_p90_s if f else None),
            "waiting_now": str(sum(s.waiting for s in self.model.services.values())),
        }
        for key, value in values.items():
            tile = self.tiles[key]
            tile.setText(value)
            tone = "muted" if value == none else ("green" if key == "satisfaction" else None)
            set_prop(tile, "tone", tone)

    def _charts(self, now: float) -> None:
        texts, tz = self.texts, self.tz()
        self.waiting_panel.title.setText(texts("chart_waiting"))
        self.calls_panel.title.setText(texts("chart_calls"))
        names = {
            code: texts.pick(s.name_zh, s.name_en) or code
            for code, s in self.model.services.items()
        }
        drawn = [
            (code, points) for code, points in self.observed.series(self.kpis).items() if points
        ]
        if len(drawn) > MAX_LINES:  # the services where most wait now (then at the peak)
            drawn.sort(key=lambda cp: (-cp[1][-1][1], -max(n for _, n in cp[1])))
            drawn = drawn[:MAX_LINES]
        series = {
            names.get(code, code): [(fig.local_hour(at, tz), n) for at, n in points]
            for code, points in drawn
        }
        self.waiting_chart.show_series(series, fig.local_hour(now, tz))
        calls = self.observed.calls_by_hour(self.kpis)
        seen = [h for by_hour in calls.values() for h in by_hour]
        first = min([DAY_HOURS[0], *seen])
        last = max([DAY_HOURS[1], *seen])
        by_window = {texts("window_short", n=w): calls[w] for w in sorted(calls)}
        many = len(by_window) > MAX_BARS
        shown = self.calls_heatmap if many else self.calls_chart
        shown.show_calls(by_window, list(range(first, last + 1)))
        self.calls_heatmap.setVisible(many)
        self.calls_chart.setVisible(not many)
        if len(self.observed.series(self.kpis)) > MAX_LINES:
            self.waiting_panel.note.setText(texts("chart_top", n=MAX_LINES))
        else:
            self.waiting_panel.note.setText("" if series else texts("chart_empty"))
        self.calls_panel.note.setText("" if calls else texts("chart_empty"))

    def _alerts(self, now: float) -> None:
        panel, texts = self.alerts, self.texts
        box = panel.body
        clear(box)
        self.ack_buttons = {}
        alerts = fig.alerts_newest_first(self.model)
        panel.title.setText(texts("alerts", n=len(alerts)))
        panel.note.setText("")
        if not alerts:
            box.addWidget(label(texts("no_alerts"), "empty"))
        for a in alerts:
            row, ack = alert_row(a, texts, lambda at: self.when_text(at, now), now, self.scale)
            ack.clicked.connect(lambda _c=False, key=a.alert: self.ack_requested.emit(key))
            box.addWidget(row)
            self.ack_buttons[a.alert] = ack

    def _ratings(self, now: float) -> None:
        panel, texts = self.ratings, self.texts
        box = panel.body
        clear(box)
        self.followup_buttons = {}
        f = self._figures()
        panel.title.setText(texts("ratings"))
        if f is not None and f.rated:
            pct = f"{(f.satisfaction or 0) * 100:.0f}%"
            panel.note.setText(f"{texts('satisfaction')} {pct}")
            levels = " · ".join(
                f"{texts.rating(score)} {f.by_level.get(score, 0)}" for score in (5, 4, 3, 2, 1)
            )
            summary = label(
                texts("satisfaction_note", satisfied=f.satisfied, rated=f.rated) + "\n" + levels,
                "rowText",
            )
            summary.setWordWrap(True)
            box.addWidget(summary)
        else:
            panel.note.setText("")
            box.addWidget(label(texts("no_ratings"), "rowText"))
        hall = self.kpis.hall_ratings if self.kpis is not None else None
        if hall is not None and hall.rated:
            pct = f"{(hall.satisfaction or 0) * 100:.0f}%"
            box.addWidget(label(texts("hall_satisfaction", pct=pct, rated=hall.rated), "rowText"))
        rows = fig.open_followups(self.model, now, self.due_soon_s)
        box.addWidget(label(texts("followups", n=len(rows)), "rowTitle"))
        if not rows:
            box.addWidget(label(texts("no_followups"), "empty"))
        for r in rows:
            row, acts = followup_row(
                r, texts, self.model.services, lambda at: self.when_text(at, now), self.scale
            )
            for what, act in acts.items():
                act.clicked.connect(
                    lambda _c=False, key=r.followup.followup, w=what: self.followup_requested.emit(
                        key, w
                    )
                )
                self.followup_buttons[(r.followup.followup, what)] = act
            box.addWidget(row)

    def _devices(self, now: float) -> None:
        panel, texts = self.devices, self.texts
        grid = panel.body
        assert isinstance(grid, QGridLayout)
        clear(grid)
        rows = fig.device_rows(self.model, self.own_device)
        online = sum(r.online is True for r in rows)
        panel.title.setText(texts("devices"))
        panel.note.setText(texts("devices_summary", online=online, total=len(rows)))
        if not rows:
            grid.addWidget(label(texts("no_devices"), "empty"), 0, 0, 1, 4)
        shown, healthy = fig.group_healthy(rows, GROUP_HEALTHY)
        i = -1
        for i, r in enumerate(shown):
            state, tone = device_state(r, texts)
            dot = label("●", "dot")
            dot.setProperty("tone", r.health.value)
            grid.addWidget(dot, i, 0)
            name = label(device_name(r, texts), "cell")
            name.setToolTip(r.device)
            grid.addWidget(name, i, 1)
            grid.addWidget(label(role_name(r.role, texts), "cell", "soft"), i, 2)
            grid.addWidget(label(state, "cell", tone), i, 3)
            seen = ""
            if r.seen_at is not None:
                key = "online_since" if r.online else "last_seen"
                key = "last_heard" if r.parent is not None else key
                seen = texts(key, time=self.when_text(r.seen_at, now))
            grid.addWidget(label(seen, "cell", "muted"), i, 4)
        for j, (role_code, count) in enumerate(healthy.items(), start=i + 1):
            dot = label("●", "dot")
            dot.setProperty("tone", fig.Health.OK.value)
            grid.addWidget(dot, j, 0)
            grid.addWidget(label(role_name(role_code, texts), "cell"), j, 1)
            grid.addWidget(label(texts("devices_all_ok", n=count), "cell", "soft"), j, 2)
            grid.addWidget(label(texts("health_ok"), "cell", "green"), j, 3)
        grid.setColumnStretch(3, 1)

    def _balance(self) -> None:
        """Share each column's height by what its panels need to show everything."""
        least = round(120 * self.scale)  # an empty panel still shows its title and a line
        for column, panels in ((0, (self.services, self.windows)), (2, self.right_panels)):
            for i, panel in enumerate(panels):
                self.columns[column].setStretch(i, max(least, panel.need()))

    # -- the status line ---------------------------------------------------------------------

    def show_status(self, level: str, text: str) -> None:
        self.status.setText(text)
        set_prop(self.status, "level", level)
