"""Reading TOML configuration files that refuse a bad value with its line and field.

Shared by the hall configuration (`queue_server.config`) and the bus bridge's
(`drivers.bridge.config`): reading and decoding the file, TOML syntax errors with their line,
where each field stands in the text (`LineIndex`, since tomllib keeps no positions), and the
checks of generic shapes (`TomlChecker`), each failing with the field path and the problem.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import Any

Table = dict[str, Any]

_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)$")


class ConfigError(Exception):
    """The hall configuration cannot be used; says where (source, line, field) and why."""

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


# --- checking values ---------------------------------------------------------------------


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


class TomlChecker:
    """Checks of generic shapes; a subclass turns a whole document into its records."""

    error: type[ConfigError] = ConfigError

    def __init__(self, source: str, lines: LineIndex) -> None:
        self.source, self.lines = source, lines

    def fail(self, field: str, problem: str) -> ConfigError:
        return self.error(self.source, self.lines.line_of(field), field, problem)

    def table(
        self,
        value: object,
        path: str,
        required: set[str],
        optional: set[str],
        hints: dict[str, str] | None = None,
    ) -> Table:
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a table, got {show(value)}")
        for key in value:
            if key in (hints or {}):
                raise self.fail(join(path, key), (hints or {})[key])
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.fail(join(path, key), f"unknown key (typo?); allowed here: {allowed}")
        for key in sorted(required):
            if key not in value:
                missing = (
                    f"required table [{key}] is missing"
                    if not path
                    else "required field is missing"
                )
                raise self.fail(join(path, key), missing)
        return value

    def tables(self, doc: Table, name: str, *, required: bool) -> Iterator[tuple[str, Any]]:
        items = doc.get(name)
        if items is None:
            if required:
                raise self.fail(name, f"at least one [[{name}]] table is required")
            return
        if not isinstance(items, list):
            raise self.fail(name, f"must be an array of tables written [[{name}]]")
        if required and not items:
            raise self.fail(name, f"at least one [[{name}]] table is required")
        for index, item in enumerate(items):
            yield f"{name}[{index}]", item

    def text(self, t: Table, key: str, path: str, default: str | None = None) -> str:
        value = t.get(key, default)
        field = join(path, key)
        if not isinstance(value, str):
            hint = f' (quote it: "{value}")' if isinstance(value, int | float) else ""
            raise self.fail(field, f"must be a string, got {show(value)}{hint}")
        if key in t and not value.strip():
            raise self.fail(field, "must not be empty")
        return value

    def pattern(self, t: Table, key: str, path: str, regex: re.Pattern[str], rule: str) -> str:
        value = self.text(t, key, path)
        if regex.fullmatch(value) is None:
            raise self.fail(join(path, key), f"must be {rule}, got {show(value)}")
        return value

    def integer(self, t: Table, key: str, path: str, default: int, low: int, high: int) -> int:
        value = t.get(key, default)
        field = join(path, key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(field, f"must be a whole number, got {show(value)}")
        if not low <= value <= high:
            raise self.fail(field, f"must be between {low} and {high}, got {value}")
        return value

    def flag(self, t: Table, key: str, path: str, default: bool) -> bool:
        value = t.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(join(path, key), f"must be true or false, got {show(value)}")
        return value
