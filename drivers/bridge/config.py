"""The bridge's own TOML file, validated into a `BridgeConfig`.

A bad file is refused with a `BridgeConfigError` naming the file, the line, the field and the
problem, e.g. ``config/demo-bridge.toml:12: keypads[0].window: must be a whole number
between 1 and 9999, got "1"``. Entries count from 0. Checking stops at the first problem.

Schema (see ``config/demo-bridge.toml`` for a complete, commented file)::

    [server]        url ("ws://…/ws" or "wss://…"), device, token
    [bus]           port (device path, /dev/serial/by-id/… link, socket://, loop://, pty),
                    baudrate? (9600), local_echo? (false), silent_after_s? (1800: a
                    keypad or evaluator not heard this long while its window is open is
                    reported silent, see `health`)
    [evaluator_models.NAME]?   keys = { "0" = 2, "1" = 3, … }   (key -> level 1-5)
    [prefix_codes]? A = 1, B = 2, …  (ticket prefix -> digits on digit displays; default
                    A = 1 … Z = 26; a table given here replaces the default)
    [keypad_staff]? "1001" = "S001", …  (number typed on a keypad to sign in -> staff id,
                    for staff ids that are not digits; other numbers are sent as typed)
    [[keypads]]     address, window, transfer_to? (window for 转移 with no digits typed),
                    digits? (cells its display shows, 4-6, default 6)
    [[evaluators]]  address, window?, model ("four_key" | "five_key" | a NAME above),
                    moment? ("after" 办后再评, the default | "during" 边办边评 | "auto": during
                    while the window serves a ticket, else after), aspect? (no window only)
    [[displays]]    address, window, type ("bus" digit board | "onbon" BX text board),
                    digits? (bus only, 4-6), width? height? encoding? (onbon only)

Addresses are bus addresses 0-255 (0xAA is the broadcast address and is refused); an Onbon
board's address is its screen address 1-65535. One bus address may be shared by devices of
the same window only (a keypad and its evaluator often are one unit). An evaluator without a
window is a hall evaluator (未办先评, e.g. at the entrance): it rates the hall itself, its
``aspect`` ("overall", "environment", "volunteers" or "guidance").

The file is decoded by msgspec (`tomlcheck.decode`: types, bounds, patterns, unknown keys, the
display `type` choosing the keys a display takes); the rules across entries are code below.

Prefix codes make a number unambiguous on digit displays (`numbers`): codes must differ,
and every digit display (keypads, bus boards) must have the cells for the longest code and
three sequence digits; a file that breaks either is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from os import PathLike
from types import MappingProxyType
from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import Meta

from drivers.bus.evaluator import FIVE_KEY, FOUR_KEY, EvaluatorModel
from drivers.bus.frame import BROADCAST, DISPLAY_CELLS

# The hall configuration's reader of TOML (positions, decoding, messages): one for every
# config file of the product, so all name lines and fields the same way.
from queue_server.tomlcheck import (
    ConfigError,
    LineIndex,
    Text,
    TomlTable,
    decode,
    parse_toml,
    read_text,
    show,
)

from .numbers import DEFAULT_CODES, MAX_CODE, MIN_CODE, SEQUENCE_DIGITS, digits_needed

log = logging.getLogger(__name__)

BUILTIN_MODELS = MappingProxyType({"four_key": FOUR_KEY, "five_key": FIVE_KEY})
MAX_WINDOW = 9999  # as in the hall configuration
HALL = 0  # the "window" of a hall evaluator (未办先评) when bus addresses are shared out
MIN_DIGITS = 1 + SEQUENCE_DIGITS  # a one-digit code and the sequence
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
    silent_after_s: float = 1800  # a keypad or evaluator not heard this long is silent


@dataclass(frozen=True, slots=True)
class KeypadSettings:
    address: int
    window: int
    transfer_to: int | None = None
    digits: int = DISPLAY_CELLS  # cells its display shows


@dataclass(frozen=True, slots=True)
class EvaluatorSettings:
    address: int
    window: int | None  # None: a hall evaluator (未办先评)
    model: EvaluatorModel
    moment: str = "after"  # after | during | auto (window evaluators)
    aspect: str = "overall"  # what a hall evaluator rates


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
        found = {k.window for k in self.keypads}
        found |= {e.window for e in self.evaluators if e.window is not None}
        return sorted(found | {d.window for d in self.displays})


def load_bridge_config(path: str | PathLike[str]) -> BridgeConfig:
    """Read and validate the bridge configuration file at ``path``."""
    return parse_bridge_config(read_text(path, BridgeConfigError), str(path))


def parse_bridge_config(text: str, source: str = "<config>") -> BridgeConfig:
    """Validate TOML ``text``; ``source`` names it in error messages."""
    lines = LineIndex(text)
    doc = parse_toml(text, source, BridgeConfigError)
    config = _Rules(source, lines).config(
        decode(doc, _BridgeFile, source, lines, BridgeConfigError)
    )
    log.info(
        "bridge configuration %s: %d keypads, %d evaluators, %d displays on %s",
        source,
        len(config.keypads),
        len(config.evaluators),
        len(config.displays),
        config.bus.port,
    )
    return config


# --- the file's types (decoded by msgspec) ------------------------------------------------

WindowNo = Annotated[int, Meta(ge=1, le=MAX_WINDOW)]
BusAddress = Annotated[int, Meta(ge=0, le=0xFF)]
Digits = Annotated[int, Meta(ge=MIN_DIGITS, le=DISPLAY_CELLS)]
Pixels = Annotated[int, Meta(ge=8, le=4096)]
Code = Annotated[int, Meta(ge=MIN_CODE, le=MAX_CODE)]
_KEY_CODE = r"^0*(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$", "a key code 0-255"
_LEVEL = "a level 1-5 (5 非常满意 … 1 非常不满意)"
# as the hall configuration's ticket prefixes and staff ids
_PREFIX = r"^[A-Z]{1,2}$", "a ticket prefix (1–2 uppercase Latin letters)"
_STAFF_ID = (
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
    "a staff id of the hall (letters, digits, _ . or -)",
)
_TYPED = rf"^[0-9]{{1,{MAX_TYPED}}}$", f"a number typed on a keypad (1 to {MAX_TYPED} digits)"
_ENCODING = r"(?i)^(gb2312|gbk|gb18030)$", '"gb2312", "gbk" or "gb18030"'
_KEYS, _STAFF = 'a table like { "0" = 2, "1" = 3 }', 'a table like "1001" = "S001"'
KeyCode = Annotated[str, Meta(pattern=_KEY_CODE[0], description=_KEY_CODE[1])]
Level = Annotated[int, Meta(ge=1, le=5, description=_LEVEL)]
Prefix = Annotated[str, Meta(pattern=_PREFIX[0], description=_PREFIX[1])]
StaffId = Annotated[str, Meta(pattern=_STAFF_ID[0], description=_STAFF_ID[1])]
Typed = Annotated[str, Meta(pattern=_TYPED[0], description=_TYPED[1])]


class _Server(TomlTable, frozen=True):
    url: Annotated[str, Meta(pattern=r"^wss?://", description="a ws:// or wss:// address")]
    device: Text
    token: Text


class _Bus(TomlTable, frozen=True):
    port: Text
    baudrate: Annotated[int, Meta(ge=300, le=921600)] = 9600
    local_echo: bool = False
    silent_after_s: Annotated[float, Meta(ge=0.5, le=86400)] = 1800


class _Model(TomlTable, frozen=True):
    keys: Annotated[dict[KeyCode, Level], Meta(min_length=1, description=_KEYS)]


class _Keypad(TomlTable, frozen=True):
    address: BusAddress
    window: WindowNo
    transfer_to: WindowNo | None = None
    digits: Digits = DISPLAY_CELLS


class _Evaluator(TomlTable, frozen=True):
    address: BusAddress
    model: Text
    window: WindowNo | None = None
    moment: Literal["after", "during", "auto"] | None = None
    aspect: Literal["overall", "environment", "volunteers", "guidance"] | None = None


class _BusDisplay(TomlTable, frozen=True, tag_field="type", tag=DisplayType.BUS.value):
    address: BusAddress
    window: WindowNo
    digits: Digits = DISPLAY_CELLS
    hints: ClassVar[Mapping[str, str]] = dict.fromkeys(
        ("width", "height", "encoding"), "only an onbon board takes this setting"
    )


class _OnbonDisplay(TomlTable, frozen=True, tag_field="type", tag=DisplayType.ONBON.value):
    address: Annotated[int, Meta(ge=1, le=0xFFFF)]  # the screen address
    window: WindowNo
    width: Pixels = 64
    height: Pixels = 16
    encoding: Annotated[str, Meta(pattern=_ENCODING[0], description=_ENCODING[1])] = "gb2312"
    hints: ClassVar[Mapping[str, str]] = {"digits": "only a digit board (bus) takes this setting"}


class _BridgeFile(TomlTable, frozen=True):
    server: _Server
    bus: _Bus
    evaluator_models: dict[str, _Model] = msgspec.field(default_factory=dict)
    prefix_codes: Annotated[dict[Prefix, Code], Meta(description="a table like A = 1")] | None = (
        None
    )
    keypad_staff: Annotated[dict[Typed, StaffId], Meta(description=_STAFF)] = msgspec.field(
        default_factory=dict
    )
    keypads: tuple[_Keypad, ...] = ()
    evaluators: tuple[_Evaluator, ...] = ()
    displays: tuple[_BusDisplay | _OnbonDisplay, ...] = ()


# --- the rules across entries -------------------------------------------------------------


class _Rules:
    """Turns the decoded file into settings, failing at the first broken rule."""

    codes: dict[str, int]  # the prefix codes, read before the displays that must fit them

    def __init__(self, source: str, lines: LineIndex) -> None:
        self.source, self.lines = source, lines

    def fail(self, field: str, problem: str) -> BridgeConfigError:
        return BridgeConfigError(self.source, self.lines.line_of(field), field, problem)

    def config(self, file: _BridgeFile) -> BridgeConfig:
        server = ServerSettings(file.server.url, file.server.device, file.server.token)
        b = file.bus
        bus = BusSettings(b.port, b.baudrate, b.local_echo, b.silent_after_s)
        models = self.models(file.evaluator_models)
        self.codes = self.prefix_codes(file.prefix_codes)
        owners: dict[int, tuple[str, int]] = {}  # bus address -> (first user, its window)
        keypads = tuple(self.keypad(f"keypads[{i}]", k, owners) for i, k in enumerate(file.keypads))
        evaluators = tuple(
            self.evaluator(f"evaluators[{i}]", e, models, owners)
            for i, e in enumerate(file.evaluators)
        )
        screens: dict[int, str] = {}
        displays = tuple(
            self.display(f"displays[{i}]", d, owners, screens) for i, d in enumerate(file.displays)
        )
        if not (keypads or evaluators or displays):
            raise self.fail(
                "keypads", "no [[keypads]], [[evaluators]] or [[displays]]: nothing to bridge"
            )
        codes = MappingProxyType(self.codes)
        staff = MappingProxyType(self.keypad_staff(file.keypad_staff))
        return BridgeConfig(server, bus, keypads, evaluators, displays, self.source, codes, staff)

    def models(self, defined: dict[str, _Model]) -> dict[str, EvaluatorModel]:
        models = dict(BUILTIN_MODELS)
        for name, model in defined.items():
            if name in BUILTIN_MODELS:
                raise self.fail(
                    f"evaluator_models.{name}", f"{name} is a built-in model; choose another name"
                )
            models[name] = EvaluatorModel.from_config(name, model.keys)
        return models

    def prefix_codes(self, given: dict[str, int] | None) -> dict[str, int]:
        """The ticket prefix -> digits table; the default unless the file has its own."""
        if given is None:
            return dict(DEFAULT_CODES)
        if not given:
            raise self.fail("prefix_codes", "is empty: give each ticket prefix a code, A = 1 …")
        first: dict[int, str] = {}  # code -> the prefix that has it
        for prefix, code in given.items():
            if code in first:
                raise self.fail(
                    f"prefix_codes.{prefix}",
                    f"code {code} is already the code of {first[code]}: "
                    f"{first[code]}001 and {prefix}001 would both show as {code}001",
                )
            first[code] = prefix
        return dict(given)

    def keypad_staff(self, given: dict[str, str]) -> dict[str, str]:
        """Numbers typed on a keypad to sign in -> the staff ids they stand for."""
        first: dict[str, str] = {}  # staff id -> the number that stands for it
        for typed, staff_id in given.items():
            if staff_id in first:
                raise self.fail(
                    f"keypad_staff.{typed}", f"{staff_id} already has the number {first[staff_id]}"
                )
            first[staff_id] = typed
        return dict(given)

    def digits(self, digits: int, path: str) -> int:
        """The cells a digit display shows; they must hold every prefix code's numbers."""
        if digits < digits_needed(self.codes):
            prefix, code = max(self.codes.items(), key=lambda item: len(str(item[1])))
            room = digits - SEQUENCE_DIGITS
            raise self.fail(
                f"{path}.digits",
                f"{digits} digits cannot show {prefix}001 as {code}001; "
                f"give every prefix a code of at most {room} digit(s) in [prefix_codes]",
            )
        return digits

    def address(
        self, address: int, path: str, window: int, owners: dict[int, tuple[str, int]]
    ) -> int:
        if address == BROADCAST:
            raise self.fail(f"{path}.address", f"0x{BROADCAST:02X} is the bus broadcast address")
        first = owners.setdefault(address, (path, window))
        if first[1] != window:
            whose = "the hall" if first[1] == HALL else f"window {first[1]}"
            raise self.fail(
                f"{path}.address",
                f"address {address} (0x{address:02X}) is already used by {first[0]} of {whose}",
            )
        return address

    def keypad(self, path: str, k: _Keypad, owners: dict[int, tuple[str, int]]) -> KeypadSettings:
        for other_path, other_window in owners.values():
            if other_path.startswith("keypads[") and other_window == k.window:
                raise self.fail(
                    f"{path}.window", f"window {k.window} already has a keypad ({other_path})"
                )
        address = self.address(k.address, path, k.window, owners)
        if k.transfer_to == k.window:
            raise self.fail(f"{path}.transfer_to", "must be another window than the keypad's own")
        return KeypadSettings(address, k.window, k.transfer_to, self.digits(k.digits, path))

    def evaluator(
        self,
        path: str,
        e: _Evaluator,
        models: dict[str, EvaluatorModel],
        owners: dict[int, tuple[str, int]],
    ) -> EvaluatorSettings:
        address = self.address(e.address, path, e.window or HALL, owners)
        if e.window is None and e.moment is not None:
            raise self.fail(
                f"{path}.moment",
                "an evaluator without a window rates the hall (未办先评); give it a window "
                "to rate tickets during or after service",
            )
        if e.window is not None and e.aspect is not None:
            raise self.fail(
                f"{path}.aspect", "only an evaluator without a window (未办先评) rates an aspect"
            )
        if e.model not in models:
            raise self.fail(
                f"{path}.model",
                f"unknown model {show(e.model)}; use one of {', '.join(sorted(models))} "
                f"or define [evaluator_models.{e.model}]",
            )
        return EvaluatorSettings(
            address, e.window, models[e.model], e.moment or "after", e.aspect or "overall"
        )

    def display(
        self,
        path: str,
        d: _BusDisplay | _OnbonDisplay,
        owners: dict[int, tuple[str, int]],
        screens: dict[int, str],
    ) -> DisplaySettings:
        if isinstance(d, _BusDisplay):
            address = self.address(d.address, path, d.window, owners)
            return DisplaySettings(address, d.window, DisplayType.BUS, self.digits(d.digits, path))
        if d.address in screens:
            raise self.fail(
                f"{path}.address",
                f"screen address {d.address} is already used by {screens[d.address]}",
            )
        screens[d.address] = path
        return DisplaySettings(
            d.address,
            d.window,
            DisplayType.ONBON,
            width=d.width,
            height=d.height,
            encoding=d.encoding.lower(),
        )
