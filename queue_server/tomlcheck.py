"""Reading TOML configuration files that refuse a bad value with its line and field.

Shared by the hall configuration (`queue_server.config`), the bus bridge's
(`drivers.bridge.config`) and the kiosk's (`kiosk.config`): reading the file, TOML syntax
errors with their line, where each field stands in the text (`LineIndex`, since tomllib keeps
no positions), and decoding the document into msgspec types (`decode`): msgspec checks types,
bounds, patterns and unknown keys and names the failing value by its path
(``$.services[1].prefix``); `explain` puts that path and the problem in words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    TypeVar,
    get_args,
    get_origin,
    get_type_hints,
)

import msgspec

Table = dict[str, Any]
T = TypeVar("T")

_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)$")


class ConfigError(Exception):
    """A configuration cannot be used; says where (source, line, field) and why."""

    def __init__(self, source: str, line: int | None, field: str | None, problem: str) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.problem = problem
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {problem}" if field is None else f"{where}: {field}: {problem}")


def read_text(path: str | PathLike[str], error: type[ConfigError] = ConfigError) -> str:
    """The file's text; an unreadable or non-UTF-8 file is an `error` naming its line."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise error(source, None, None, f"cannot read the file: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")  # tolerate the BOM that Windows Notepad adds
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            source, line, None, "the file is not UTF-8 (save it with UTF-8 encoding)"
        ) from exc


def parse_toml(text: str, source: str, error: type[ConfigError] = ConfigError) -> Table:
    """The TOML document; a syntax error is an `error` with its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        if match is None:
            line = None
        elif match[1] is not None:
            line = int(match[1])
        else:
            line = max(1, len(text.splitlines()))
        problem = message[: match.start()] if match else message
        raise error(source, line, None, f"TOML syntax error: {problem}") from exc


# --- where things are in the text --------------------------------------------------------

_BARE = r"[A-Za-z0-9_-]+"
_KEY_PART = rf'(?:{_BARE}|"[^"\\]*"|\'[^\']*\')'
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER_LINE = re.compile(rf"\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_KEY_LINE = re.compile(rf"\s*({_DOTTED})\s*=\s*")
_PART = re.compile(_KEY_PART)


def _parts(dotted: str) -> list[str]:
    return [p.strip("\"'") for p in _PART.findall(dotted)]


class LineIndex:
    """Line numbers of table headers, keys and array elements, by field path.

    A small scanner over the text (tomllib keeps no positions): it follows ``[table]`` and
    ``[[array]]`` headers, ``key =`` lines and the elements of array values, which may span
    lines. Paths look like ``services[3].hours[1]``.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[str, int] = {}
        self._counts: dict[str, int] = {}
        table = ""
        array: _ArrayScan | None = None
        string_end: str | None = None
        for number, line in enumerate(text.splitlines(), 1):
            if string_end is not None:  # inside a multi-line string
                if line.count(string_end) % 2 == 1:
                    string_end = None
                continue
            if array is not None:
                array = array.feed(line, number)
                continue
            header = _HEADER_LINE.match(line)
            if header:
                table = self._enter(_parts(header[2]), header[1] == "[[")
                self._lines.setdefault(table, number)
                continue
            key = _KEY_LINE.match(line)
            if key is None:
                continue
            path = join(table, ".".join(_parts(key[1])))
            self._lines.setdefault(path, number)
            value = line[key.end() :]
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    string_end = quote
            if value.startswith("["):
                array = _ArrayScan(path, self._lines).feed(value, number)

    def _enter(self, parts: list[str], is_array: bool) -> str:
        path = ""
        for part in parts[:-1]:
            path = join(path, part)
            if path in self._counts:
                path = f"{path}[{self._counts[path] - 1}]"
        path = join(path, parts[-1])
        if is_array:
            index = self._counts.get(path, 0)
            self._counts[path] = index + 1
            path = f"{path}[{index}]"
        return path

    def line_of(self, field: str) -> int | None:
        """The line of ``field``, else of the nearest enclosing key or table that has one."""
        while field:
            if field in self._lines:
                return self._lines[field]
            field = re.sub(r"(\[\d+\]|\.[^.\[\]]+|^[^.\[\]]+)$", "", field)
        return None


class _ArrayScan:
    """Follows an array value across lines, noting the line each element starts on."""

    def __init__(self, path: str, lines: dict[str, int]) -> None:
        self._path, self._lines = path, lines
        self._depth, self._index, self._expect = 0, 0, False
        self._quote: str | None = None

    def feed(self, text: str, number: int) -> _ArrayScan | None:
        chars = iter(text)
        for ch in chars:
            if self._quote is not None:
                if ch == "\\" and self._quote == '"':
                    next(chars, None)
                elif ch == self._quote:
                    self._quote = None
                continue
            if ch == "#":
                break
            if self._depth == 1 and self._expect and ch not in " \t,]":
                self._lines.setdefault(f"{self._path}[{self._index}]", number)
                self._index += 1
                self._expect = False
            if ch in "\"'":
                self._quote = ch
            elif ch in "[{":
                self._depth += 1
                self._expect = self._depth == 1
            elif ch in "]}":
                self._depth -= 1
                if self._depth == 0:
                    return None
            elif ch == "," and self._depth == 1:
                self._expect = True
        return self


def join(table: str, key: str) -> str:
    return f"{table}.{key}" if table else key


def show(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


# --- decoding into types -----------------------------------------------------------------

SECRET = {"secret": True}  # msgspec.Meta(extra=SECRET): a problem never shows the value
Text = Annotated[str, msgspec.Meta(pattern=r"\S")]  # not empty or blank


class TomlTable(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A table of a TOML file as a type; unknown keys are refused (typos). Subclasses say
    ``frozen=True`` again (for mypy).

    ``hints`` gives the problem text for keys refused on purpose (a plain PIN, a setting of
    another kind of device). A field type with a ``from_toml(value)`` class method reads
    itself; its ValueError is the problem text.
    """

    hints: ClassVar[Mapping[str, str]] = {}


def decode(
    doc: object,
    type_: type[T],
    source: str,
    lines: LineIndex,
    error: type[ConfigError] = ConfigError,
) -> T:
    """``doc`` (from `parse_toml`) as ``type_``; a value that does not fit is an ``error``."""
    try:
        return msgspec.convert(doc, type_, builtin_types=_BUILTIN, dec_hook=_from_toml)
    except msgspec.ValidationError as exc:
        field, problem = explain(exc, doc, type_)
        raise error(source, lines.line_of(field), field or None, problem) from None


def explain(exc: msgspec.ValidationError, doc: object, type_: object) -> tuple[str, str]:
    """The field path (``services[1].prefix``) and the problem in words of a refusal."""
    match = _REFUSAL.fullmatch(str(exc))
    assert match is not None
    message, in_key, steps = match[1], match[2], match[3] or ""
    field, tp = "", type_
    value: Any = doc
    for step in _STEP.finditer(steps):
        tp = _unwrap(tp, value)[0]
        if step[1] is not None:
            field, tp = join(field, step[1]), _field_type(tp, step[1])
            value = value.get(step[1]) if isinstance(value, dict) else None
        elif step[2] is not None:
            field, tp = f"{field}[{step[2]}]", get_args(tp)[0]
            value = value[int(step[2])] if isinstance(value, list) else None
        else:  # a value in a table of free keys, which msgspec does not name
            tp = get_args(tp)[1]
            key = _first_misfit(value, tp)
            field, value = join(field, key), value[key]
    if in_key:
        key_type = get_args(_unwrap(tp, value)[0])[0]
        key = _first_misfit(list(value), key_type)
        rule = _description(_unwrap(key_type)[1]) or "allowed here"
        return join(field, key), f"{show(key)} is not {rule}"
    missing = re.fullmatch(r"Object missing required field `(\w+)`", message)
    if missing:
        name = missing[1]
        if field:
            return join(field, name), "required field is missing"
        if _is_array_of_tables(_unwrap(_field_type(tp, name))[0]):
            return name, f"at least one [[{name}]] table is required"
        return name, f"required table [{name}] is missing"
    unknown = re.fullmatch(r"Object contains unknown field `(\w+)`", message)
    if unknown:
        table, name = _unwrap(tp, value)[0], unknown[1]
        hints: Mapping[str, str] = getattr(table, "hints", {})
        if name in hints:
            return join(field, name), hints[name]
        config = table.__struct_config__
        allowed = sorted([*table.__struct_fields__, *([config.tag_field] if config.tag else [])])
        return join(field, name), f"unknown key (typo?); allowed here: {', '.join(allowed)}"
    return field, _misfit(message, field, tp, value)


_BUILTIN = (dt.datetime, dt.date, dt.time)  # TOML dates and times pass through as they are
_REFUSAL = re.compile(r"(?s)(.*?)(?: - at `(key` in `)?\$([^`]*)`)?")
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]|\[\.\.\.\]")
_TYPE_ERROR = re.compile(r"Expected `[^`]*`, got `")


def _from_toml(type_: type, value: object) -> object:
    read = getattr(type_, "from_toml", None)
    if read is None:
        raise NotImplementedError
    return read(value)


def _misfit(message: str, field: str, tp: object, value: object) -> str:
    """The problem with ``value``, a misfit of type ``tp`` refused with msgspec's ``message``."""
    if not message.startswith(("Expected `", "Invalid enum value", "Invalid value")):
        return message  # from a from_toml reader: in words already
    tp, metas = _unwrap(tp, value)
    wrong_type = _TYPE_ERROR.match(message) is not None
    secret = any(m.extra and m.extra.get("secret") for m in metas)
    got = "" if secret else f", got {show(value)}"
    description = _description(metas)
    origin = get_origin(tp) or tp
    container = isinstance(origin, type) and issubclass(
        origin, list | tuple | dict | msgspec.Struct
    )
    if _is_array_of_tables(tp) and "." not in field and "[" not in field:
        if wrong_type:
            return f"must be an array of tables written [[{field}]]"
        return f"at least one [[{field}]] table is required"
    if isinstance(value, str) and not wrong_type:
        if not value.strip():
            return "must not be empty"
        if " of length " in message:
            return f"must be {_limits(metas)} characters, got {len(value)}"
    if description and (container or not wrong_type):
        return f"must be {description}{got}"
    choices = [show(c) for c in _choices(tp)]
    if choices:
        either = f"{', '.join(choices[:-1])} or " if choices[1:] else ""
        return f"must be {either}{choices[-1]}{got}"
    if tp is bool:
        return f"must be true or false{got}"
    if tp in (int, float) and not wrong_type:
        return f"must be {_limits(metas)}{got}"
    if tp is int:
        between = f" {_limits(metas)}" if _limits(metas).startswith("between") else ""
        return f"must be a whole number{between}{got}"
    if tp is float:
        return f"must be a number{got}"
    if tp is str:
        if wrong_type:
            hint = (
                f' (quote it: "{value}")' if isinstance(value, int | float) and not secret else ""
            )
            return f"must be a string{got}{hint}"
        pattern = next((m.pattern for m in metas if m.pattern), "")
        return f"must match {pattern}{got}"
    if container:
        if wrong_type:
            return f"must be {'an array' if origin in (list, tuple) else 'a table'}{got}"
        return "must not be empty"
    return message


def _unwrap(tp: Any, value: object = None) -> tuple[Any, list[msgspec.Meta]]:
    """The type under ``Annotated`` and ``| None`` (a union of tables: the one whose tag
    ``value`` has), and the constraints met on the way."""
    metas: list[msgspec.Meta] = []
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp, *extras = get_args(tp)
            metas += [m for m in extras if isinstance(m, msgspec.Meta)]
        elif origin in (typing.Union, types.UnionType):
            members = [m for m in get_args(tp) if m is not type(None)]
            tagged = [m for m in members if _tagged(m, value)]
            if len(members) > 1 and not tagged:
                return tp, metas
            tp = (tagged or members)[0]
        else:
            return tp, metas


def _tagged(tp: Any, value: object) -> bool:
    """Whether ``value`` is a table with the tag of table type ``tp``."""
    config = getattr(tp, "__struct_config__", None)
    return (
        isinstance(value, dict)
        and config is not None
        and config.tag is not None
        and (value.get(config.tag_field) == config.tag)
    )


def _field_type(tp: Any, name: str) -> Any:
    """The type of field ``name`` of table type ``tp``; a tag field: the tuple of its tags."""
    tables = [m for m in get_args(tp) if hasattr(m, "__struct_config__")] or [tp]
    tags = tuple(t.__struct_config__.tag for t in tables if t.__struct_config__.tag_field == name)
    if tags:
        return tags
    return typing.get_type_hints(tp, include_extras=True)[name]


def _first_misfit(values: Any, tp: Any) -> Any:
    """The first of ``values`` (a table's keys or a table: its values) that ``tp`` refuses."""
    for key in values:
        try:
            msgspec.convert(
                values[key] if isinstance(values, dict) else key,
                tp,
                builtin_types=_BUILTIN,
                dec_hook=_from_toml,
            )
        except msgspec.ValidationError:
            return key
    return next(iter(values))


def _is_array_of_tables(tp: Any) -> bool:
    return get_origin(tp) in (list, tuple) and hasattr(
        _unwrap(get_args(tp)[0])[0], "__struct_fields__"
    )


def _description(metas: list[msgspec.Meta]) -> str | None:
    return next((m.description for m in metas if m.description), None)


def _choices(tp: Any) -> tuple[Any, ...]:
    if isinstance(tp, tuple):
        return tp
    if get_origin(tp) is Literal:
        return get_args(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tuple(member.value for member in tp)
    return ()


_BOUNDS = {"ge": "at least", "min_length": "at least", "gt": "more than"}
_BOUNDS |= {"le": "at most", "max_length": "at most", "lt": "less than"}


def _limits(metas: list[msgspec.Meta]) -> str:
    """The bounds in ``metas`` in words: "between 1 and 9999", "more than 0", "at least 16"."""
    bounds = {n: getattr(m, n) for m in metas for n in _BOUNDS if getattr(m, n) is not None}
    low = bounds.get("ge", bounds.get("min_length"))
    high = bounds.get("le", bounds.get("max_length"))
    if low is not None and high is not None:
        return f"between {low} and {high}"
    return " and ".join(f"{_BOUNDS[name]} {bound}" for name, bound in bounds.items())


class AppSettings:
    """An app's settings (a kiosk's, a board's): a dataclass whose fields carry their types.

    Read from one `[table]` of a TOML file, where a bad value is refused naming its line and
    key as written (dashed or not), or given on the command line and in code, checked by
    `check`. One place for what every app's configuration does alike.
    """

    def __init__(
        self,
        cls: type[Any],
        table: str,
        required: tuple[str, ...],
        error: type[ConfigError] = ConfigError,
    ) -> None:
        hints = get_type_hints(cls, include_extras=True)
        self.struct = msgspec.defstruct(
            f"{cls.__name__}Settings",
            [(f.name, hints[f.name], f.default) for f in dataclasses.fields(cls)],
            forbid_unknown_fields=True,
            frozen=True,
        )
        self.table, self.required, self.error = table, required, error

    def check(self, settings: Any) -> None:
        """Every required setting given, every setting of its type (command line or code)."""
        for name in self.required:
            if not getattr(settings, name):
                raise self._refusal(name, f"is missing; give --{name} or set it in the file")
        values = dataclasses.asdict(settings)
        try:
            msgspec.convert(values, self.struct)
        except msgspec.ValidationError as exc:
            raise self._refusal(*explain(exc, values, self.struct)) from None

    def from_toml(self, path: PathLike[str] | str) -> dict[str, Any]:
        """The settings the file gives, checked; a bad one is refused naming its line and key."""
        source = str(path)
        text = read_text(path, self.error)
        data = parse_toml(text, source, self.error)
        lines = LineIndex(text)
        at = self.table if self.table in data else ""
        table = data.get(self.table, data)
        if not isinstance(table, dict):
            raise self.error(source, lines.line_of(at), at, f"must be a table, got {show(table)}")
        written = {key.replace("-", "_"): key for key in table}  # setting -> key as written
        values = {name: table[key] for name, key in written.items()}
        try:
            settings = msgspec.convert(values, self.struct)
        except msgspec.ValidationError as exc:
            field, problem = explain(exc, values, self.struct)
            base = field.split("[")[0]
            key = written.get(base, base)
            where = join(at, key + field[len(base) :])
            raise self.error(source, lines.line_of(where), key or None, problem) from None
        return {name: getattr(settings, name) for name in values}

    def _refusal(self, name: str, problem: str) -> ConfigError:
        """A setting from the command line or code, which has no file or line to name."""
        return self.error(f"{self.table} settings", None, None, f"{name} {problem}")
