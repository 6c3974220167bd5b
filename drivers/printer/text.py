"""Text for the printer's Chinese mode: encode each character, measure it, wrap by columns.

In Chinese character mode (`FS &`) a single-byte code prints as a half-width Font A cell
(12 dots, one column) and a multibyte code (GBK/Big5: 2 bytes, GB18030: 2 or 4 bytes) as one
full-width 24-dot glyph (two columns). So a character's width on paper follows from its encoded
length, and a line is wrapped between characters, never inside a multibyte code.

A character the encoding cannot express, one the printer's font lacks (four-byte GB18030
outside Extension A), or one that is not printable (a control code could inject ESC/POS
commands) is replaced *visibly* by "□" (or "?" where "□" is not encodable) and logged.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .ticket import PrinterEncoding

log = logging.getLogger(__name__)

REPLACEMENT = "□"
#: The four-byte GB18030 codes a printer's "GB18030" font actually draws: the GB18030-2000
#: set, i.e. CJK Extension A. Other four-byte codes (Extension B and later, emoji, other
#: scripts) would come out blank or as garbage, so they are replaced visibly instead.
GB18030_FOUR_BYTE_FONT: tuple[tuple[int, int], ...] = ((0x3400, 0x4DBF),)
FALLBACK_REPLACEMENT = "?"

# Chinese line-breaking rules (避头尾): these never start a line ...
_NO_LINE_START = frozenset("，。、：；！？）】」』》〉〕…—,.;:!?)]}%")
# ... and these never end one.
_NO_LINE_END = frozenset("（【「『《〈〔([{")
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Not str.isspace(): that also holds FS, GS, RS and US, which must be replaced visibly.
_BREAKING_WHITESPACE = frozenset("\t\n\v\f\r\x85\u2028\u2029")


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character as sent: its bytes and the columns it takes."""

    char: str
    data: bytes
    columns: int
    replaced: bool = False


@dataclass(frozen=True, slots=True)
class EncodedLine:
    """One printed line (without its LF)."""

    glyphs: tuple[Glyph, ...]

    @property
    def data(self) -> bytes:
        return b"".join(g.data for g in self.glyphs)

    @property
    def columns(self) -> int:
        return sum(g.columns for g in self.glyphs)

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)


def _encode_char(char: str, codec: str) -> bytes | None:
    """The char's code in `codec`, or None when the printer could not print it."""
    if char == " ":
        return b" "
    if unicodedata.category(char) in _UNPRINTABLE_CATEGORIES:
        return None
    try:
        data = char.encode(codec)
    except UnicodeEncodeError:
        return None
    # A single byte >= 0x80 (e.g. Python's cp936 "€" = 0x80) is no valid code in Chinese mode.
    if len(data) == 1 and data[0] >= 0x80:
        return None
    if len(data) == 4 and not any(lo <= ord(char) <= hi for lo, hi in GB18030_FOUR_BYTE_FONT):
        return None  # a valid code, but no printer font has a glyph for it
    return data


def replacement_glyph(encoding: PrinterEncoding) -> Glyph:
    """The visible stand-in for an unprintable character in this encoding."""
    data = _encode_char(REPLACEMENT, encoding.value)
    if data is not None:
        return Glyph(REPLACEMENT, data, 2, replaced=True)
    return Glyph(FALLBACK_REPLACEMENT, FALLBACK_REPLACEMENT.encode("ascii"), 1, replaced=True)


def encode_text(text: str, encoding: PrinterEncoding) -> list[Glyph]:
    """Encode one paragraph; whitespace (also newlines) becomes a plain space."""
    codec = encoding.value
    glyphs: list[Glyph] = []
    missing: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char in _BREAKING_WHITESPACE or (
            unicodedata.category(char) == "Zs" and char != "\u3000"
        ):
            char = " "  # one paragraph per field; U+3000 ideographic space stays full-width
        data = _encode_char(char, codec)
        if data is None:
            missing.append(char)
            glyphs.append(replacement_glyph(encoding))
        else:
            glyphs.append(Glyph(char, data, 1 if len(data) == 1 else 2))
    if missing:
        log.warning(
            "printer: %d character(s) not printable in %s, replaced visibly: %s in %r",
            len(missing),
            codec,
            " ".join(f"U+{ord(c):04X}" for c in missing),
            text,
        )
    return glyphs


def text_columns(text: str, encoding: PrinterEncoding) -> int:
    """Columns `text` takes on one line."""
    return sum(g.columns for g in encode_text(text, encoding))


def _tokens(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    """Unbreakable units: ASCII words, single spaces, single wide characters; punctuation
    that may not start (end) a line is glued to the unit before (after) it."""
    units: list[list[Glyph]] = []
    for g in glyphs:
        prev = units[-1] if units else None
        is_word_char = g.columns == 1 and g.char != " " and not g.replaced
        if (
            prev is not None
            and is_word_char
            and prev[-1].columns == 1
            and prev[-1].char != " "
            and not prev[-1].replaced
        ):
            prev.append(g)  # continue an ASCII word
        else:
            units.append([g])
    merged: list[list[Glyph]] = []
    glue_next = False
    for unit in units:
        glue = glue_next or unit[0].char in _NO_LINE_START
        # a space stays its own unit: it is where a line may break (and is then dropped)
        if merged and glue and unit[0].char != " " and merged[-1][-1].char != " ":
            merged[-1].extend(unit)
        else:
            merged.append(list(unit))
        glue_next = unit[-1].char in _NO_LINE_END
    return merged


def wrap_glyphs(glyphs: Sequence[Glyph], columns: int) -> list[EncodedLine]:
    """Greedy wrap to at most `columns` per line; spaces at a break are dropped."""
    if columns < 2:
        raise ValueError("columns must be >= 2 to hold a full-width character")
    lines: list[list[Glyph]] = []
    current: list[Glyph] = []
    width = 0

    def finish() -> None:
        nonlocal current, width
        while current and current[-1].char == " ":
            current.pop()
        if current:
            lines.append(current)
        current, width = [], 0

    for unit in _tokens(glyphs):
        unit_width = sum(g.columns for g in unit)
        if unit[0].char == " " and not current:
            continue  # no leading space on a line
        if width + unit_width <= columns:
            current.extend(unit)
            width += unit_width
            continue
        finish()
        if unit[0].char == " ":
            continue
        if unit_width <= columns:
            current, width = list(unit), unit_width
            continue
        for g in unit:  # longer than a line: break between characters
            if width + g.columns > columns:
                finish()
            current.append(g)
            width += g.columns
    finish()
    return [EncodedLine(tuple(line)) for line in lines]


def wrap_text(text: str, columns: int, encoding: PrinterEncoding) -> list[EncodedLine]:
    """Encode `text` and wrap it to `columns` display columns."""
    return wrap_glyphs(encode_text(text, encoding), columns)


def join_lines(lines: Iterable[EncodedLine], newline: bytes = b"\n") -> bytes:
    """The lines' bytes, each ended by LF (print and line feed)."""
    return b"".join(line.data + newline for line in lines)
