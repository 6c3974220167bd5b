"""Run the queue server: `python -m queue_server --config HALL.toml --db FILE --port 8765`.

`python -m queue_server report|export|explore …` runs a manager's tool instead (reports, the
好差评 export, Datasette): see docs/reports.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable

from queue_server.config import ConfigError, load_hall
from queue_server.server import HallServer
from queue_server.service import HallService
from queue_server.store import Store

log = logging.getLogger("queue_server")

REPORT_COMMANDS = ("report", "export", "explore")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m queue_server", description=__doc__)
    parser.add_argument("--config", required=True, help="the hall's TOML file")
    parser.add_argument("--db", default="var/hall.sqlite", help="SQLite file (created if missing)")
    parser.add_argument(
        "--host",
        default="0.0.0.0",
        help="address to listen on (0.0.0.0: every interface of the hall LAN; 127.0.0.1: this PC)",
    )
    parser.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument(
        "--check", action="store_true", help="check the configuration, print a summary, exit"
    )
    return parser.parse_args(argv)


async def serve(
    args: argparse.Namespace, started: Callable[[HallServer], None] | None = None
) -> int:
    """Run until SIGTERM/SIGINT (exit 0) or until the writer stops (exit 1: restart me)."""
    try:
        hall = load_hall(args.config)
    except ConfigError as exc:
        log.error("配置文件有误 / bad configuration: %s", exc)
        return 2
    if args.check:
        sys.stdout.write(
            f"配置正确 / configuration OK: {hall.name_zh}: {len(hall.services)} services, "
            f"{len(hall.windows)} windows, {len(hall.staff)} staff, {len(hall.devices)} devices\n"
        )
        return 0
    store = Store.open(args.db, hall=hall.id)
    server = HallServer(HallService(hall, store))
    try:
        port = await server.start(args.host, args.port)
    except OSError as exc:
        log.error(
            "无法监听 %s:%s / cannot listen on %s:%s: %s",
            args.host,
            args.port,
            args.host,
            args.port,
            exc.strerror or exc,
        )
        await server.stop()
        return 2
    # The one line on stdout: scripts and tests read the port from it.
    sys.stdout.write(f"listening on ws://{args.host}:{port}/ws\n")
    sys.stdout.flush()
    log.info(
        "%s: %d services, %d windows, db %s",
        hall.name_zh,
        len(hall.services),
        len(hall.windows),
        args.db,
    )

    if started is not None:
        started(server)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    fatal = server.service.fatal
    assert fatal is not None
    waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(fatal.wait())]
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waits:
        waiter.cancel()
    if fatal.is_set():
        log.critical("the writer stopped: exiting with status 1 for the supervisor to restart")
        await server.stop()
        return 1
    log.info("shutting down")
    await server.stop()
    log.info("stopped cleanly")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in REPORT_COMMANDS:  # report, export, explore: the managers' tools
        from queue_server.reports.cli import main as reports_main

        return reports_main(argv)
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    return asyncio.run(serve(args))


if __name__ == "__main__":
    sys.exit(main())
