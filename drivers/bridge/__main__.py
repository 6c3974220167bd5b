"""Run the bus bridge: `python -m drivers.bridge --config BRIDGE.toml [--log-level INFO]`.

`--check` only reads and checks the file (exit 0, or 2 naming the line of the problem).

It owns the serial port, speaks to the queue server as the `bridge` role and reconnects both
sides on its own. SIGTERM or SIGINT stop it cleanly. Exit status 2: bad configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from .bridge import Bridge
from .config import BridgeConfigError, load_bridge_config

log = logging.getLogger("drivers.bridge")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m drivers.bridge", description=__doc__)
    parser.add_argument("--config", required=True, help="the bridge's TOML file")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--check", action="store_true", help="check the file and exit")
    return parser.parse_args(argv)


async def serve(bridge: Bridge) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, bridge.stop)
    await bridge.run()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        config = load_bridge_config(args.config)
    except BridgeConfigError as exc:
        log.error("配置文件有误 / bad configuration: %s", exc)
        return 2
    if args.check:
        return 0
    asyncio.run(serve(Bridge(config)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
