"""Queue ticket → ESC/POS bytes. Pure: no I/O, same ticket in, same bytes out.

Command bytes come from python-escpos' `constants`; text is encoded here (see `text.py`),
never through python-escpos' automatic encoder, which sends GB18030 only for U+4E00–U+9FA5
and turns a lone "：" or "〇" into "?". The QR code is printed natively (`GS ( k`, model 2),
a tenth of the bytes of a raster image.
"""

from __future__ import annotations

import math

from escpos import constants as c

from .text import EncodedLine, encode_text, join_lines, wrap_text
from .ticket import PaperWidth, PrintableTicket, PrinterEncoding

ESC: bytes = c.ESC
GS: bytes = c.GS
FS: bytes = c.FS
TXT_SIZE: bytes = c.TXT_SIZE  # GS !

# Fixed command sequences. Each is the ESC/POS command named in the comment.
INIT: bytes = c.HW_INIT  # ESC @: initialize printer
CHINESE_MODE_ON = FS + b"&"  # FS &: select Kanji/Chinese character mode
ALIGN_CENTER: bytes = c.TXT_STYLE["align"]["center"]  # ESC a 1
BOLD_ON: bytes = c.TXT_STYLE["bold"][True]  # ESC E 1
BOLD_OFF: bytes = c.TXT_STYLE["bold"][False]  # ESC E 0
SIZE_NORMAL = TXT_SIZE + b"\x00"  # GS ! 0
SIZE_DOUBLE_HEIGHT = TXT_SIZE + b"\x01"  # GS ! 1
PARTIAL_CUT: bytes = c.PAPER_PART_CUT  # GS V 1: partial cut
LF: bytes = c.CTL_LF  # LF: print and line feed

#: Lines fed before the cut so the footer clears the cutter (ESC d n).
FEED_LINES_BEFORE_CUT = 4
#: Magnification (width = height) of the ticket number, capped by what fits the line.
NUMBER_MAGNIFICATION = {PaperWidth.MM58: 4, PaperWidth.MM80: 5}
#: QR module size in dots (GS ( k function 167).
QR_MODULE_DOTS = {PaperWidth.MM58: 6, PaperWidth.MM80: 8}

#: Printed labels, Chinese tickets and English tickets.
LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "priority": "【绿色通道】",
        "appointment": "【预约】",
        "ahead": "前面还有 {n} 人",
        "wait": "预计等候约 {m} 分钟",
        "no_wait": "预计无需等候",
        "location": "请到：{location}",
        "issued": "取号时间：{time}",
    },
    "en": {
        "priority": "[Priority lane]",
        "appointment": "[Appointment]",
        "ahead": "People ahead: {n}",
        "wait": "Estimated wait: about {m} min",
        "no_wait": "Estimated wait: none",
        "location": "Please go to: {location}",
        "issued": "Issued: {time}",
    },
}


#: The end of every job: feed the footer past the cutter, then cut.
CUT_TAIL: bytes = ESC + b"d" + bytes([FEED_LINES_BEFORE_CUT]) + PARTIAL_CUT  # ESC d n, GS V 1


def character_size(width_mag: int, height_mag: int) -> bytes:
    """GS ! n: n = (width - 1) << 4 | (height - 1), each 1..8."""
    if not (1 <= width_mag <= 8 and 1 <= height_mag <= 8):
        raise ValueError("magnification must be 1..8")
    return TXT_SIZE + bytes([(width_mag - 1) << 4 | (height_mag - 1)])


def feed_lines(n: int) -> bytes:
    """ESC d n: print and feed n lines."""
    if not 0 <= n <= 255:
        raise ValueError("n must be 0..255")
    return ESC + b"d" + bytes([n])


def _qr_function(fn: int, payload: bytes) -> bytes:
    """GS ( k pL pH cn fn [payload] with cn = 49 (QR code); pL pH count cn, fn and payload."""
    size = len(payload) + 2
    if size > 0xFFFF:
        raise ValueError("QR function payload too long")
    return GS + b"(k" + bytes([size & 0xFF, size >> 8, 49, fn]) + payload


def qr_code(data: bytes, module_dots: int, ec_level: int = c.QR_ECLEVEL_M) -> bytes:
    """Native QR code, model 2: the five GS ( k functions 165, 167, 169, 180, 181."""
    if not 1 <= module_dots <= 16:
        raise ValueError("module size must be 1..16 dots")
    if not data or len(data) > 7089:
        raise ValueError("QR data must be 1..7089 bytes")
    return (
        _qr_function(65, bytes([48 + c.QR_MODEL_2, 0]))  # fn 165: select model 2
        + _qr_function(67, bytes([module_dots]))  # fn 167: module size
        + _qr_function(69, bytes([48 + ec_level]))  # fn 169: error correction level
        + _qr_function(80, b"0" + data)  # fn 180: store the data in the symbol area
        + _qr_function(81, b"0")  # fn 181: print the stored symbol
    )


def wait_minutes(estimated_wait_s: int) -> int:
    """Whole minutes, rounded up: a citizen told "约 3 分钟" should not wait 3½."""
    return math.ceil(estimated_wait_s / 60)


def _number_magnification(width: PaperWidth, number_columns: int) -> int:
    """As large as configured, smaller when a long number would not fit one line."""
    return max(1, min(NUMBER_MAGNIFICATION[width], width.columns // max(1, number_columns)))


def _para(text: str, columns: int, encoding: PrinterEncoding) -> bytes:
    return join_lines(wrap_text(text, columns, encoding))


def _wait_lines(
    ticket: PrintableTicket, labels: dict[str, str], cols: int, encoding: PrinterEncoding
) -> bytes:
    """People ahead and the estimate, for a ticket that brings no `wait_text`."""
    out = _para(labels["ahead"].format(n=ticket.ahead), cols, encoding)
    if ticket.estimated_wait_s is not None:
        minutes = wait_minutes(ticket.estimated_wait_s)
        wait = labels["wait"].format(m=minutes) if minutes > 0 else labels["no_wait"]
        out += _para(wait, cols, encoding)
    return out


def render_ticket(
    ticket: PrintableTicket,
    width: PaperWidth = PaperWidth.MM80,
    encoding: PrinterEncoding = PrinterEncoding.GB18030,
) -> bytes:
    """The complete ESC/POS job for one ticket, ending with the cut."""
    cols = width.columns
    labels = LABELS[ticket.language]
    out = bytearray(INIT)
    out += CHINESE_MODE_ON  # all three encodings are multibyte: FS & sent explicitly
    out += ALIGN_CENTER

    out += BOLD_ON + _para(ticket.hall_name, cols, encoding) + BOLD_OFF

    number_columns = EncodedLine(tuple(encode_text(ticket.number, encoding))).columns
    mag = _number_magnification(width, number_columns)
    out += character_size(mag, mag) + BOLD_ON
    out += join_lines(wrap_text(ticket.number, cols // mag, encoding))
    out += SIZE_NORMAL + BOLD_OFF

    out += SIZE_DOUBLE_HEIGHT + _para(ticket.service_name, cols, encoding) + SIZE_NORMAL
    if ticket.language == "en" and ticket.service_name_en:
        out += _para(ticket.service_name_en, cols, encoding)
    if ticket.ticket_class in ("priority", "appointment"):
        out += BOLD_ON + _para(labels[ticket.ticket_class], cols, encoding) + BOLD_OFF
    for step in ticket.steps:  # 一件事: the steps, one line each
        out += _para(step, cols, encoding)

    if ticket.wait_text.strip():
        out += _para(ticket.wait_text, cols, encoding)
    else:
        out += _wait_lines(ticket, labels, cols, encoding)
    if ticket.location.strip():
        out += _para(labels["location"].format(location=ticket.location), cols, encoding)
    issued = ticket.issued_at.strftime("%Y-%m-%d %H:%M:%S")
    out += _para(labels["issued"].format(time=issued), cols, encoding)

    if ticket.qr_url:
        out += qr_code(ticket.qr_url.encode("ascii"), QR_MODULE_DOTS[width]) + LF
    if ticket.footer.strip():
        out += _para(ticket.footer, cols, encoding)

    out += CUT_TAIL
    return bytes(out)
