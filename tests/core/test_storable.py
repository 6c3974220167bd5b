"""What the log can hold: `unstorable` against what SQLite and UTF-8 JSON really keep."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.core.storable import INT_MAX, INT_MIN, MAX_DEPTH, unstorable

_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=6)  # surrogates too
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(INT_MIN - 5, INT_MAX + 5)
    | st.integers()
    | st.floats()
    | _TEXT
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(_TEXT, inner, max_size=3)
    ),
    max_leaves=30,
)


def _holds(value: Any, depth: int = 0) -> bool:
    """Whether the log keeps ``value`` faithfully (the rule written out plainly)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return INT_MIN <= value <= INT_MAX
    if isinstance(value, float):
        return math.isfinite(value)
    if depth >= MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(_holds(k) and _holds(v, depth + 1) for k, v in value.items())
    return all(_holds(v, depth + 1) for v in value)


@settings(max_examples=400, deadline=None)
@given(value=_VALUES)
def test_unstorable_agrees_with_what_the_log_keeps(value: Any) -> None:
    found = unstorable(value)
    assert (found is None) == _holds(value), (value, found)
    if found is None:  # and what it lets through comes back from UTF-8 JSON as it went in
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        assert json.loads(text.encode("utf-8")) == json.loads(json.dumps(value))


def test_unstorable_names_the_bad_place() -> None:
    assert unstorable({"a": {"b": ["ok", "\ud800"]}}) == ".a.b[1]"
    assert unstorable({"n": 2**64}) == ".n"
    assert unstorable({"f": math.nan}) == ".f"
    deep: Any = "x"
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    assert unstorable(deep) is not None
    assert unstorable({"中文": "窗口", "n": 2**63 - 1, "f": 1.5, "t": (1, None, True)}) is None
