"""The apps' words in two languages: a table of (Chinese, English) pairs, one language picked.

No Qt here, so an app's text module stays importable where Qt is not (its tests, its figures).
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["LANGUAGES", "Words"]

LANGUAGES = ("zh", "en")


class Words:
    """The strings of one language: `words("key", field=value)`; `strings` is the app's table."""

    strings: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init__(self, lang: str = "zh") -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
        self.lang = lang
        self._i = LANGUAGES.index(lang)

    def __call__(self, key: str, **fields: Any) -> str:
        return self.strings[key][self._i].format(**fields)

    def pick(self, zh: str | None, en: str | None) -> str:
        """One of a pair the server sent, falling back to the other."""
        first, second = (zh, en) if self._i == 0 else (en, zh)
        return first or second or ""
