"""python -m wall --server ws://HOST:PORT/ws --device manager-1 --token … [--lang en]"""

from __future__ import annotations

import logging
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from appkit.fonts import cjk_font

from . import config as wall_config
from .app import WallApp


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = wall_config.load(argv)
    except wall_config.ConfigError as exc:
        logging.getLogger("wall").error("%s", exc)
        return 2
    app = QApplication(sys.argv[:1])
    app.setFont(cjk_font(14))
    wall = WallApp(config)
    wall.show()
    wall.start()
    # Ctrl-C or a service manager's SIGTERM ends the wall cleanly; the wall's clock already
    # wakes Qt's loop every second, which lets Python run its signal handlers.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    wake = QTimer()
    wake.start(500)
    wake.timeout.connect(lambda: None)
    try:
        return app.exec()
    finally:
        wake.stop()
        wall.stop()


if __name__ == "__main__":
    sys.exit(main())
