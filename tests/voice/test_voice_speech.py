"""What a call says: ticket numbers letter by letter and digit by digit, windows as numbers."""

from __future__ import annotations

import pytest

from display.voice import CLIPS, Language, call_sentence, ticket_text, window_text
from display.voice.speech import number_clips, window_clips

ZH, EN = Language.ZH, Language.EN


@pytest.mark.parametrize(
    ("number", "zh", "en"),
    [
        ("A001", "A零零一", "A zero zero one"),
        ("B120", "B一二零", "B one two zero"),
        ("a7", "A七", "A seven"),
        ("AB0905", "AB零九零五", "A B zero nine zero five"),
        ("123", "一二三", "one two three"),
    ],
)
def test_a_ticket_number_is_said_letter_by_letter_and_digit_by_digit(
    number: str, zh: str, en: str
) -> None:
    assert ticket_text(number, ZH) == zh
    assert ticket_text(number, EN) == en


def test_a_ticket_numbers_clips_are_letters_and_digits_of_its_language() -> None:
    assert number_clips("A001", ZH) == ("letter_A", "zh_0", "zh_0", "zh_1")
    assert number_clips("A001", EN) == ("letter_A", "en_0", "en_0", "en_1")
    assert number_clips("A-01", ZH) == ("letter_A", "zh_0", "zh_1")  # only what can be said


@pytest.mark.parametrize(
    ("window", "zh", "en"),
    [
        (1, "一", "one"),
        (2, "二", "two"),
        (3, "三", "three"),
        (10, "十", "ten"),
        (11, "十一", "eleven"),
        (12, "十二", "twelve"),
        (20, "二十", "twenty"),
        (21, "二十一", "twenty one"),
        (99, "九十九", "ninety nine"),
        (100, "一百", "one hundred"),
        (101, "一百零一", "one hundred one"),
        (105, "一百零五", "one hundred five"),
        (110, "一百一十", "one hundred ten"),
        (120, "一百二十", "one hundred twenty"),
        (1000, "一千", "one thousand"),
        (1001, "一千零一", "one thousand one"),
        (1010, "一千零一十", "one thousand ten"),
        (1100, "一千一百", "one thousand one hundred"),
        (2048, "二千零四十八", "two thousand forty eight"),
        (9999, "九千九百九十九", "nine thousand nine hundred ninety nine"),
    ],
)
def test_a_window_number_is_said_as_a_number(window: int, zh: str, en: str) -> None:
    assert window_text(window, ZH) == zh
    assert window_text(window, EN) == en


def test_window_clips_follow_the_numerals() -> None:
    assert window_clips(12, ZH) == ("zh_10", "zh_2")
    assert window_clips(105, ZH) == ("zh_1", "zh_100", "zh_0", "zh_5")
    assert window_clips(12, EN) == ("en_12",)
    assert window_clips(1021, EN) == ("en_1", "en_thousand", "en_20", "en_1")
    with pytest.raises(ValueError, match="window 10000"):
        window_text(10000, ZH)


def test_every_window_and_letter_is_said_by_clips_of_the_pack() -> None:
    used = {c for n in range(10000) for lang in (ZH, EN) for c in window_clips(n, lang)}
    used |= {
        c for lang in (ZH, EN) for c in number_clips("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", lang)
    }
    assert used <= set(CLIPS)


def test_the_sentences_of_a_call_and_a_recall() -> None:
    call = call_sentence("A001", 3, False, ZH)
    assert call.text == "请A零零一号到三号窗口办理"
    assert call.clips == (
        "zh_qing",
        "letter_A",
        "zh_0",
        "zh_0",
        "zh_1",
        "zh_hao",
        "zh_dao",
        "zh_3",
        "zh_hao",
        "zh_chuangkou",
        "zh_banli",
    )
    assert call_sentence("A001", 3, True, ZH).text == "请A零零一号再次到三号窗口"
    assert call_sentence("A001", 12, False, ZH).text == "请A零零一号到十二号窗口办理"
    english = call_sentence("A001", 12, False, EN)
    assert english.text == "Number A zero zero one, please go to window twelve"
    assert english.clips == (
        "en_number",
        "letter_A",
        "en_0",
        "en_0",
        "en_1",
        "en_please",
        "en_go",
        "en_to",
        "en_window",
        "en_12",
    )
    again = call_sentence("A001", 12, True, EN)
    assert again.text == "Number A zero zero one, please go to window twelve again"
    assert set(call.clips + english.clips + again.clips) <= set(CLIPS)


def test_the_readme_names_every_clip_of_the_pack() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "display" / "voice" / "README.md").read_text()
    assert [n for n in [*CLIPS, "chime"] if f"`{n}.wav`" not in readme] == []
