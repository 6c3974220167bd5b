"""python -m display --server ws://HOST:PORT/ws --device board-1 --token … [--window 3]"""

from __future__ import annotations

import logging
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from appkit.fonts import cjk_font

from . import config as display_config
from .app import DisplayApp


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = display_config.load(argv)
    except display_config.ConfigError as exc:
        logging.getLogger("display").error("%s", exc)
        return 2
    app = QApplication(sys.argv[:1])
    app.setFont(cjk_font(16))
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    wake = QTimer()  # lets Python run its signal handlers while Qt's loop waits
    wake.start(500)
    wake.timeout.connect(lambda: None)
    board = DisplayApp(config)
    board.show()
    board.start()
    try:
        return app.exec()
    finally:
        wake.stop()
        board.stop()


if __name__ == "__main__":
    sys.exit(main())
