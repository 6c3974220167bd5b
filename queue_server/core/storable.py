"""Whether an event can go into the log as it is: the last guard before anything is applied.

The protocol layer already refuses such values at the edge; this keeps the engine safe from
any other caller. SQLite stores integers in 64 bits and the log is UTF-8 JSON, so a lone
surrogate in a text or an integer past 64 bits would fail the whole commit of a batch.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["MAX_DEPTH", "unstorable"]

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_DEPTH = 8


def unstorable(value: Any, path: str = "", depth: int = 0) -> str | None:
    """The path of the first value the log cannot hold faithfully, or ``None``."""
    if depth == 0 and _plain(value, 0):  # every event of a day: the common case, in one pass
        return None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return None if _utf8(value) else (path or ".")
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else (path or ".")
    if isinstance(value, float):
        return None if math.isfinite(value) else (path or ".")
    if depth >= MAX_DEPTH:
        return path or "."
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or unstorable(key) is not None:
                return f"{path}.<key>"
            found = unstorable(item, f"{path}.{key}", depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = unstorable(item, f"{path}[{i}]", depth + 1)
            if found is not None:
                return found
        return None
    return path or "."


def _plain(value: Any, depth: int) -> bool:
    """True when ``value`` is built of exactly the plain types and all of it is storable;
    False when it is not, or when it takes :func:`unstorable`'s slower look to tell."""
    kind = type(value)
    if kind is str:
        return bool(value.isascii()) or _utf8(value)
    if kind is int:
        return bool(INT_MIN <= value <= INT_MAX)
    if value is None or kind is bool:
        return True
    if kind is float:
        return math.isfinite(value)
    if depth >= MAX_DEPTH:
        return False
    if kind is dict:
        return all(
            type(key) is str and _plain(key, 0) and _plain(item, depth + 1)
            for key, item in value.items()
        )
    if kind is list or kind is tuple:
        return all(_plain(item, depth + 1) for item in value)
    return False


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
