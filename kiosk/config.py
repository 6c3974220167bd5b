"""The kiosk's settings: command line over an optional TOML file over defaults. No Qt.

    python -m kiosk --server ws://10.0.0.2:8765/ws --device kiosk-1 --token … \
        --printer /dev/ttyUSB0 [--baud 9600] [--orientation auto|portrait|landscape] \
        [--lang zh|en] [--public-url http://…] [--config kiosk.toml]

`--orientation auto` (the default) follows the screen: landscape on a wide screen, portrait on
a tall one. Either way the kiosk fills the screen it is on (see `layout.py`).

The TOML file holds the same keys (dashes or underscores) in a `[kiosk]` table, plus the ones
that have no option: `idle_timeout_s`, `done_timeout_s`, `printer_poll_s`,
`out_of_service_poll_s`, `paper_mm` (58 or 80), `encoding`, `timezone`, and for a 24-hour
self-service station (24小时便民服务站) `mode = "station"`, `self_service = [{zh = "社保查询打印",
en = "Social insurance records"}, …]` (what the self-service machines there do, shown while
every window is closed), `heartbeat` (a file touched every `heartbeat_s` for the watchdog,
`python -m kiosk.watchdog`).
`--printer fake` (or `fake:paper_out` …) starts a fake printer in the process, for demos.

Each setting's type and bounds are in `KioskConfig`'s annotations; msgspec checks the file
against them, and a bad value names the file, the line and the key, like the hall's files
(``kiosk.toml:7: idle_timeout_s: must be a number, got "abc"``).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import msgspec
from msgspec import Meta

from queue_server import tomlcheck
from queue_server.tomlcheck import Text

from .ticket import public_base_from_server

Orientation = Literal["auto", "portrait", "landscape"]
ORIENTATIONS: tuple[str, ...] = get_args(Orientation)
REQUIRED = ("server", "device", "token", "printer")
Seconds = Annotated[float, Meta(gt=0)]


class ConfigError(tomlcheck.ConfigError, ValueError):
    """A setting is missing or wrong; says where (the file and line, else the settings) and
    which."""


class SelfService(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A service the station's self-service machines do (24小时自助), in both languages.

    A Struct, not a dataclass: a bad entry in the file is then named with its line."""

    zh: Text
    en: str = ""


@dataclass(frozen=True)
class KioskConfig:
    server: Annotated[str, Meta(pattern=r"^wss?://", description="a ws:// or wss:// url")] = ""
    device: str = ""
    token: str = ""
    printer: str = ""
    baud: Annotated[int, Meta(ge=1)] = 9600
    orientation: Orientation = "auto"  # follow the screen
    lang: Literal["zh", "en"] = "zh"
    public_url: str = ""  # QR link for a server that sends no status_url; empty: from `server`
    idle_timeout_s: Seconds = 60.0
    done_timeout_s: Seconds = 15.0
    printer_poll_s: Seconds = 30.0  # status check while healthy
    out_of_service_poll_s: Seconds = 3.0  # status check while waiting for staff to fix it
    snapshot_refresh_s: Seconds = 30.0  # re-read the snapshot (opening hours change with time)
    paper_mm: Literal[58, 80] = 80
    encoding: Literal["gb18030", "gbk", "big5"] = "gb18030"
    timezone: Text = "Asia/Shanghai"
    windowed: bool = False  # a window instead of full screen (for a desk)
    mode: Literal["hall", "station"] = "hall"  # station: an unattended 24小时便民服务站
    self_service: tuple[SelfService, ...] = ()  # shown at a station while windows are closed
    heartbeat: str = ""  # a file touched every heartbeat_s for `python -m kiosk.watchdog`
    heartbeat_s: Seconds = 5.0

    @property
    def public_base(self) -> str:
        return (self.public_url or public_base_from_server(self.server)).rstrip("/")

    def check(self) -> KioskConfig:
        """Every required setting given, every setting of its type (from the command line or
        code: the file's were checked with their lines on reading)."""
        SETTINGS.check(self)
        return self


# The settings as msgspec checks them: KioskConfig's fields, no other key.
SETTINGS = tomlcheck.AppSettings(KioskConfig, "kiosk", REQUIRED, ConfigError)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m kiosk", description="Hall kiosk (自助取号机)")
    p.add_argument("--config", type=Path, help="TOML file with a [kiosk] table")
    p.add_argument("--server", help="queue server, e.g. ws://10.0.0.2:8765/ws")
    p.add_argument("--device", help="this kiosk's device id, e.g. kiosk-1")
    p.add_argument("--token", help="this kiosk's token (better kept in the config file)")
    p.add_argument("--printer", help="serial port or pyserial url; 'fake' for a fake printer")
    p.add_argument("--baud", type=int)
    p.add_argument("--orientation", choices=ORIENTATIONS, help="default: follow the screen")
    p.add_argument("--lang", choices=("zh", "en"), help="language a new citizen starts with")
    p.add_argument("--public-url", help="QR link base for an old server without status_url")
    p.add_argument("--windowed", action="store_true", default=None, help="not full screen")
    p.add_argument("--mode", choices=("hall", "station"), help="station: 24小时便民服务站")
    p.add_argument("--heartbeat", help="a file to touch for the watchdog (kiosk.watchdog)")
    return p


def load(argv: list[str] | None = None) -> KioskConfig:
    args = parser().parse_args(argv)
    values: dict[str, Any] = {}
    if args.config is not None:
        values.update(SETTINGS.from_toml(args.config))
    names = ("baud", "orientation", "lang", "public_url", "windowed", "mode", "heartbeat")
    for name in (*REQUIRED, *names):
        value = getattr(args, name)
        if value is not None:
            values[name] = value
    if not values.get("heartbeat") and os.environ.get("KIOSK_HEARTBEAT"):
        values["heartbeat"] = os.environ["KIOSK_HEARTBEAT"]  # set by kiosk.watchdog
    return replace(KioskConfig(), **values).check()
