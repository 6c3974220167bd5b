"""Ticket numbers on digit-only displays: the service prefix becomes digits. Pure.

A keypad's display and a "bus" number board show digits only, so A001 and B001 would both
show as 001. Each ticket prefix has a code, a whole number (``[prefix_codes]`` in the
bridge's file; by default its place in the alphabet, A = 1, B = 2, … Z = 26), and a number
shows as the code followed by the last three digits of its daily sequence:

    A001 -> 1001    B001 -> 2001    J012 -> 10012    A1234 -> 1234 (after the 999th A)

The sequence part always has three digits, so two numbers of different prefixes never look
alike as long as the codes differ (``1``+``001`` is four digits, ``11``+``001`` five). A
service that issues more than 999 tickets a day repeats its own digits (A1001 looks like
A001, called hours before). A number whose prefix has no code is not shown (blank), never
shown ambiguously; the bridge logs it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

log = logging.getLogger(__name__)

#: A: 1, B: 2, … Z: 26 — a hall that configures nothing gets these.
DEFAULT_CODES: Mapping[str, int] = MappingProxyType({chr(ord("A") + i): i + 1 for i in range(26)})
#: Digits of the daily sequence a digit display shows (the server writes at least three).
SEQUENCE_DIGITS = 3
#: Codes are whole numbers in this range (no leading zero: the code's first digit shows).
MIN_CODE, MAX_CODE = 1, 999

_NUMBER = re.compile(r"([A-Z]{1,2})([0-9]+)")


def digits_needed(codes: Mapping[str, int]) -> int:
    """The digit cells the longest code needs with a three-digit sequence."""
    return max((len(str(c)) for c in codes.values()), default=0) + SEQUENCE_DIGITS


class DigitNumbers:
    """Turns ticket numbers into what a digit display shows, by the prefix codes."""

    def __init__(self, codes: Mapping[str, int] = DEFAULT_CODES) -> None:
        self.codes = dict(codes)
        self._warned: set[str] = set()

    def digits(self, number: str) -> str:
        """The digits for `number` ("A001" -> "1001"); "" (blank) if it cannot be shown."""
        if not number:
            return ""
        match = _NUMBER.fullmatch(number)
        if match is None:
            self._warn(number, f"ticket number {number!r} is not a prefix and digits")
            return ""
        code = self.codes.get(match[1])
        if code is None:
            problem = f"prefix {match[1]} has no code in [prefix_codes]"
            self._warn(match[1], f"{problem}: {number} and its like show blank on digit displays")
            return ""
        return f"{code}{match[2][-SEQUENCE_DIGITS:]}"

    def missing(self, prefixes: Iterable[str]) -> list[str]:
        """The prefixes of `prefixes` that have no code, sorted."""
        return sorted({p for p in prefixes if p not in self.codes})

    def _warn(self, key: str, message: str) -> None:
        if key not in self._warned:  # once each: a call is drawn again and again
            self._warned.add(key)
            log.error("%s", message)
