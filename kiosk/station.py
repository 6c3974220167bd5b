"""24小时便民服务站: the kiosk of an unattended station, and how it keeps itself alive.

With ``mode = "station"`` in the kiosk's settings, when no window of the hall is open the
home screen gives way to the station's: which services the self-service machines there do
(the configured ``self_service`` list) and when the hall opens next (the earliest
``opens_at`` of the hall's services, from their opening hours). A window that opens brings
the ticket screens back.

A watchdog restarts a kiosk that crashed or hangs (``python -m kiosk.watchdog``, or systemd
with ``Restart=always`` and ``WatchdogSec``): :class:`Heartbeat` tells it the kiosk's event
loop still turns, by touching a file and by systemd's ``WATCHDOG=1``. A kiosk started again
by the watchdog says so to the server once it is online (``device_status`` with the restart
in its ``detail``), and the server's device presence shows it left and came back.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QWidget

from appkit.link import ServerError, ServerLink
from contract.hall import HallModel
from contract.records import WindowState

from .config import SelfService
from .flow import KioskFlow, Stage
from .layout import ScreenFit
from .screens import Card, Page
from .texts import text
from .widgets import label, styled

__all__ = [
    "RESTARTS_ENV",
    "Heartbeat",
    "RestartReport",
    "StationScreen",
    "after_hours",
    "next_opening",
    "opening_text",
]

log = logging.getLogger(__name__)

RESTARTS_ENV = "KIOSK_RESTARTS"  # set by the watchdog: how many times it restarted the kiosk
REASON_ENV = "KIOSK_RESTART_REASON"  # why it did the last time (exit code, hung, killed)

Clock = Callable[[], float]


def after_hours(model: HallModel) -> bool:
    """No window of the hall is open (serving) now, and the model knows its windows."""
    return bool(model.windows) and all(
        w.state is not WindowState.OPEN for w in model.windows.values()
    )


def next_opening(model: HallModel) -> float | None:
    """When the hall opens next: the earliest next opening of its services (None: unknown)."""
    times = [s.opens_at for s in model.services.values() if s.opens_at is not None]
    return min(times) if times else None


def opening_text(at: float | None, now: float, tz: ZoneInfo, lang: str) -> str:
    """ "大厅下次开放：明天（星期四）09:00" in the citizen's language."""
    if at is None:
        return text("station_opens_unknown", lang)
    when = dt.datetime.fromtimestamp(at, tz)
    today = dt.datetime.fromtimestamp(now, tz).date()
    weekday = text("weekdays", lang).split(",")[when.isoweekday() - 1]
    days = (when.date() - today).days
    key = {0: "station_opens_today", 1: "station_opens_tomorrow"}.get(days, "station_opens_on")
    return text(
        key,
        lang,
        time=when.strftime("%H:%M"),
        weekday=weekday,
        month=when.month,
        day=when.day,
    )


class StationScreen(Page):
    """Windows closed: what the self-service machines here do, and when the hall opens."""

    def __init__(
        self,
        fit: ScreenFit,
        services: tuple[SelfService, ...],
        tz: Callable[[], ZoneInfo],
        clock: Clock,
    ) -> None:
        """`tz`: the hall's time zone now (the server's welcome may change it)."""
        super().__init__(fit)
        self.services, self.tz, self.clock = services, tz, clock
        card = Card(fit)
        self.title = label("big-title")
        self.closed = label("fact")
        self.opens = label("service")
        for part in (self.title, self.closed, self.opens):
            card.column.addWidget(part)
        self.list_title = label("subtitle")
        self.items = QWidget()
        styled(self.items, "page")
        grid = QGridLayout(self.items)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(18)
        self.tiles = [label("station-item") for _ in services]
        per_row = 2 if fit.orientation == "portrait" else 3
        for i, tile in enumerate(self.tiles):
            grid.addWidget(tile, i // per_row, i % per_row)
        if fit.orientation == "portrait":  # a tall screen: bigger items, the whole centred
            for tile in self.tiles:
                tile.setMinimumHeight(round(150 * fit.scale))
        self.none = label("note")
        self.hint = label("note")
        self.column.addStretch(1)
        self.column.addWidget(card)
        self.column.addWidget(self.list_title)
        self.column.addWidget(self.items)
        self.column.addWidget(self.none)
        self.column.addStretch(1)
        self.column.addWidget(self.hint)

    def refresh(self, flow: KioskFlow) -> None:
        lang = flow.language
        self.title.setText(text("station_title", lang))
        self.closed.setText(text("station_closed", lang))
        at = next_opening(flow.model)
        self.opens.setText(opening_text(at, self.clock(), self.tz(), lang))
        self.list_title.setText(text("station_self_service", lang))
        for tile, item in zip(self.tiles, self.services, strict=True):
            tile.setText(item.en or item.zh if lang == "en" else item.zh)
            tile.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.none.setVisible(not self.services)
        self.none.setText(text("station_no_self_service", lang))
        self.hint.setText(text("station_hint", lang))


def shows_station(flow: KioskFlow) -> bool:
    """The station's screen replaces the home screen: resting, online, every window closed."""
    return flow.stage is Stage.IDLE and after_hours(flow.model)


class Heartbeat(QObject):
    """Tells a watchdog the kiosk's Qt loop still turns: touches ``path`` and sends systemd's
    ``WATCHDOG=1`` (when started by systemd with ``WatchdogSec``) every ``every_s``."""

    def __init__(self, path: str, every_s: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path) if path else None
        self.notify = os.environ.get("NOTIFY_SOCKET", "")
        self.timer = QTimer(self)
        self.timer.setInterval(round(every_s * 1000))
        self.timer.timeout.connect(self.beat)

    @property
    def wanted(self) -> bool:
        return self.path is not None or bool(self.notify)

    def start(self) -> None:
        if not self.wanted:
            return
        self._notify("READY=1")
        self.beat()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._notify("STOPPING=1")

    def beat(self) -> None:
        if self.path is not None:
            try:
                self.path.touch()
            except OSError as exc:
                log.warning("heartbeat file %s: %s", self.path, exc)
        self._notify("WATCHDOG=1")

    def _notify(self, message: str) -> None:
        """sd_notify(3): one datagram to $NOTIFY_SOCKET (an abstract one starts with @)."""
        if not self.notify:
            return
        address = "\0" + self.notify[1:] if self.notify.startswith("@") else self.notify
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto(message.encode(), address)
        except OSError as exc:
            log.warning("systemd notify %s failed: %s", message, exc)


class RestartReport(QObject):
    """Once online after a watchdog restart, say so: ``device_status`` with the restart."""

    def __init__(self, link: ServerLink, flow: KioskFlow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link, self.flow = link, flow
        self.restarts = _restarts()
        self.reason = os.environ.get(REASON_ENV, "")
        self.sent = False
        if self.restarts:
            log.warning("started again by the watchdog (%d): %s", self.restarts, self.reason)
            link.online.connect(self._online)

    @property
    def detail(self) -> str:
        return text("station_restarted", "zh", n=self.restarts, reason=self.reason) + (
            " / " + text("station_restarted", "en", n=self.restarts, reason=self.reason)
        )

    def _online(self, online: bool) -> None:
        if not online or self.sent:
            return
        self.sent = True
        printer = self.flow.printer.device_status
        status = printer if printer not in (None, "ok") else "recovered"
        # The flow says the printer's next change; "recovered" stays until then (the wall
        # shows it amber, and an alert until a manager acknowledges it).
        self.flow.reported = printer or "ok"

        def done(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            if error is not None:
                log.warning("restart report refused: %s", error.code)
                self.sent = False

        self.link.request("device_status", done, status=status, detail=self.detail)


def _restarts() -> int:
    try:
        return max(0, int(os.environ.get(RESTARTS_ENV, "0")))
    except ValueError:
        return 0
