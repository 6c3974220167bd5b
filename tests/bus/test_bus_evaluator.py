"""Evaluator keys -> 好差评 levels through the per-model maps."""

from __future__ import annotations

import logging

import pytest

from drivers.bus.evaluator import (
    BUILTIN_MODELS,
    FIVE_KEY,
    FOUR_KEY,
    EvaluatorModel,
    EvaluatorPress,
    decode_rating,
    is_rating,
    rating_frame,
)
from drivers.bus.frame import Frame, FrameDecoder


@pytest.mark.parametrize(
    ("key", "level"),
    [(0, 2), (1, 3), (2, 4), (3, 5), (4, None), (0xFF, None)],
)
def test_four_key_unit(key: int, level: int | None) -> None:
    assert decode_rating(rating_frame(9, key), FOUR_KEY) == EvaluatorPress(9, level, key)


@pytest.mark.parametrize(
    ("key", "level"),
    [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, None)],
)
def test_five_key_unit(key: int, level: int | None) -> None:
    assert decode_rating(rating_frame(9, key), FIVE_KEY) == EvaluatorPress(9, level, key)


def test_builtin_models_by_name() -> None:
    assert BUILTIN_MODELS["4-key"] is FOUR_KEY
    assert BUILTIN_MODELS["5-key"] is FIVE_KEY
    # Every level 1-5 is reachable on the 5-key unit, 2-5 on the 4-key unit.
    assert sorted(FIVE_KEY.keys.values()) == [1, 2, 3, 4, 5]
    assert sorted(FOUR_KEY.keys.values()) == [2, 3, 4, 5]


def test_literal_rating_frame_off_the_wire() -> None:
    frame = FrameDecoder().feed(bytes.fromhex("FF 68 03 03 68 05 11 03 19 16"))[0]
    assert is_rating(frame)
    assert decode_rating(frame, FOUR_KEY) == EvaluatorPress(5, 5, 3)  # 非常满意
    assert decode_rating(frame, FIVE_KEY) == EvaluatorPress(5, 4, 3)  # 满意


def test_unmapped_key_is_none_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="drivers.bus.evaluator"):
        press = decode_rating(rating_frame(1, 7), FOUR_KEY)
    assert press.level is None
    assert "key 7" in caplog.text


def test_rating_with_no_key() -> None:
    assert decode_rating(Frame(1, 0x11), FIVE_KEY) == EvaluatorPress(1, None, None)


def test_a_keypad_frame_is_not_a_rating() -> None:
    keypad = Frame(1, 0x01, b"\x0c")
    assert not is_rating(keypad)
    with pytest.raises(ValueError, match="not an evaluator frame"):
        decode_rating(keypad, FIVE_KEY)


def test_model_from_config_with_string_keys() -> None:
    model = EvaluatorModel.from_config("desk-3", {"0": 5, "1": 4, "2": 1})
    assert decode_rating(rating_frame(1, 0), model).level == 5
    assert decode_rating(rating_frame(1, 2), model).level == 1
    assert decode_rating(rating_frame(1, 3), model).level is None


@pytest.mark.parametrize(
    "keys",
    [{"0": 6}, {"0": 0}, {"x": 3}, {"300": 3}, {"-1": 3}],
)
def test_model_from_config_rejects_bad_maps(keys: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"^evaluator model 'bad': "):
        EvaluatorModel.from_config("bad", keys)


def test_model_map_cannot_be_changed_afterwards() -> None:
    source = {0: 1}
    model = EvaluatorModel("m", source)
    source[1] = 5
    assert model.level(1) is None
    with pytest.raises(TypeError):
        model.keys[1] = 5  # type: ignore[index]
