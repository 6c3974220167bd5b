"""Run the clerk app of one window.

    python -m clerk --server ws://HOST:8765/ws --window 3 --device clerk-3 --token TOKEN \
        [--lang zh|en] [--compact]

The token may also come from the environment (HALL_TOKEN), so it need not show in `ps`.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from appkit.fonts import cjk_font
from appkit.words import LANGUAGES
from clerk.app import ClerkApp


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m clerk", description="窗口软件呼叫器 / window caller"
    )
    parser.add_argument("--server", required=True, help="ws://HOST:PORT/ws")
    parser.add_argument("--window", type=int, required=True, help="this window's number")
    parser.add_argument("--device", required=True, help="this clerk device's id, e.g. clerk-3")
    parser.add_argument(
        "--token",
        default=os.environ.get("HALL_TOKEN"),
        help="the device token (default: $HALL_TOKEN)",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="zh")
    parser.add_argument("--compact", action="store_true", help="start as the always-on-top strip")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("--token is required (or set HALL_TOKEN)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = QApplication(sys.argv[:1])
    app.setFont(cjk_font(11))
    clerk = ClerkApp(args.server, args.window, args.device, args.token, args.lang, args.compact)
    clerk.start()
    # Ctrl-C or a service manager's SIGTERM ends the app cleanly; the idle timer lets Python
    # run its signal handlers while Qt's loop is waiting.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    wake = QTimer()
    wake.start(250)
    wake.timeout.connect(lambda: None)
    try:
        return app.exec()
    finally:
        wake.stop()
        clerk.shutdown()


if __name__ == "__main__":
    sys.exit(main())
