"""Routing a bus frame to the keypad or evaluator decoder."""

from __future__ import annotations

from drivers.bus import (
    FIVE_KEY,
    FOUR_KEY,
    EvaluatorPress,
    FrameDecoder,
    KeypadAction,
    KeypadPress,
    decode_press,
)

MODELS = {2: FOUR_KEY, 5: FIVE_KEY}


def frames(hex_stream: str) -> list[object]:
    return [decode_press(f, MODELS) for f in FrameDecoder().feed(bytes.fromhex(hex_stream))]


def test_routes_by_function() -> None:
    assert frames(
        "FF 68 03 03 68 02 01 0C 0F 16"  # keypad 2: 呼叫
        "FF 68 03 03 68 02 11 03 16 16"  # evaluator 2 (4-key): key 3
        "FF 68 03 03 68 05 11 03 19 16"  # evaluator 5 (5-key): key 3
        "FF 68 03 03 68 07 11 01 19 16"  # evaluator 7: no model configured
    ) == [
        KeypadPress(2, KeypadAction.CALL_NEXT, "", 0x0C),
        EvaluatorPress(2, 5, 3),
        EvaluatorPress(5, 4, 3),
        EvaluatorPress(7, None, 1),
    ]
