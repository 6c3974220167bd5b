"""Assemble a kiosk from its settings: printer, server link, controller and window."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtGui import QGuiApplication

from appkit.link import ServerLink
from drivers.printer import PaperWidth, PrinterEncoding, SerialPrinter

from .config import KioskConfig
from .controller import KioskController
from .layout import fit_screen
from .printing import PrinterService
from .station import Heartbeat, RestartReport, StationScreen
from .window import KioskWindow

log = logging.getLogger(__name__)


@dataclass
class Kiosk:
    controller: KioskController
    window: KioskWindow
    heartbeat: Heartbeat | None = None  # for the watchdog (kiosk.watchdog, systemd)
    restart: RestartReport | None = None

    def start(self) -> None:
        self.controller.start()
        if self.heartbeat is not None:
            self.heartbeat.start()

    def stop(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stop()
        self.window.stop()
        self.controller.stop()


def screen_size(windowed: bool = False) -> tuple[int, int]:
    """The primary screen's size in device-independent pixels (the part left free by panels
    when `windowed`); (0, 0) when there is no screen."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return 0, 0
    rect = screen.availableGeometry() if windowed else screen.geometry()
    return rect.width(), rect.height()


def build(
    config: KioskConfig, printer_url: str | None = None, screen: tuple[int, int] | None = None
) -> Kiosk:
    """A kiosk ready to `start()`; `printer_url` overrides `config.printer` (a fake's pty),
    `screen` the size of the screen to fill (by default the primary screen's)."""
    printer = SerialPrinter(
        printer_url or config.printer,
        baudrate=config.baud,
        encoding=PrinterEncoding(config.encoding),
    )
    link = ServerLink(config.server, "kiosk", config.device, config.token)
    width = PaperWidth.MM58 if config.paper_mm == 58 else PaperWidth.MM80
    controller = KioskController(config, link, PrinterService(printer, width))
    fit = fit_screen(config.orientation, *(screen or screen_size(config.windowed)))
    log.info(
        "screen %d×%d: %s layout at scale %.2f", fit.width, fit.height, fit.orientation, fit.scale
    )
    station = None
    if config.mode == "station":  # 24小时便民服务站
        station = StationScreen(fit, config.self_service, lambda: controller.tz, time.time)
    window = KioskWindow(
        controller.flow, controller, fit, controller.tz, station, controller.checkin_desk
    )
    heartbeat = Heartbeat(config.heartbeat, config.heartbeat_s)
    restart = RestartReport(link, controller.flow)
    return Kiosk(controller, window, heartbeat if heartbeat.wanted else None, restart)


@contextlib.contextmanager
def printer_port(config: KioskConfig) -> Iterator[str]:
    """The port to open: the configured one, or a fake printer's pty for `fake[:mode]`."""
    if not config.printer.startswith("fake"):
        yield config.printer
        return
    from drivers.printer.fake import FakePrinter  # only for demos

    mode = config.printer.partition(":")[2] or "ok"
    with FakePrinter(mode) as fake:
        log.info("fake printer (%s) on %s", mode, fake.port_path)
        yield fake.port_path
