"""The kiosk's settings: command line over an optional TOML file over defaults. No Qt.

    python -m kiosk --server ws://10.0.0.2:8765/ws --device kiosk-1 --token … \
        --printer /dev/ttyUSB0 [--baud 9600] [--orientation auto|portrait|landscape] \
        [--lang zh|en] [--public-url http://…] [--config kiosk.toml]

`--orientation auto` (the default) follows the screen: landscape on a wide screen, portrait on
a tall one. Either way the kiosk fills the screen it is on (see `layout.py`).

The TOML file holds the same keys (dashes or underscores) in a `[kiosk]` table, plus the ones
that have no option: `idle_timeout_s`, `done_timeout_s`, `printer_poll_s`,
`out_of_service_poll_s`, `paper_mm` (58 or 80), `encoding`, `timezone`.
`--printer fake` (or `fake:paper_out` …) starts a fake printer in the process, for demos.
"""

from __future__ import annotations

import argparse
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .ticket import public_base_from_server

ORIENTATIONS = ("auto", "portrait", "landscape")


class ConfigError(ValueError):
    """A setting is missing or wrong; the message names it."""


@dataclass(frozen=True)
class KioskConfig:
    server: str = ""
    device: str = ""
    token: str = ""
    printer: str = ""
    baud: int = 9600
    orientation: str = "auto"  # follow the screen
    lang: str = "zh"
    public_url: str = ""  # QR link for a server that sends no status_url; empty: from `server`
    idle_timeout_s: float = 60.0
    done_timeout_s: float = 15.0
    printer_poll_s: float = 30.0  # status check while healthy
    out_of_service_poll_s: float = 3.0  # status check while waiting for staff to fix it
    snapshot_refresh_s: float = 30.0  # re-read the snapshot (opening hours change with time)
    paper_mm: int = 80
    encoding: str = "gb18030"
    timezone: str = "Asia/Shanghai"
    windowed: bool = False  # a window instead of full screen (for a desk)

    @property
    def public_base(self) -> str:
        return (self.public_url or public_base_from_server(self.server)).rstrip("/")

    def check(self) -> KioskConfig:
        for name in ("server", "device", "token", "printer"):
            if not getattr(self, name):
                raise ConfigError(f"missing setting: {name}")
        if not self.server.startswith(("ws://", "wss://")):
            raise ConfigError(f"server must be a ws:// or wss:// url: {self.server}")
        if self.orientation not in ORIENTATIONS:
            raise ConfigError(
                f"orientation must be auto, portrait or landscape: {self.orientation}"
            )
        if self.lang not in ("zh", "en"):
            raise ConfigError(f"lang must be zh or en: {self.lang}")
        if self.paper_mm not in (58, 80):
            raise ConfigError(f"paper_mm must be 58 or 80: {self.paper_mm}")
        if self.encoding not in ("gb18030", "gbk", "big5"):
            raise ConfigError(f"encoding must be gb18030, gbk or big5: {self.encoding}")
        for name in ("idle_timeout_s", "done_timeout_s", "printer_poll_s",
                     "out_of_service_poll_s", "snapshot_refresh_s"):  # fmt: skip
            if float(getattr(self, name)) <= 0:
                raise ConfigError(f"{name} must be > 0")
        if self.baud <= 0:
            raise ConfigError(f"baud must be > 0: {self.baud}")
        return self


def _from_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    table = data.get("kiosk", data)
    known = {f.name: f for f in fields(KioskConfig)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(f"{path}: unknown setting {key!r}")
        values[name] = value
    return values


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
    return p


def load(argv: list[str] | None = None) -> KioskConfig:
    args = parser().parse_args(argv)
    values: dict[str, Any] = {}
    if args.config is not None:
        values.update(_from_toml(args.config))
    for name in ("server", "device", "token", "printer", "baud", "orientation", "lang",
                 "public_url", "windowed"):  # fmt: skip
        value = getattr(args, name)
        if value is not None:
            values[name] = value
    try:
        return replace(KioskConfig(), **values).check()
    except TypeError as exc:
        raise ConfigError(str(exc)) from exc
