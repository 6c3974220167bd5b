"""What a printed queue ticket says, and the printer's paper and character set.

Pure data: the kiosk builds a `PrintableTicket` from the server's reply, `render.render_ticket`
turns it into ESC/POS bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Literal

TicketClassName = Literal["normal", "priority", "appointment"]
Language = Literal["zh", "en"]

TICKET_CLASSES: frozenset[str] = frozenset({"normal", "priority", "appointment"})
LANGUAGES: frozenset[str] = frozenset({"zh", "en"})

#: A QR payload longer than this would need a QR version too wide for 58 mm paper at the
#: module size we use (version 10-M holds 213 bytes: 57 modules x 6 dots = 342 of 384 dots).
MAX_QR_URL_BYTES = 200


class PaperWidth(Enum):
    """Roll width; columns are Font A cells (12 x 24 dots) across the printable width."""

    MM58 = (58, 32, 384)
    MM80 = (80, 48, 576)

    def __init__(self, mm: int, columns: int, dots: int) -> None:
        self.mm = mm
        self.columns = columns
        self.dots = dots


class PrinterEncoding(StrEnum):
    """Character set the printer's Chinese mode (FS &) expects; values are Python codecs."""

    GB18030 = "gb18030"
    GBK = "gbk"
    BIG5 = "big5"


@dataclass(frozen=True, slots=True)
class PrintableTicket:
    """Everything printed on one queue ticket, already in the words the citizen reads."""

    hall_name: str
    number: str  # "A001"
    service_name: str
    ticket_class: TicketClassName
    ahead: int  # people waiting before this ticket
    estimated_wait_s: int | None
    location: str  # where to go: window, area or floor
    issued_at: dt.datetime  # timezone-aware
    footer: str = ""
    service_name_en: str | None = None
    qr_url: str | None = None
    language: Language = "zh"
    #: The line about the wait in the hall's own wording (the same words the screen and the
    #: phone page use). Empty: the renderer words `ahead` and `estimated_wait_s` itself.
    wait_text: str = ""
    #: 一件事: a bundle ticket's steps, one line each, worded ("1. 户籍办理（当前）").
    steps: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.ticket_class not in TICKET_CLASSES:
            raise ValueError(f"ticket_class must be one of {sorted(TICKET_CLASSES)}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {sorted(LANGUAGES)}")
        if not self.number.strip():
            raise ValueError("number must not be empty")
        if self.ahead < 0:
            raise ValueError("ahead must be >= 0")
        if self.estimated_wait_s is not None and self.estimated_wait_s < 0:
            raise ValueError("estimated_wait_s must be >= 0 or None")
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware")
        if self.qr_url is not None:
            check_qr_url(self.qr_url)


def check_qr_url(url: str) -> None:
    """Raise ValueError unless `url` is printable ASCII (percent-encode anything else) and
    fits the paper as a QR code."""
    if not url:
        raise ValueError("qr_url must be None or non-empty")
    if not all(0x21 <= ord(c) <= 0x7E for c in url):
        raise ValueError("qr_url must be printable ASCII without spaces (percent-encode it)")
    if len(url) > MAX_QR_URL_BYTES:
        raise ValueError(f"qr_url longer than {MAX_QR_URL_BYTES} bytes")
