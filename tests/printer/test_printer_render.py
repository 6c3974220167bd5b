"""Renderer: exact bytes for literal tickets; wrapping, replacement, QR, cut and size."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from printerkit import QR_URL

from drivers.printer.render import render_ticket
from drivers.printer.text import wrap_text
from drivers.printer.ticket import PaperWidth, PrintableTicket, PrinterEncoding

MakeTicket = Callable[..., PrintableTicket]

# Literal command bytes, written out here rather than taken from the code under test.
ESC_AT = b"\x1b\x40"  # ESC @
FS_AMP = b"\x1c\x26"  # FS &
CENTER = b"\x1b\x61\x01"  # ESC a 1
BOLD_ON = b"\x1b\x45\x01"  # ESC E 1
BOLD_OFF = b"\x1b\x45\x00"  # ESC E 0
SIZE_0 = b"\x1d\x21\x00"  # GS ! 0
SIZE_2H = b"\x1d\x21\x01"  # GS ! 1: double height
FEED_CUT = b"\x1b\x64\x04" + b"\x1d\x56\x01"  # ESC d 4, GS V 1


def test_small_ticket_exact_bytes_58mm(make_ticket: MakeTicket) -> None:
    data = render_ticket(make_ticket(), PaperWidth.MM58, PrinterEncoding.GB18030)
    # One element per printed line.
    expected = b"".join(
        [
            ESC_AT + FS_AMP + CENTER,
            # 便民服务中心, bold
            BOLD_ON + bytes.fromhex("b1e3 c3f1 b7fe cef1 d6d0 d0c4") + b"\n" + BOLD_OFF,
            # A001 at 4 x 4 (GS ! 0x33), bold
            b"\x1d\x21\x33" + BOLD_ON + b"A001\n" + SIZE_0 + BOLD_OFF,
            # 社保卡（补办）, double height; the full-width brackets are a3a8 / a3a9
            SIZE_2H + bytes.fromhex("c9e7 b1a3 bfa8 a3a8 b2b9 b0ec a3a9") + b"\n" + SIZE_0,
            # 前面还有 3 人
            bytes.fromhex("c7b0 c3e6 bbb9 d3d0") + b" 3 " + bytes.fromhex("c8cb") + b"\n",
            # 预计等候约 5 分钟
            bytes.fromhex("d4a4 bcc6 b5c8 baf2 d4bc") + b" 5 " + bytes.fromhex("b7d6 d6d3") + b"\n",
            # 请到：二〇一室 — "：" is a3ba, "〇" is a996
            bytes.fromhex("c7eb b5bd a3ba b6fe a996 d2bb cad2") + b"\n",
            # 取号时间：2024-06-01 09:30:00
            bytes.fromhex("c8a1 bac5 cab1 bce4 a3ba") + b"2024-06-01 09:30:00\n",
            # 过号请重新取号
            bytes.fromhex("b9fd bac5 c7eb d6d8 d0c2 c8a1 bac5") + b"\n",
            FEED_CUT,
        ]
    )
    assert data == expected


def test_number_is_larger_on_80mm(make_ticket: MakeTicket) -> None:
    data = render_ticket(make_ticket(), PaperWidth.MM80)
    assert b"\x1d\x21\x44" + BOLD_ON + b"A001\n" in data  # GS ! 0x44: 5 x 5


def test_marks_priority_and_appointment(make_ticket: MakeTicket) -> None:
    priority = render_ticket(make_ticket(ticket_class="priority"))
    assert BOLD_ON + bytes.fromhex("a1be c2cc c9ab cda8 b5c0 a1bf") + b"\n" + BOLD_OFF in priority
    appointment = render_ticket(make_ticket(ticket_class="appointment"))
    assert BOLD_ON + bytes.fromhex("a1be d4a4 d4bc a1bf") + b"\n" + BOLD_OFF in appointment
    normal = render_ticket(make_ticket())
    assert bytes.fromhex("a1be") not in normal


def test_english_ticket_has_english_name_and_labels(make_ticket: MakeTicket) -> None:
    data = render_ticket(
        make_ticket(language="en", service_name_en="Social security card", ticket_class="priority")
    )
    english = b"".join(
        [
            SIZE_2H + bytes.fromhex("c9e7 b1a3 bfa8 a3a8 b2b9 b0ec a3a9") + b"\n" + SIZE_0,
            b"Social security card\n",
            BOLD_ON + b"[Priority lane]\n" + BOLD_OFF,
            b"People ahead: 3\n",
            b"Estimated wait: about 5 min\n",
            b"Please go to: " + bytes.fromhex("b6fe a996 d2bb cad2") + b"\n",
            b"Issued: 2024-06-01 09:30:00\n",
        ]
    )
    assert english in data


def test_chinese_ticket_ignores_english_name(make_ticket: MakeTicket) -> None:
    data = render_ticket(make_ticket(service_name_en="Social security card"))
    assert b"Social" not in data


def test_wait_rounds_up_and_zero_says_no_wait(make_ticket: MakeTicket) -> None:
    assert b" 2 " + bytes.fromhex("b7d6 d6d3") in render_ticket(make_ticket(estimated_wait_s=61))
    # 预计无需等候
    assert bytes.fromhex("d4a4 bcc6 cede d0e8 b5c8 baf2") + b"\n" in render_ticket(
        make_ticket(estimated_wait_s=0)
    )
    assert bytes.fromhex("d4a4 bcc6") not in render_ticket(make_ticket(estimated_wait_s=None))


def test_rare_character_in_gbk_is_replaced_visibly_and_logged(
    make_ticket: MakeTicket, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="drivers.printer.text"):
        data = render_ticket(make_ticket(service_name="户籍㐀"), encoding=PrinterEncoding.GBK)
    # 户籍 then "□" (a1f5) where 㐀 (not in GBK) was
    assert SIZE_2H + bytes.fromhex("bba7 bcae a1f5") + b"\n" + SIZE_0 in data
    assert "U+3400" in caplog.text


def test_gb18030_sends_extension_a_as_four_byte_codes(make_ticket: MakeTicket) -> None:
    data = render_ticket(make_ticket(service_name="㐀䶵"), encoding=PrinterEncoding.GB18030)
    assert SIZE_2H + bytes.fromhex("8139ee39 82358738") + b"\n" + SIZE_0 in data


def test_gb18030_replaces_what_printer_fonts_lack(
    make_ticket: MakeTicket, caplog: pytest.LogCaptureFixture
) -> None:
    # 𠀀 (Extension B) and an emoji have GB18030 codes but no glyph in a GB18030-2000 font
    with caplog.at_level(logging.WARNING, logger="drivers.printer.text"):
        data = render_ticket(make_ticket(service_name="户籍𠀀😀"))
    assert SIZE_2H + bytes.fromhex("bba7 bcae a1f5 a1f5") + b"\n" + SIZE_0 in data
    assert "U+20000" in caplog.text and "U+1F600" in caplog.text


def test_big5_replaces_what_it_lacks(
    make_ticket: MakeTicket, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="drivers.printer.text"):
        data = render_ticket(make_ticket(location="〇"), encoding=PrinterEncoding.BIG5)
    assert FS_AMP in data
    assert bytes.fromhex("a1bc") + b"\n" in data  # Big5 "□"
    assert "U+3007" in caplog.text


def test_gbk_euro_is_not_sent_as_a_single_high_byte(make_ticket: MakeTicket) -> None:
    # Python's gbk codec maps "€" to 0x80, which is no character in the printer's Chinese mode.
    data = render_ticket(make_ticket(footer="€"), encoding=PrinterEncoding.GBK)
    assert bytes.fromhex("a1f5") + b"\n" + FEED_CUT in data


def test_control_characters_cannot_inject_commands(make_ticket: MakeTicket) -> None:
    data = render_ticket(make_ticket(service_name="A\x1b@\x1dV\x00B\n\tC"))
    box = bytes.fromhex("a1f5")  # "□"
    assert SIZE_2H + b"A" + box + b"@" + box + b"V" + box + b"B  C\n" + SIZE_0 in data
    assert data.count(b"\x1d\x56") == 1  # only the real cut


LONG_NAME = "中华人民共和国居民身份证申领、换领、补领及临时居民身份证办理（含港澳台居民居住证申领）"


@pytest.mark.parametrize(
    ("width", "widths"),
    [
        (PaperWidth.MM58, [32, 32, 22]),
        (PaperWidth.MM80, [48, 38]),
    ],
)
def test_long_service_name_wraps_to_paper_width(
    make_ticket: MakeTicket, width: PaperWidth, widths: list[int]
) -> None:
    lines = wrap_text(LONG_NAME, width.columns, PrinterEncoding.GB18030)
    assert [line.columns for line in lines] == widths
    assert "".join(line.text for line in lines) == LONG_NAME
    data = render_ticket(make_ticket(service_name=LONG_NAME), width)
    start = data.index(SIZE_2H) + len(SIZE_2H)
    block = data[start : data.index(SIZE_0, start)]
    printed = block.split(b"\n")[:-1]
    # every line is whole two-byte codes: never a split GB18030 character
    assert [len(line) for line in printed] == widths
    assert b"".join(printed).decode("gb18030") == LONG_NAME


def test_closing_bracket_does_not_start_a_line() -> None:
    text = "一二三四五六七八九十一二三四五（六）"  # 32 columns at 58 mm would end at "）"
    lines = wrap_text(text + "七", 32, PrinterEncoding.GB18030)
    assert all(not line.text.startswith("）") for line in lines)
    assert all(not line.text.endswith("（") for line in lines)


def test_english_words_wrap_at_spaces() -> None:
    text = "Application for the renewal of a residence permit"
    lines = wrap_text(text, 32, PrinterEncoding.GB18030)
    assert [line.text for line in lines] == ["Application for the renewal of a", "residence permit"]
    assert [line.columns for line in lines] == [32, 16]


def test_word_longer_than_a_line_is_split() -> None:
    lines = wrap_text("x" * 70, 32, PrinterEncoding.GB18030)
    assert [line.columns for line in lines] == [32, 32, 6]


def test_wide_character_never_overflows_an_odd_remainder() -> None:
    lines = wrap_text("a" + "中" * 16, 32, PrinterEncoding.GB18030)
    assert [line.columns for line in lines] == [31, 2]


def test_qr_command_bytes(make_ticket: MakeTicket) -> None:
    url = QR_URL.encode("ascii")
    assert len(url) == 66
    data = render_ticket(make_ticket(qr_url=QR_URL), PaperWidth.MM80)
    expected_qr = (
        b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"  # fn 165: model 2
        b"\x1d\x28\x6b\x03\x00\x31\x43\x08"  # fn 167: module 8 dots
        b"\x1d\x28\x6b\x03\x00\x31\x45\x31"  # fn 169: error correction M
        b"\x1d\x28\x6b\x45\x00\x31\x50\x30"
        + url  # fn 180: store, pL = 66 + 3
        + b"\x1d\x28\x6b\x03\x00\x31\x51\x30"  # fn 181: print
    )
    assert expected_qr + b"\n" in data
    assert b"\x1d\x76\x30" not in data  # never a raster image (GS v 0)


def test_qr_module_is_smaller_on_58mm(make_ticket: MakeTicket) -> None:
    data = render_ticket(make_ticket(qr_url=QR_URL), PaperWidth.MM58)
    assert b"\x1d\x28\x6b\x03\x00\x31\x43\x06" in data


def test_qr_bytes_match_python_escpos_native_qr() -> None:
    from escpos.printer import Dummy

    from drivers.printer.render import qr_code

    dummy = Dummy()
    dummy.qr(QR_URL, native=True, ec=1, size=8)  # ec 1 = QR_ECLEVEL_M
    assert qr_code(QR_URL.encode("ascii"), 8) == dummy.output


def test_ends_with_feed_and_cut(make_ticket: MakeTicket) -> None:
    data = render_ticket(make_ticket(qr_url=QR_URL))
    assert data.endswith(FEED_CUT)
    assert data.count(b"\x1d\x56") == 1


@pytest.mark.parametrize("width", list(PaperWidth))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_full_ticket_stays_under_600_bytes(
    make_ticket: MakeTicket, width: PaperWidth, language: str
) -> None:
    ticket = make_ticket(
        hall_name="某某市某某区政务服务中心",
        service_name="不动产登记（二手房转移登记及抵押登记）",
        service_name_en="Real estate registration (transfer and mortgage)",
        ticket_class="appointment",
        ahead=128,
        estimated_wait_s=5400,
        location="行政服务中心二楼 B 区 12 号综合受理窗口",
        qr_url=QR_URL,
        footer="过号请重新取号，请留意叫号屏及语音提示",
        language=language,
    )
    assert len(render_ticket(ticket, width)) <= 600


def test_render_is_pure(make_ticket: MakeTicket) -> None:
    ticket = make_ticket(qr_url=QR_URL)
    assert render_ticket(ticket) == render_ticket(ticket)


def test_a_worded_wait_replaces_the_renderers_own_lines(make_ticket: MakeTicket) -> None:
    words = "暂无窗口开放，开放后按顺序叫号"
    data = render_ticket(make_ticket(wait_text=words))
    assert words.encode("gb18030") + b"\n" in data
    assert "前面还有".encode("gb18030") not in data and "分钟".encode("gb18030") not in data
