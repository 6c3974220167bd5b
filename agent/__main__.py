"""python -m agent --server ws://HOST:PORT/ws --device agent-1 [--lang en]  (token: $HALL_TOKEN)"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

from PySide6.QtWidgets import QApplication

from appkit.fonts import cjk_font
from appkit.link import ServerLink

from .app import AgentWindow


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    p = argparse.ArgumentParser(prog="python -m agent", description="帮办代办 agent app")
    p.add_argument("--server", required=True, help="queue server, e.g. ws://10.0.0.2:8765/ws")
    p.add_argument("--device", required=True, help="this tablet's device id, e.g. agent-1")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = p.parse_args(argv)
    token = os.environ.get("HALL_TOKEN", "")
    if not token:
        logging.getLogger("agent").error("设备令牌缺失 / no token: set $HALL_TOKEN")
        return 2
    app = QApplication(sys.argv[:1])
    app.setFont(cjk_font(16))
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    link = ServerLink(args.server, "agent", args.device, token)
    window = AgentWindow(link, args.device, args.lang)
    window.show()
    link.start()
    try:
        return app.exec()
    finally:
        link.stop()


if __name__ == "__main__":
    sys.exit(main())
