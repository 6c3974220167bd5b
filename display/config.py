"""The board's settings: command line over an optional TOML file over defaults. No Qt.

    python -m display --server ws://10.0.0.2:8765/ws --device board-1 --token … \
        [--window 3] [--layout auto|landscape|portrait] [--rows 8] [--zone 1,2,3,4] \
        [--lang zh|en] [--config display.toml]

Without `--window` the board is a hall board (综合屏); with it, the screen above that window
(窗口屏). The TOML file holds the same keys (dashes or underscores) in a `[display]` table,
plus the ones that have no option: `title`, `notice`, `bilingual`, `highlight_s`, `redirect`,
`photos`, `timezone`. Each setting's type and bounds are in `DisplayConfig`'s annotations;
msgspec checks the file against them, and a bad value names the file, the line and the key
(``board.toml:7: rows: must be between 1 and 20, got 40``).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from msgspec import Meta

from queue_server import tomlcheck
from queue_server.tomlcheck import Text

Layout = Literal["auto", "landscape", "portrait"]
LAYOUTS: tuple[str, ...] = get_args(Layout)
REQUIRED = ("server", "device", "token")
WindowNumber = Annotated[int, Meta(ge=1, le=9999)]


class ConfigError(tomlcheck.ConfigError, ValueError):
    """A setting is missing or wrong; says where (the file and line, else the settings)."""


@dataclass(frozen=True)
class DisplayConfig:
    server: Annotated[str, Meta(pattern=r"^wss?://", description="a ws:// or wss:// url")] = ""
    device: str = ""
    token: str = ""
    window: WindowNumber | None = None  # window mode (窗口屏) for this window; None: hall board
    layout: Layout = "auto"  # follow the screen
    rows: Annotated[int, Meta(ge=1, le=20)] = 8  # call rows on a hall board
    zone: tuple[WindowNumber, ...] = ()  # the windows a hall board covers; empty: all
    lang: Literal["zh", "en"] = "zh"
    bilingual: bool = True  # a second line in the other language where there is room
    title: str = ""  # the board's own title, e.g. "一楼东区"; empty: 叫号信息
    notice: str = ""  # the scrolling notice at the foot; empty: none
    highlight_s: Annotated[float, Meta(ge=0, le=120)] = 8.0  # the newest call blinks this long
    redirect: WindowNumber | None = None  # window mode: where to send citizens when closed
    photos: str = ""  # window mode: a folder of clerks' photos, named "<name>.jpg" or ".png"
    timezone: Text = "Asia/Shanghai"  # until the server's welcome names the hall's
    windowed: bool = False  # a window instead of full screen (for a desk)

    def check(self) -> DisplayConfig:
        """Every required setting given, every setting of its type (from the command line or
        code: the file's were checked with their lines on reading)."""
        SETTINGS.check(self)
        return self


# The settings as msgspec checks them: DisplayConfig's fields, no other key.
SETTINGS = tomlcheck.AppSettings(DisplayConfig, "display", REQUIRED, ConfigError)


def _zone(value: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
    except ValueError:
        raise argparse.ArgumentTypeError(f"window numbers with commas, got {value!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m display", description="Hall board and window screen (综合屏 / 窗口屏)"
    )
    p.add_argument("--config", type=Path, help="TOML file with a [display] table")
    p.add_argument("--server", help="queue server, e.g. ws://10.0.0.2:8765/ws")
    p.add_argument("--device", help="this board's device id, e.g. board-1")
    p.add_argument("--token", help="this board's token (or $HALL_TOKEN, or the config file)")
    p.add_argument("--window", type=int, help="be the screen of this window (窗口屏)")
    p.add_argument("--layout", choices=LAYOUTS, help="default: follow the screen")
    p.add_argument("--rows", type=int, help="call rows on a hall board")
    p.add_argument("--zone", type=_zone, help="windows the board covers, e.g. 1,2,3,4")
    p.add_argument("--lang", choices=("zh", "en"), help="the board's first language")
    p.add_argument("--notice", help="the scrolling notice")
    p.add_argument("--windowed", action="store_true", default=None, help="not full screen")
    return p


def load(argv: list[str] | None = None) -> DisplayConfig:
    args = parser().parse_args(argv)
    values: dict[str, Any] = {}
    if args.config is not None:
        values.update(SETTINGS.from_toml(args.config))
    if "token" not in values and os.environ.get("HALL_TOKEN"):
        values["token"] = os.environ["HALL_TOKEN"]
    for name in (*REQUIRED, "window", "layout", "rows", "zone", "lang", "notice", "windowed"):
        value = getattr(args, name)
        if value is not None:
            values[name] = value
    return replace(DisplayConfig(), **values).check()
