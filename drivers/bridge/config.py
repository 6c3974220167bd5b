"""The bridge's own TOML file, validated into a `BridgeConfig`.

A bad file is refused with a `BridgeConfigError` naming the file, the line, the field and the
problem, e.g. ``config/demo-bridge.toml:12: keypads[0].window: must be a whole number
between 1 and 9999, got "1"``. Entries count from 0. Checking stops at the first problem.

Schema (see ``config/demo-bridge.toml`` for a complete, commented file)::

    [server]        url ("ws://…/ws" or "wss://…"), device, token
    [bus]           port (device path, /dev/serial/by-id/… link, socket://, loop://, pty),
                    baudrate? (9600), local_echo? (false)
    [evaluator_models.NAME]?   keys = { "0" = 2, "1" = 3, … }   (key -> level 1-5)
    [prefix_codes]? A = 1, B = 2, …  (ticket prefix -> digits on digit displays; default
                    A = 1 … Z = 26; a table given here replaces the default)
    [keypad_staff]? "1001" = "S001", …  (number typed on a keypad to sign in -> staff id,
                    for staff ids that are not digits; other numbers are sent as typed)
    [[keypads]]     address, window, transfer_to? (window for 转移 with no digits typed),
                    digits? (cells its display shows, 4-6, default 6)
    [[evaluators]]  address, window, model ("four_key" | "five_key" | a NAME above)
    [[displays]]    address, window, type ("bus" digit board | "onbon" BX text board),
                    digits? (bus only, 4-6), width? height? encoding? (onbon only)

Addresses are bus addresses 0-255 (0xAA is the broadcast address and is refused); an Onbon
board's address is its screen address 1-65535. One bus address may be shared by devices of
the same window only (a keypad and its evaluator often are one unit).

Prefix codes make a number unambiguous on digit displays (`numbers`): codes must differ,
and every digit display (keypads, bus boards) must have the cells for the longest code and
three sequence digits; a file that breaks either is refused.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from os import PathLike
from types import MappingProxyType
from typing import Any

from drivers.bus.evaluator import FIVE_KEY, FOUR_KEY, EvaluatorModel
from drivers.bus.frame import BROADCAST, DISPLAY_CELLS

# The hall configuration's scanner of TOML positions (tomllib keeps none); one scanner for
# every config file of the product, so both name lines the same way.
from queue_server.tomlcheck import (
    ConfigError,
    LineIndex,
    TomlChecker,
    join,
    parse_toml,
    read_text,
    show,
)

from .numbers import DEFAULT_CODES, MAX_CODE, MIN_CODE, SEQUENCE_DIGITS, digits_needed

log = logging.getLogger(__name__)

BUILTIN_MODELS = MappingProxyType({"four_key": FOUR_KEY, "five_key": FIVE_KEY})
MAX_WINDOW = 9999  # as in the hall configuration
MIN_DIGITS = 1 + SEQUENCE_DIGITS  # a one-digit code and the sequence
_PREFIX = re.compile(r"[A-Z]{1,2}")  # as the hall configuration's ticket prefixes
_STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # as the hall configuration's
MAX_TYPED = 12  # digits of a staff number typed on a keypad


class DisplayType(StrEnum):
    BUS = "bus"  # six-digit number board on the keypad bus (FUNC 0x02)
    ONBON = "onbon"  # Onbon BX text board on the same line


class BridgeConfigError(ConfigError):
    """The bridge configuration cannot be used; says where (source, line, field) and why."""


@dataclass(frozen=True, slots=True)
class ServerSettings:
    url: str
    device: str
    token: str


@dataclass(frozen=True, slots=True)
class BusSettings:
    port: str
    baudrate: int = 9600
    local_echo: bool = False


@dataclass(frozen=True, slots=True)
class KeypadSettings:
    address: int
    window: int
    transfer_to: int | None = None
    digits: int = DISPLAY_CELLS  # cells its display shows


@dataclass(frozen=True, slots=True)
class EvaluatorSettings:
    address: int
    window: int
    model: EvaluatorModel


@dataclass(frozen=True, slots=True)
class DisplaySettings:
    address: int
    window: int
    type: DisplayType
    digits: int = DISPLAY_CELLS  # bus: cells the board shows
    width: int = 64  # onbon: area size in pixels
    height: int = 16
    encoding: str = "gb2312"


@dataclass(frozen=True, slots=True)
class BridgeConfig:
    server: ServerSettings
    bus: BusSettings
    keypads: tuple[KeypadSettings, ...] = ()
    evaluators: tuple[EvaluatorSettings, ...] = ()
    displays: tuple[DisplaySettings, ...] = ()
    source: str = "<config>"
    prefix_codes: Mapping[str, int] = field(default_factory=lambda: DEFAULT_CODES)
    keypad_staff: Mapping[str, str] = field(default_factory=dict)  # typed -> staff id

    @property
    def windows(self) -> list[int]:
        """Every window some device here belongs to, in order."""
        found = {k.window for k in self.keypads} | {e.window for e in self.evaluators}
        return sorted(found | {d.window for d in self.displays})


def load_bridge_config(path: str | PathLike[str]) -> BridgeConfig:
    """Read and validate the bridge configuration file at ``path``."""
    return parse_bridge_config(read_text(path, BridgeConfigError), str(path))


def parse_bridge_config(text: str, source: str = "<config>") -> BridgeConfig:
    """Validate TOML ``text``; ``source`` names it in error messages."""
    doc = parse_toml(text, source, BridgeConfigError)
    config = _Checker(source, LineIndex(text)).config(doc)
    log.info(
        "bridge configuration %s: %d keypads, %d evaluators, %d displays on %s",
        source, len(config.keypads), len(config.evaluators), len(config.displays),
        config.bus.port,
    )  # fmt: skip
    return config


# --- checking ----------------------------------------------------------------------------


class _Checker(TomlChecker):
    error = BridgeConfigError
    codes: dict[str, int]  # the prefix codes, read before the displays that must fit them

    def number(self, t: dict[str, Any], key: str, path: str, low: int, high: int,
                default: int | None = None) -> int:  # fmt: skip
        value = t.get(key, default)
        field = join(path, key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(
                field, f"must be a whole number between {low} and {high}, got {show(value)}"
            )
        if not low <= value <= high:
            raise self.fail(field, f"must be between {low} and {high}, got {value}")
        return value

    # the document

    def config(self, doc: dict[str, Any]) -> BridgeConfig:
        optional = {
            "evaluator_models",
            "prefix_codes",
            "keypad_staff",
            "keypads",
            "evaluators",
            "displays",
        }
        self.table(doc, "", {"server", "bus"}, optional)
        server = self.server(doc["server"])
        bus = self.bus(doc["bus"])
        models = self.models(doc.get("evaluator_models", {}))
        self.codes = self.prefix_codes(doc)
        owners: dict[int, tuple[str, int]] = {}  # bus address -> (first user, its window)
        keypads = tuple(
            self.keypad(path, t, owners) for path, t in self.tables(doc, "keypads", required=False)
        )
        evaluators = tuple(
            self.evaluator(path, t, models, owners)
            for path, t in self.tables(doc, "evaluators", required=False)
        )
        screens: dict[int, str] = {}
        displays = tuple(
            self.display(path, t, owners, screens)
            for path, t in self.tables(doc, "displays", required=False)
        )
        if not (keypads or evaluators or displays):
            raise self.fail(
                "keypads", "no [[keypads]], [[evaluators]] or [[displays]]: nothing to bridge"
            )
        codes = MappingProxyType(self.codes)
        staff = MappingProxyType(self.keypad_staff(doc.get("keypad_staff", {})))
        return BridgeConfig(server, bus, keypads, evaluators, displays, self.source, codes, staff)

    def server(self, value: object) -> ServerSettings:
        t = self.table(value, "server", {"url", "device", "token"}, set())
        url = self.text(t, "url", "server")
        if not url.startswith(("ws://", "wss://")):
            raise self.fail("server.url", f"must be a ws:// or wss:// address, got {show(url)}")
        return ServerSettings(
            url, self.text(t, "device", "server"), self.text(t, "token", "server")
        )

    def bus(self, value: object) -> BusSettings:
        t = self.table(value, "bus", {"port"}, {"baudrate", "local_echo"})
        return BusSettings(
            port=self.text(t, "port", "bus"),
            baudrate=self.number(t, "baudrate", "bus", 300, 921600, 9600),
            local_echo=self.flag(t, "local_echo", "bus", False),
        )

    def models(self, value: object) -> dict[str, EvaluatorModel]:
        if not isinstance(value, dict):
            raise self.fail("evaluator_models", f"must be a table, got {show(value)}")
        models = dict(BUILTIN_MODELS)
        for name, body in value.items():
            path = f"evaluator_models.{name}"
            if name in BUILTIN_MODELS:
                raise self.fail(path, f"{name} is a built-in model; choose another name")
            t = self.table(body, path, {"keys"}, set())
            keys = t["keys"]
            if not isinstance(keys, dict) or not keys:
                raise self.fail(
                    f"{path}.keys",
                    f'must be a table like {{ "0" = 2, "1" = 3 }}, got {show(keys)}',
                )
            for key, level in keys.items():
                if not key.isdigit() or int(key) > 0xFF:
                    raise self.fail(f"{path}.keys", f"key {show(key)} must be a key code 0-255")
                if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
                    raise self.fail(f"{path}.keys", f"key {key} must map to a level 1-5 "
                                    f"(5 非常满意 … 1 非常不满意), got {show(level)}")  # fmt: skip
            models[name] = EvaluatorModel.from_config(name, keys)
        return models

    def prefix_codes(self, doc: dict[str, Any]) -> dict[str, int]:
        """The ticket prefix -> digits table; the default unless the file has its own."""
        if "prefix_codes" not in doc:
            return dict(DEFAULT_CODES)
        value = doc["prefix_codes"]
        if not isinstance(value, dict):
            raise self.fail("prefix_codes", f"must be a table like A = 1, got {show(value)}")
        if not value:
            raise self.fail("prefix_codes", "is empty: give each ticket prefix a code, A = 1 …")
        codes: dict[str, int] = {}
        first: dict[int, str] = {}  # code -> the prefix that has it
        for prefix in value:
            field = f"prefix_codes.{prefix}"
            if _PREFIX.fullmatch(prefix) is None:
                raise self.fail(
                    field, f"{show(prefix)} is no ticket prefix (1–2 uppercase Latin letters)"
                )
            code = self.number(value, prefix, "prefix_codes", MIN_CODE, MAX_CODE)
            if code in first:
                raise self.fail(
                    field,
                    f"code {code} is already the code of {first[code]}: "
                    f"{first[code]}001 and {prefix}001 would both show as {code}001",
                )
            first[code] = prefix
            codes[prefix] = code
        return codes

    def keypad_staff(self, value: object) -> dict[str, str]:
        """Numbers typed on a keypad to sign in -> the staff ids they stand for."""
        if not isinstance(value, dict):
            raise self.fail(
                "keypad_staff", f'must be a table like "1001" = "S001", got {show(value)}'
            )
        staff: dict[str, str] = {}
        first: dict[str, str] = {}  # staff id -> the number that stands for it
        for typed, staff_id in value.items():
            field = f"keypad_staff.{typed}"
            if not (typed.isascii() and typed.isdigit() and len(typed) <= MAX_TYPED):
                raise self.fail(
                    field, f"{show(typed)} cannot be typed on a keypad: use 1 to {MAX_TYPED} digits"
                )
            if not isinstance(staff_id, str) or _STAFF_ID.fullmatch(staff_id) is None:
                raise self.fail(
                    field,
                    "must be a staff id of the hall (letters, digits, _ . or -), "
                    f"got {show(staff_id)}",
                )
            if staff_id in first:
                raise self.fail(field, f"{staff_id} already has the number {first[staff_id]}")
            first[staff_id] = typed
            staff[typed] = staff_id
        return staff

    def digits(self, t: dict[str, Any], path: str) -> int:
        """The cells a digit display shows; they must hold every prefix code's numbers."""
        digits = self.number(t, "digits", path, MIN_DIGITS, DISPLAY_CELLS, DISPLAY_CELLS)
        if digits < digits_needed(self.codes):
            prefix, code = max(self.codes.items(), key=lambda item: len(str(item[1])))
            room = digits - SEQUENCE_DIGITS
            raise self.fail(
                f"{path}.digits",
                f"{digits} digits cannot show {prefix}001 as {code}001; "
                f"give every prefix a code of at most {room} digit(s) in [prefix_codes]",
            )
        return digits

    def address(self, t: dict[str, Any], path: str, window: int,
                owners: dict[int, tuple[str, int]]) -> int:  # fmt: skip
        address = self.number(t, "address", path, 0, 0xFF)
        if address == BROADCAST:
            raise self.fail(f"{path}.address", f"0x{BROADCAST:02X} is the bus broadcast address")
        first = owners.setdefault(address, (path, window))
        if first[1] != window:
            raise self.fail(f"{path}.address", f"address {address} (0x{address:02X}) is already "
                            f"used by {first[0]} of window {first[1]}")  # fmt: skip
        return address

    def keypad(
        self, path: str, value: object, owners: dict[int, tuple[str, int]]
    ) -> KeypadSettings:
        t = self.table(value, path, {"address", "window"}, {"transfer_to", "digits"})
        window = self.number(t, "window", path, 1, MAX_WINDOW)
        for other_path, other_window in owners.values():
            if other_path.startswith("keypads[") and other_window == window:
                raise self.fail(
                    f"{path}.window", f"window {window} already has a keypad ({other_path})"
                )
        address = self.address(t, path, window, owners)
        transfer_to = None
        if "transfer_to" in t:
            transfer_to = self.number(t, "transfer_to", path, 1, MAX_WINDOW)
            if transfer_to == window:
                raise self.fail(
                    f"{path}.transfer_to", "must be another window than the keypad's own"
                )
        return KeypadSettings(address, window, transfer_to, self.digits(t, path))

    def evaluator(self, path: str, value: object, models: dict[str, EvaluatorModel],
                  owners: dict[int, tuple[str, int]]) -> EvaluatorSettings:  # fmt: skip
        t = self.table(value, path, {"address", "window", "model"}, set())
        window = self.number(t, "window", path, 1, MAX_WINDOW)
        address = self.address(t, path, window, owners)
        name = self.text(t, "model", path)
        if name not in models:
            raise self.fail(f"{path}.model", f"unknown model {show(name)}; use one of "
                            f"{', '.join(sorted(models))} or define [evaluator_models.{name}]")  # fmt: skip
        return EvaluatorSettings(address, window, models[name])

    def display(self, path: str, value: object, owners: dict[int, tuple[str, int]],
                screens: dict[int, str]) -> DisplaySettings:  # fmt: skip
        onbon_keys = {"width", "height", "encoding"}
        t = self.table(value, path, {"address", "window", "type"}, onbon_keys | {"digits"})
        window = self.number(t, "window", path, 1, MAX_WINDOW)
        kind = self.text(t, "type", path)
        if kind not in {d.value for d in DisplayType}:
            raise self.fail(f"{path}.type", f'must be "bus" or "onbon", got {show(kind)}')
        if kind == DisplayType.BUS:
            for key in ("width", "height", "encoding"):
                if key in t:
                    raise self.fail(f"{path}.{key}", "only an onbon board takes this setting")
            address = self.address(t, path, window, owners)
            return DisplaySettings(address, window, DisplayType.BUS, self.digits(t, path))
        if "digits" in t:
            raise self.fail(f"{path}.digits", "only a digit board (bus) takes this setting")
        address = self.number(t, "address", path, 1, 0xFFFF)
        if address in screens:
            raise self.fail(
                f"{path}.address", f"screen address {address} is already used by {screens[address]}"
            )
        screens[address] = path
        encoding = self.text(t, "encoding", path, "gb2312")
        if encoding.lower() not in ("gb2312", "gbk", "gb18030"):
            raise self.fail(
                f"{path}.encoding", f'must be "gb2312", "gbk" or "gb18030", got {show(encoding)}'
            )
        return DisplaySettings(
            address, window, DisplayType.ONBON,
            width=self.number(t, "width", path, 8, 4096, 64),
            height=self.number(t, "height", path, 8, 4096, 16),
            encoding=encoding.lower(),
        )  # fmt: skip
