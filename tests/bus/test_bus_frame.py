"""The bus frame codec: literal frames in and out, the stream decoder's resync and counts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.bus.frame import (
    BLANK,
    DecodeErrors,
    Frame,
    FrameDecoder,
    ack,
    beep,
    number_cells,
    read_number,
    show_cells,
    show_code,
    show_number,
    show_waiting,
    start_evaluation,
)

# HARDWARE.md: the host shows "123" on keypad 1.
SHOW_123 = bytes.fromhex("FF 68 08 08 68 01 02 0A 0A 0A 01 02 03 27 16")
# Keypad 3 presses 呼叫 (0x0C): CS = 03 + 01 + 0C = 10.
KEY_CALL_3 = bytes.fromhex("FF 68 03 03 68 03 01 0C 10 16")
# Keypad 2 sends 6 + 确认 (no-show): CS = 02 + 01 + 06 + 0F = 18.
KEY_NO_SHOW_2 = bytes.fromhex("FF 68 04 04 68 02 01 06 0F 18 16")
# Evaluator 5 presses key 3: CS = 05 + 11 + 03 = 19; the host answers FUNC 01: CS = 09.
RATING_5_KEY3 = bytes.fromhex("FF 68 03 03 68 05 11 03 19 16")
RATING_5_KEY3_ACK = bytes.fromhex("FF 68 03 03 68 05 01 03 09 16")


# -- encoding ------------------------------------------------------------------------------


def test_hardware_md_example_encodes_byte_for_byte() -> None:
    assert show_number(1, "123").encode() == SHOW_123
    assert Frame(1, 0x02, bytes([BLANK, BLANK, BLANK, 1, 2, 3])).encode() == SHOW_123


def test_hand_written_frames() -> None:
    assert Frame(3, 0x01, b"\x0c").encode() == KEY_CALL_3
    assert Frame(2, 0x01, b"\x06\x0f").encode() == KEY_NO_SHOW_2
    assert Frame(5, 0x11, b"\x03").encode() == RATING_5_KEY3


def test_checksum_wraps_mod_256() -> None:
    frame = Frame(0xFF, 0xFF, b"\xff\x03")
    assert frame.checksum == (0xFF * 3 + 3) % 256 == 0x00
    assert frame.encode() == bytes.fromhex("FF 68 04 04 68 FF FF FF 03 00 16")


def test_beep_goes_to_0xaa_with_no_data() -> None:
    assert beep().encode() == bytes.fromhex("FF 68 02 02 68 AA 03 AD 16")
    assert beep(4).encode() == bytes.fromhex("FF 68 02 02 68 04 03 07 16")


def test_start_evaluation() -> None:
    assert start_evaluation(1).encode() == bytes.fromhex("FF 68 03 03 68 01 01 0B 0D 16")


def test_ack_echoes_a_keypad_frame() -> None:
    frame = FrameDecoder().feed(KEY_NO_SHOW_2)[0]
    assert ack(frame).encode() == KEY_NO_SHOW_2


def test_ack_of_a_rating_is_func_01() -> None:
    frame = FrameDecoder().feed(RATING_5_KEY3)[0]
    assert ack(frame).encode() == RATING_5_KEY3_ACK


def test_ack_of_the_rating_key_on_a_keypad_is_a_start_request() -> None:
    # The echo of the keypad's 评价 key (0x0B) is exactly start_evaluation(addr).
    assert ack(Frame(1, 0x01, b"\x0b")) == start_evaluation(1)


@pytest.mark.parametrize(
    ("addr", "func", "data"),
    [(-1, 1, b""), (256, 1, b""), (1, 256, b""), (1, -1, b""), (1, 1, bytes(254))],
)
def test_frame_rejects_what_does_not_fit(addr: int, func: int, data: bytes) -> None:
    with pytest.raises(ValueError, match=r"^frame (address|function|data) "):
        Frame(addr, func, data)


def test_frame_data_is_always_bytes() -> None:
    frame = Frame(1, 2, bytearray(b"\x01"))  # type: ignore[arg-type]
    assert type(frame.data) is bytes
    assert frame == Frame(1, 2, b"\x01")


# -- the number on a digit display ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("123", "0A 0A 0A 01 02 03"),
        ("A012", "0A 0A 0A 00 01 02"),  # prefix letter dropped, leading zero kept
        ("B012", "0A 0A 0A 00 01 02"),  # same as A012 on a keypad
        ("A-1", "0A 0A 0A 0A 0A 01"),
        ("", "0A 0A 0A 0A 0A 0A"),  # blank
        ("ABC", "0A 0A 0A 0A 0A 0A"),
        ("123456", "01 02 03 04 05 06"),
        ("A1234567", "02 03 04 05 06 07"),  # the last six digits
        ("１２", "0A 0A 0A 0A 0A 0A"),  # full-width digits are not ASCII digits
    ],
)
def test_number_cells_mapping(text: str, cells: str) -> None:
    assert number_cells(text) == bytes.fromhex(cells)


def test_show_number_for_a_ticket_with_prefix() -> None:
    # What the source program sends for A012 (the last three characters, right-aligned).
    assert show_number(1, "A012").encode() == bytes.fromhex(
        "FF 68 08 08 68 01 02 0A 0A 0A 00 01 02 24 16"
    )


def test_read_number_shows_blanks_as_spaces() -> None:
    assert read_number(show_number(1, "A012")) == "   012"
    assert read_number(Frame(1, 0x02, b"\x0a\x0b\x00\x01\x02\x03")) == " ?0123"
    with pytest.raises(ValueError, match="not a show-number frame"):
        read_number(beep())


def test_show_waiting_uses_the_left_three_cells() -> None:
    assert show_waiting(1, 7).data == bytes.fromhex("00 00 07 0A 0A 0A")
    assert show_waiting(1, 1234).data == bytes.fromhex("09 09 09 0A 0A 0A")
    assert show_waiting(1, -3).data == bytes.fromhex("00 00 00 0A 0A 0A")


def test_show_code_is_left_aligned_so_it_never_looks_like_a_number() -> None:
    assert show_code(1, "21").data == bytes.fromhex("02 01 0A 0A 0A 0A")
    assert read_number(show_code(1, "21")) == "21    "
    for bad in ("", "2a", "1234567", "²"):
        with pytest.raises(ValueError, match="a code is 1 to"):
            show_code(1, bad)


def test_show_cells_validates() -> None:
    assert show_cells(1, [BLANK] * 3 + [1, 2, 3]).encode() == SHOW_123
    with pytest.raises(ValueError, match=r"cells of 0\.\.9"):
        show_cells(1, [1, 2, 3])
    with pytest.raises(ValueError, match=r"cells of 0\.\.9"):
        show_cells(1, [0x0B, 0, 0, 0, 0, 0])


# -- the stream decoder --------------------------------------------------------------------


def test_decodes_the_hardware_md_example() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(SHOW_123) == [Frame(1, 0x02, bytes.fromhex("0A 0A 0A 01 02 03"))]
    assert decoder.errors == DecodeErrors()
    assert decoder.pending == 0


def test_frames_back_to_back_in_one_chunk() -> None:
    decoder = FrameDecoder()
    frames = decoder.feed(KEY_CALL_3 + KEY_NO_SHOW_2 + RATING_5_KEY3)
    assert [f.encode() for f in frames] == [KEY_CALL_3, KEY_NO_SHOW_2, RATING_5_KEY3]


def test_a_frame_split_over_feeds_byte_by_byte() -> None:
    decoder = FrameDecoder()
    out: list[Frame] = []
    for i, byte in enumerate(SHOW_123):
        got = decoder.feed(bytes([byte]))
        if i < len(SHOW_123) - 1:
            assert got == []
            assert decoder.pending == i + 1
        out += got
    assert [f.encode() for f in out] == [SHOW_123]
    assert decoder.pending == 0


def test_a_frame_split_after_the_start_byte() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(KEY_CALL_3 + b"\xff") == [Frame(3, 1, b"\x0c")]
    assert decoder.pending == 1
    assert decoder.feed(KEY_NO_SHOW_2[1:]) == [Frame(2, 1, b"\x06\x0f")]
    assert decoder.errors == DecodeErrors()


def test_garbage_before_between_and_after_is_counted() -> None:
    decoder = FrameDecoder()
    frames = decoder.feed(b"\x00\x12\x68" + KEY_CALL_3 + b"\x16\x16" + SHOW_123 + b"\x55")
    assert [f.encode() for f in frames] == [KEY_CALL_3, SHOW_123]
    assert decoder.errors == DecodeErrors(garbage_bytes=6)


def test_bad_checksum_is_counted_and_the_next_frame_found() -> None:
    bad = bytearray(KEY_CALL_3)
    bad[-2] ^= 0x01
    decoder = FrameDecoder()
    assert decoder.feed(bytes(bad) + KEY_NO_SHOW_2) == [Frame(2, 1, b"\x06\x0f")]
    # The rejected frame's first byte is the error; the 9 bytes after it are skipped.
    assert decoder.errors == DecodeErrors(bad_checksum=1, garbage_bytes=len(bad) - 1)


def test_bad_end_byte_is_counted() -> None:
    bad = KEY_CALL_3[:-1] + b"\x17"
    decoder = FrameDecoder()
    assert decoder.feed(bad + SHOW_123) == [Frame(1, 2, bytes.fromhex("0A 0A 0A 01 02 03"))]
    assert decoder.errors.bad_end == 1
    assert decoder.errors.rejected_frames == 1


def test_mismatched_length_pair_is_rejected_at_once() -> None:
    decoder = FrameDecoder()
    # FF 68 03 04: the pair differs - rejected without waiting for more bytes.
    assert decoder.feed(b"\xff\x68\x03\x04") == []
    assert decoder.errors.bad_length == 1
    assert decoder.pending == 0


@pytest.mark.parametrize("length", [0x00, 0x01, 0x23, 0xFF])
def test_length_out_of_range_is_rejected(length: int) -> None:
    decoder = FrameDecoder(max_data=32)  # L may be 2 .. 34
    assert decoder.feed(bytes([0xFF, 0x68, length])) == []
    assert decoder.errors.bad_length == 1


def test_missing_second_marker_is_a_bad_header() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"\xff\x68\x03\x03\x69" + KEY_CALL_3) == [Frame(3, 1, b"\x0c")]
    assert decoder.errors.bad_header == 1


def test_a_good_frame_inside_a_bad_one_is_found() -> None:
    # A false header whose length would swallow the real frame that follows: its checksum
    # fails once all its bytes are in, and the real frame is found by the resync.
    false_start = b"\xff\x68\x0c\x0c\x68"
    decoder = FrameDecoder()
    frames = decoder.feed(false_start + KEY_CALL_3 + b"\x00" * 9)
    assert frames == [Frame(3, 1, b"\x0c")]
    assert decoder.errors.bad_checksum + decoder.errors.bad_end == 1


def test_flush_gives_up_a_pending_frame_and_rescans_behind_it() -> None:
    # The false header wants 0x20 + 7 bytes; only the real frame follows, then silence.
    decoder = FrameDecoder()
    assert decoder.feed(b"\xff\x68\x20\x20\x68\x01" + KEY_CALL_3) == []
    assert decoder.pending == 6 + len(KEY_CALL_3)
    assert decoder.flush() == [Frame(3, 1, b"\x0c")]
    assert decoder.errors == DecodeErrors(truncated=1, garbage_bytes=5)
    assert decoder.pending == 0


def test_flush_of_a_frame_really_cut_short() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(SHOW_123[:-3]) == []
    assert decoder.flush() == []
    assert decoder.errors.truncated == 1
    assert decoder.pending == 0
    # What arrives later decodes normally.
    assert decoder.feed(SHOW_123) == [Frame(1, 2, bytes.fromhex("0A 0A 0A 01 02 03"))]


def test_reset_drops_the_partial_frame() -> None:
    decoder = FrameDecoder()
    decoder.feed(SHOW_123[:5])
    decoder.reset()
    assert decoder.pending == 0
    assert decoder.feed(SHOW_123[5:]) == []


def test_max_data_limits() -> None:
    with pytest.raises(ValueError, match="max_data must be within"):
        FrameDecoder(max_data=254)
    decoder = FrameDecoder(max_data=253)
    big = Frame(1, 1, bytes(range(253)))
    assert decoder.feed(big.encode()) == [big]


# -- properties ----------------------------------------------------------------------------

frames_st = st.builds(
    Frame,
    addr=st.integers(0, 255),
    func=st.integers(0, 255),
    data=st.binary(max_size=32),
)
# Noise without FF cannot start a frame; a frame's own inner bytes are never scanned,
# because the frame before them is taken whole - so these inserts are found exactly.
noise_st = st.binary(max_size=40).map(lambda b: b.replace(b"\xff", b"\xfe"))


def feed_in_chunks(decoder: FrameDecoder, stream: bytes, cuts: list[int]) -> list[Frame]:
    frames: list[Frame] = []
    last = 0
    for cut in sorted(c % (len(stream) + 1) for c in cuts):
        frames += decoder.feed(stream[last:cut])
        last = cut
    return frames + decoder.feed(stream[last:])


@settings(deadline=None)  # timing on a loaded CI machine is not the point
@given(st.binary(max_size=600), st.lists(st.integers(0, 10_000), max_size=8))
def test_random_bytes_never_raise_and_the_buffer_stays_small(
    stream: bytes, cuts: list[int]
) -> None:
    decoder = FrameDecoder()
    frames = feed_in_chunks(decoder, stream, cuts)
    assert decoder.pending < decoder.max_frame_bytes
    frames += decoder.flush()
    assert decoder.pending == 0
    for frame in frames:  # whatever was found really is in the stream
        assert frame.encode() in stream


@settings(deadline=None)  # timing on a loaded CI machine is not the point
@given(frames_st)
def test_encode_then_decode_is_identity(frame: Frame) -> None:
    assert FrameDecoder().feed(frame.encode()) == [frame]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(noise_st, frames_st), max_size=6),
    noise_st,
    st.lists(st.integers(0, 10_000), max_size=10),
)
def test_frames_inside_noise_are_found_exactly_once_in_order(
    pieces: list[tuple[bytes, Frame]], tail: bytes, cuts: list[int]
) -> None:
    stream = b"".join(noise + frame.encode() for noise, frame in pieces) + tail
    decoder = FrameDecoder()
    frames = feed_in_chunks(decoder, stream, cuts)
    assert frames == [frame for _, frame in pieces]
    noise_bytes = sum(len(noise) for noise, _ in pieces) + len(tail)
    assert decoder.errors == DecodeErrors(garbage_bytes=noise_bytes)


@settings(deadline=None)  # timing on a loaded CI machine is not the point
@given(
    st.lists(st.one_of(frames_st.map(Frame.encode), st.binary(max_size=20)), max_size=8),
    st.lists(st.integers(0, 10_000), max_size=10),
)
def test_chunking_never_changes_the_result(parts: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(parts)
    whole = FrameDecoder()
    expected = whole.feed(stream)
    chunked = FrameDecoder()
    assert feed_in_chunks(chunked, stream, cuts) == expected
    assert chunked.errors == whole.errors
    assert chunked.pending == whole.pending
