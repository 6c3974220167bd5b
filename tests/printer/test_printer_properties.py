"""Properties of the renderer over arbitrary ticket text."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.printer.render import render_ticket
from drivers.printer.stream import Kind, parse
from drivers.printer.text import encode_text, wrap_text
from drivers.printer.ticket import PaperWidth, PrintableTicket, PrinterEncoding

# Text a clerk could type into the hall configuration, and worse: CJK (also extension
# planes), full-width punctuation, Latin, emoji, control codes, zero-width and odd spaces.
ticket_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
        st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
        st.sampled_from("：〇（）【】，。、—…·「」《》　 \t\n\x1b\x1d\x10\x04\x00\u200b\xa0€é"),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0x1F300, max_codepoint=0x1F64F),
    ),
    max_size=60,
)

tickets = st.builds(
    PrintableTicket,
    hall_name=ticket_text,
    number=st.from_regex(r"[A-Z][0-9]{3,4}", fullmatch=True),
    service_name=ticket_text,
    ticket_class=st.sampled_from(["normal", "priority", "appointment"]),
    ahead=st.integers(0, 10_000),
    estimated_wait_s=st.none() | st.integers(0, 86_400),
    location=ticket_text,
    issued_at=st.just(dt.datetime(2024, 6, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
    footer=ticket_text,
    service_name_en=st.none() | ticket_text,
    qr_url=st.none()
    | st.from_regex(r"https://[a-z.]{5,20}/q\?t=[A-Za-z0-9&=%]{1,60}", fullmatch=True),
    language=st.sampled_from(["zh", "en"]),
)


def line_columns(text: bytes, encoding: PrinterEncoding) -> int:
    """Columns of encoded text, read from the bytes: 1 per ASCII byte, 2 per multibyte code."""
    columns, i = 0, 0
    while i < len(text):
        if text[i] < 0x80:
            i, columns = i + 1, columns + 1
        elif encoding is PrinterEncoding.GB18030 and 0x30 <= text[i + 1] <= 0x39:
            i, columns = i + 4, columns + 2
        else:
            i, columns = i + 2, columns + 2
    return columns


@settings(max_examples=300, deadline=None)
@given(tickets, st.sampled_from(list(PaperWidth)), st.sampled_from(list(PrinterEncoding)))
def test_rendered_ticket_is_well_formed(
    ticket: PrintableTicket, width: PaperWidth, encoding: PrinterEncoding
) -> None:
    data = render_ticket(ticket, width, encoding)
    events = parse(data)  # raises if the stream ends inside a command
    assert data.startswith(b"\x1b@\x1c&")
    assert [e.kind for e in events].count(Kind.CUT) == 1 and events[-1].kind is Kind.CUT
    assert not [e for e in events if e.kind in (Kind.UNKNOWN, Kind.CONTROL)]
    # no real-time command hides in the job: a printer would act on it mid-ticket
    for realtime in (b"\x10\x04", b"\x10\x05", b"\x10\x14"):
        assert realtime not in data
    # every printed line fits the paper at its character width (GS ! n)
    magnification, line = 1, b""
    for event in events:
        if event.kind is Kind.COMMAND and event.raw[:2] == b"\x1d!":
            magnification = (event.raw[2] >> 4) + 1
        elif event.kind is Kind.TEXT:
            line += event.raw
        elif event.kind is Kind.LF:
            assert line_columns(line, encoding) * magnification <= width.columns
            line = b""
    assert line == b""


@given(ticket_text, st.sampled_from([32, 48, 7, 2]), st.sampled_from(list(PrinterEncoding)))
def test_wrapping_keeps_every_character_and_fits(
    text: str, columns: int, encoding: PrinterEncoding
) -> None:
    lines = wrap_text(text, columns, encoding)
    assert all(0 < line.columns <= columns for line in lines)
    # only the spaces at the breaks are dropped
    kept = "".join(g.char for g in encode_text(text, encoding)).replace(" ", "")
    assert "".join(line.text for line in lines).replace(" ", "") == kept
    for line in lines:
        line.data.decode(encoding.value)  # whole codes only: never a split character


def test_multibyte_codes_never_contain_command_bytes() -> None:
    """Every non-ASCII character's code uses bytes >= 0x30 only, in all three encodings, so
    no DLE (0x10), EOT (0x04), ESC, FS or GS can appear inside encoded text."""
    everything = "".join(chr(cp) for cp in range(0x80, 0x110000) if not 0xD800 <= cp <= 0xDFFF)
    for encoding in PrinterEncoding:
        data = everything.encode(encoding.value, errors="ignore")
        assert min(data) >= 0x30, encoding
