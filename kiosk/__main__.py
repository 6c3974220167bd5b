"""python -m kiosk --server ws://HOST:PORT/ws --device kiosk-1 --token … --printer /dev/ttyUSB0"""

from __future__ import annotations

import logging
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from appkit.fonts import cjk_font

from . import config as kiosk_config
from .app import build, printer_port


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = kiosk_config.load(argv)
    except kiosk_config.ConfigError as exc:
        logging.getLogger("kiosk").error("%s", exc)
        return 2
    app = QApplication(sys.argv[:1])
    app.setFont(cjk_font(16))
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer()  # lets Python run its signal handlers while Qt's loop waits
    wake.start(500)
    wake.timeout.connect(lambda: None)
    with printer_port(config) as port:
        kiosk = build(config, port)
        if config.windowed:
            kiosk.window.show()
        else:
            kiosk.window.showFullScreen()
        kiosk.start()
        try:
            return app.exec()
        finally:
            kiosk.stop()


if __name__ == "__main__":
    sys.exit(main())
