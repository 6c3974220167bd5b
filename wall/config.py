"""The wall's settings: command line over an optional TOML file over defaults. No Qt.

    python -m wall --server ws://10.0.0.2:8765/ws --device manager-1 --token … \
        [--lang zh|en] [--config wall.toml] [--windowed]

The TOML file holds the same keys (dashes or underscores) in a `[wall]` table, plus the ones
that have no option: `wait_alert_min`, `due_soon_min`, `kpis_s`, `timezone`. Each setting's type
and bounds are in `WallConfig`'s annotations; msgspec checks the file against them, and a bad
value names the file, the line and the key (``wall.toml:4: kpis_s: must be between 5 and 600``).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from msgspec import Meta

from queue_server import tomlcheck
from queue_server.tomlcheck import Text

REQUIRED = ("server", "device", "token")


class ConfigError(tomlcheck.ConfigError, ValueError):
    """A setting is missing or wrong; says where (the file and line, else the settings)."""


@dataclass(frozen=True)
class WallConfig:
    server: Annotated[str, Meta(pattern=r"^wss?://", description="a ws:// or wss:// url")] = ""
    device: str = ""
    token: str = ""
    lang: Literal["zh", "en"] = "zh"
    # A service's longest wait shows red from this many minutes on (the server's own alert
    # threshold raises the alert; this is only the colour on the wall).
    wait_alert_min: Annotated[float, Meta(ge=1, le=600)] = 30.0
    due_soon_min: Annotated[float, Meta(ge=1, le=7 * 24 * 60)] = 120.0  # a 差评 step in amber
    kpis_s: Annotated[float, Meta(ge=5, le=600)] = 30.0  # how often today's figures refresh
    timezone: Text = "Asia/Shanghai"  # until the server's welcome names the hall's
    windowed: bool = False  # a window instead of full screen (for a desk)

    def check(self) -> WallConfig:
        SETTINGS.check(self)
        return self


SETTINGS = tomlcheck.AppSettings(WallConfig, "wall", REQUIRED, ConfigError)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m wall", description="管理大屏 / manager's wall")
    p.add_argument("--config", type=Path, help="TOML file with a [wall] table")
    p.add_argument("--server", help="queue server, e.g. ws://10.0.0.2:8765/ws")
    p.add_argument("--device", help="this wall's device id (role manager), e.g. manager-1")
    p.add_argument("--token", help="its token (or $HALL_TOKEN, or the config file)")
    p.add_argument("--lang", choices=("zh", "en"), help="the wall's language")
    p.add_argument("--windowed", action="store_true", default=None, help="not full screen")
    return p


def load(argv: list[str] | None = None) -> WallConfig:
    args = parser().parse_args(argv)
    values: dict[str, Any] = {}
    if args.config is not None:
        values.update(SETTINGS.from_toml(args.config))
    if "token" not in values and os.environ.get("HALL_TOKEN"):
        values["token"] = os.environ["HALL_TOKEN"]
    for name in (*REQUIRED, "lang", "windowed"):
        value = getattr(args, name)
        if value is not None:
            values[name] = value
    return replace(WallConfig(), **values).check()
