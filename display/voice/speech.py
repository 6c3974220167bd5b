"""What a call says: ticket numbers, window numbers and the sentences, as text and as clips.

Pure functions. A ticket number is spoken character by character (A001 → "A零零一", English
"A zero zero one"); a window number as a number (12 → "十二号窗口", "window twelve"). Each
sentence is a :class:`Sentence`: the text a person reads in the log, and the names of the
clips (``display.voice.pack.CLIPS``) that say it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Language",
    "Sentence",
    "call_sentence",
    "number_clips",
    "ticket_text",
    "window_clips",
    "window_text",
]

log = logging.getLogger(__name__)

ZH_DIGITS = "零一二三四五六七八九"
EN_NUMBERS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
EN_TENS = dict(
    zip(
        range(20, 100, 10),
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"],
        strict=True,
    )
)
MAX_WINDOW = 9999


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a call: ``text`` as read, ``clips`` as spoken."""

    language: Language
    text: str
    clips: tuple[str, ...]


def _characters(number: str) -> list[str]:
    """The letters and digits of a ticket number, upper case; anything else is left out."""
    kept = [c.upper() for c in number if c.isascii() and c.isalnum()]
    if len(kept) != len(number):
        log.warning("ticket number %r: only its letters and digits are spoken", number)
    return kept


def ticket_text(number: str, language: Language) -> str:
    """A001 → "A零零一" (zh) or "A zero zero one" (en)."""
    chars = _characters(number)
    if language is Language.ZH:
        return "".join(ZH_DIGITS[int(c)] if c.isdigit() else c for c in chars)
    return " ".join(EN_NUMBERS[int(c)] if c.isdigit() else c for c in chars)


def number_clips(number: str, language: Language) -> tuple[str, ...]:
    """The clips of a ticket number: ``letter_A``, ``zh_0`` / ``en_0`` …"""
    return tuple(f"{language}_{c}" if c.isdigit() else f"letter_{c}" for c in _characters(number))


def _check_window(window: int) -> None:
    if not 0 <= window <= MAX_WINDOW:
        raise ValueError(f"window {window} is not 0 to {MAX_WINDOW}")


def _zh_numeral(n: int) -> list[int]:
    """n (0 to 9999) as Chinese numeral units: digits 0-9, and 10/100/1000 for 十/百/千."""
    if n < 10:
        return [n]
    if n < 20:  # 十, 十二 (not 一十二)
        return [10] + ([n - 10] if n > 10 else [])
    out: list[int] = []
    zero = False  # a zero waiting to be said before the next non-zero digit (一百零五)
    for unit in (1000, 100, 10, 1):
        digit = n // unit % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(0)
            zero = False
        out.append(digit)
        if unit > 1:
            out.append(unit)
    return out


def _en_numeral(n: int) -> list[str]:
    """n (0 to 9999) as English number words: 105 → one hundred five."""
    if n < 20:
        return [EN_NUMBERS[n]]
    words: list[str] = []
    if n >= 1000:
        words += [EN_NUMBERS[n // 1000], "thousand"]
        n %= 1000
    if n >= 100:
        words += [EN_NUMBERS[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(EN_TENS[n // 10 * 10])
        n %= 10
        if n:
            words.append(EN_NUMBERS[n])
    elif n or not words:
        words.append(EN_NUMBERS[n])
    return words


_ZH_UNITS = {10: "十", 100: "百", 1000: "千"}
_EN_CLIP = {w: str(i) for i, w in enumerate(EN_NUMBERS)} | {w: str(n) for n, w in EN_TENS.items()}
_EN_CLIP |= {"hundred": "hundred", "thousand": "thousand"}


def window_text(window: int, language: Language) -> str:
    """12 → "十二" (zh) or "twelve" (en)."""
    _check_window(window)
    if language is Language.ZH:
        return "".join(_ZH_UNITS.get(u) or ZH_DIGITS[u] for u in _zh_numeral(window))
    return " ".join(_en_numeral(window))


def window_clips(window: int, language: Language) -> tuple[str, ...]:
    """The clips of a window number: 12 → zh_10 zh_2; en_12."""
    _check_window(window)
    if language is Language.ZH:
        return tuple(f"zh_{u}" for u in _zh_numeral(window))
    return tuple(f"en_{_EN_CLIP[w]}" for w in _en_numeral(window))


def call_sentence(number: str, window: int, recall: bool, language: Language) -> Sentence:
    """请A零零一号到三号窗口办理 / 请A零零一号再次到三号窗口; in English the same."""
    ticket = ticket_text(number, language)
    place = window_text(window, language)
    tclips, wclips = number_clips(number, language), window_clips(window, language)
    if language is Language.ZH:
        if recall:
            text = f"请{ticket}号再次到{place}号窗口"
            tail: tuple[str, ...] = ("zh_zaici", "zh_dao", *wclips, "zh_hao", "zh_chuangkou")
        else:
            text = f"请{ticket}号到{place}号窗口办理"
            tail = ("zh_dao", *wclips, "zh_hao", "zh_chuangkou", "zh_banli")
        return Sentence(language, text, ("zh_qing", *tclips, "zh_hao", *tail))
    again = (" again", ("en_again",)) if recall else ("", ())
    text = f"Number {ticket}, please go to window {place}{again[0]}"
    clips = ("en_number", *tclips, "en_please", "en_go", "en_to", "en_window", *wclips)
    return Sentence(language, text, clips + again[1])
