"""python -m display --server ws://HOST:PORT/ws --device board-1 --token … [--window 3]"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import sys

from PySide6.QtCore import QCoreApplication, QSocketNotifier
from PySide6.QtWidgets import QApplication

from appkit.fonts import cjk_font

from . import config as display_config
from .app import DisplayApp
from .voice_link import load_voice


def quit_on_signals(app: QCoreApplication) -> QSocketNotifier:
    """SIGINT and SIGTERM end Qt's loop. Python hears of a signal only when it runs; instead
    of waking it with a timer (a board must cost nothing while idle), the signal writes to a
    socket that Qt's loop watches. Keep the returned notifier alive."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def woken() -> None:
        with contextlib.suppress(OSError):
            reader.recv(64)

    notifier.activated.connect(woken)
    _sockets.extend((reader, writer))  # open for the life of the process
    return notifier


_sockets: list[socket.socket] = []


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = display_config.load(argv)
        voice = load_voice(argv)
    except display_config.ConfigError as exc:
        logging.getLogger("display").error("%s", exc)
        return 2
    app = QApplication(sys.argv[:1])
    app.setFont(cjk_font(16))
    notifier = quit_on_signals(app)
    board = DisplayApp(config, voice)
    board.show()
    board.start()
    try:
        return app.exec()
    finally:
        board.stop()
        notifier.setEnabled(False)


if __name__ == "__main__":
    sys.exit(main())
