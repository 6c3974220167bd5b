"""The zone's announcer: one queue, each call once per zone, superseded calls dropped.

Boards fed literal events; the output is a small recording subclass, so a test sees exactly
which sounds were handed over and in what order, and ends a sound when it chooses to.
"""

from __future__ import annotations

import pytest
from voicekit import BOARDS, Feed, RecordingOutput, announcer, texts, welcome

from contract.hall import HallModel
from contract.records import Device
from display.voice import (
    Announcer,
    Language,
    VoicePack,
    VoiceSettings,
    VoiceStatus,
    Zone,
    device_status,
    model_presence,
)
from display.voice.announcer import sentence_parts
from display.voice.speech import call_sentence


def board_model() -> HallModel:
    return HallModel.from_welcome(welcome())


def test_calls_that_arrive_while_one_is_spoken_wait_their_turn_in_order(
    tone_pack: VoicePack,
) -> None:
    model = board_model()
    a, out = announcer(model, "board-1", tone_pack)
    feed = Feed(model)
    feed.call("A001", 3)
    assert out.busy and len(out.sounds) == 1
    feed.call("A002", 4)
    feed.call("A003", 12)
    assert len(out.sounds) == 1, "nothing over the call being spoken"
    assert [c.number for c in a.pending] == ["A002", "A003"]
    out.finish()
    out.finish()
    out.finish()
    assert texts(list(a.spoken)) == [
        "请A零零一号到三号窗口办理",
        "请A零零二号到四号窗口办理",
        "请A零零三号到十二号窗口办理",
    ]
    assert out.sounds == [x.sound for x in a.spoken]
    assert not a.pending and a.playing is None


def test_three_boards_of_a_zone_speak_each_call_once(tone_pack: VoicePack) -> None:
    models = [board_model() for _ in BOARDS]
    boards = [announcer(m, d, tone_pack) for m, d in zip(models, BOARDS, strict=True)]
    feed = Feed(*models)
    for number, window in (("A001", 1), ("A002", 2), ("A003", 3)):
        feed.call(number, window)
        for _, out in boards:
            if out.busy:
                out.finish()
    spoken = [texts(list(a.spoken)) for a, _ in boards]
    assert spoken[0] == [
        "请A零零一号到一号窗口办理",
        "请A零零二号到二号窗口办理",
        "请A零零三号到三号窗口办理",
    ]
    assert spoken[1:] == [[], []]
    assert {a.speaker() for a, _ in boards} == {"board-1"}


def test_when_the_speaker_drops_the_next_board_speaks_the_calls_made_after(
    tone_pack: VoicePack,
) -> None:
    online = set(BOARDS)
    models = [board_model() for _ in BOARDS]
    boards = [
        announcer(m, d, tone_pack, present=online.__contains__, settings=VoiceSettings(repeat=1))
        for m, d in zip(models, BOARDS, strict=True)
    ]
    for _, out in boards:
        out.instant = True
    feed = Feed(*models)
    feed.call("A001", 1)
    online.discard("board-1")  # board 1 goes silent
    feed.call("A002", 2)
    online.discard("board-2")
    feed.call("A003", 3)
    online.add("board-1")  # back: the first choice again
    feed.call("A004", 4)
    assert [texts(list(a.spoken)) for a, _ in boards] == [
        ["请A零零一号到一号窗口办理", "请A零零四号到四号窗口办理"],
        ["请A零零二号到二号窗口办理"],
        ["请A零零三号到三号窗口办理"],
    ]


def test_a_board_that_reports_a_fault_hands_over_to_the_next(tone_pack: VoicePack) -> None:
    models = [board_model() for _ in BOARDS]
    boards = [announcer(m, d, tone_pack) for m, d in zip(models, BOARDS, strict=True)]
    for _, out in boards:
        out.instant = True
    feed = Feed(*models)
    feed.status("board-1", *device_status(VoiceStatus.NO_DEVICE))
    feed.call("A001", 1)
    feed.status("board-1", "ok")
    feed.call("A002", 2)
    assert [texts(list(a.spoken)) for a, _ in boards] == [
        ["请A零零二号到二号窗口办理"],
        ["请A零零一号到一号窗口办理"],
        [],
    ]


class OnlineDevice(Device, frozen=True):
    """A device record as the server sends it once it reports presence."""

    online: bool | None = None


def test_presence_comes_from_the_models_devices(tone_pack: VoicePack) -> None:
    model = HallModel.from_welcome(welcome(devices=("board-2",)))
    present = model_presence(model)
    # No record says whether it is online (a server without presence): the list decides.
    assert present("board-1") and present("board-2")
    a, out = announcer(model, "board-1", tone_pack)
    assert a.speaker() == "board-1"
    # With presence: online when the record says so; no record, or not saying, is absent.
    model.devices["board-2"] = OnlineDevice(device="board-2", online=True)
    model.devices["board-3"] = OnlineDevice(device="board-3", online=False)
    model.devices["kiosk-1"] = OnlineDevice(device="kiosk-1")
    assert [present(d) for d in ("board-1", "board-2", "board-3", "kiosk-1")] == [
        False,
        True,
        False,
        False,
    ]
    assert a.speaker() == "board-2"
    Feed(model).call("A001", 1)
    assert not out.sounds


@pytest.mark.parametrize("supersede", ["finish", "no_show", "transfer", "park", "call_next"])
def test_a_call_superseded_while_it_waits_is_not_spoken_late(
    tone_pack: VoicePack, supersede: str
) -> None:
    model = board_model()
    a, out = announcer(model, "board-1", tone_pack)
    feed = Feed(model)
    feed.call("A001", 1)
    feed.call("A002", 2)  # waits while A001 is spoken
    feed.call("A003", 3)
    if supersede == "call_next":
        feed.call("A009", 2)  # window 2 calls someone else
    else:
        getattr(feed, supersede)("A002", 2)  # the citizen is already at the window
    while out.busy:
        out.finish()
    spoken = texts(list(a.spoken))
    assert "请A零零二号到二号窗口办理" not in spoken
    assert spoken[:2] == ["请A零零一号到一号窗口办理", "请A零零三号到三号窗口办理"]


def test_the_call_being_spoken_is_not_cut_off(tone_pack: VoicePack) -> None:
    model = board_model()
    a, out = announcer(model, "board-1", tone_pack)
    feed = Feed(model)
    feed.call("A001", 1)
    feed.finish("A001", 1)  # finished already: the sound still plays to its end
    assert out.busy and a.playing is not None
    out.finish()
    assert texts(list(a.spoken)) == ["请A零零一号到一号窗口办理"]


def test_a_recall_is_said_again_and_one_made_while_the_call_waits_adds_nothing(
    tone_pack: VoicePack,
) -> None:
    model = board_model()
    a, out = announcer(model, "board-1", tone_pack)
    feed = Feed(model)
    feed.call("A001", 1)
    feed.call("A002", 2)
    feed.call("A002", 2, recall=True)  # the first call has not been heard yet
    out.finish()
    out.finish()
    feed.call("A002", 2, recall=True)
    out.finish()
    assert texts(list(a.spoken)) == [
        "请A零零一号到一号窗口办理",
        "请A零零二号到二号窗口办理",
        "请A零零二号再次到二号窗口",
    ]
    assert not out.busy


def test_a_zone_hears_only_its_windows(tone_pack: VoicePack) -> None:
    model = board_model()
    upstairs = Zone("二楼", ("board-1",), windows=frozenset({10, 11, 12}))
    a, out = announcer(model, "board-1", tone_pack, zone=upstairs)
    out.instant = True
    feed = Feed(model)
    feed.call("A001", 1)
    feed.call("A002", 11)
    assert texts(list(a.spoken)) == ["请A零零二号到十一号窗口办理"]


def test_a_board_not_listed_never_speaks(tone_pack: VoicePack) -> None:
    model = board_model()
    a, out = announcer(model, "board-9", tone_pack)
    Feed(model).call("A001", 1)
    assert not out.sounds and a.speaker() == "board-1"


def test_the_sound_is_a_chime_then_each_language_repeated(tone_pack: VoicePack) -> None:
    model = board_model()
    settings = VoiceSettings(repeat=2, languages=(Language.ZH, Language.EN))
    a, out = announcer(model, "board-1", tone_pack, settings=settings)
    Feed(model).call("A001", 12)
    zh = call_sentence("A001", 12, False, Language.ZH)
    en = call_sentence("A001", 12, False, Language.EN)
    assert a.playing is not None and a.playing.texts == (zh.text, en.text)
    parts: list[str | float] = [0.3, "chime", 0.25]
    for turn in range(2):
        parts += [
            *([0.6] if turn else []),
            *sentence_parts(zh, 0.03),
            0.6,
            *sentence_parts(en, 0.03),
        ]
    expected = tone_pack.compose(parts)
    assert out.sounds[0].samples == expected.samples
    assert out.sounds[0].duration == pytest.approx(
        0.3
        + tone_pack.clips["chime"].duration
        + 0.25
        + 3 * 0.6
        + 2 * sum(tone_pack.compose(sentence_parts(s, 0.03)).duration for s in (zh, en)),
        abs=0.01,
    )


def test_no_sound_device_is_a_status_not_a_crash(tone_pack: VoicePack) -> None:
    model = board_model()
    heard: list[tuple[VoiceStatus, str]] = []
    out = RecordingOutput(device=False)
    a = Announcer(
        model,
        Zone("一楼", BOARDS),
        "board-1",
        tone_pack,
        out,
        on_status=lambda s, d: heard.append((s, d)),
    )
    a.start()
    assert heard == [(VoiceStatus.NO_DEVICE, "test: no device")]
    feed = Feed(model)
    feed.call("A001", 1)
    feed.call("A002", 2)
    assert heard == [(VoiceStatus.NO_DEVICE, "test: no device")]  # at start, said once
    assert a.status is VoiceStatus.NO_DEVICE and not a.spoken and not a.pending
    assert device_status(VoiceStatus.NO_DEVICE)[0] == "device_missing"
    assert "无声音输出设备" in device_status(VoiceStatus.NO_DEVICE)[1]
    out.device = True  # a speaker is plugged in
    feed.call("A003", 3)
    assert heard[-1] == (VoiceStatus.OK, "") and texts(list(a.spoken)) == [
        "请A零零三号到三号窗口办理"
    ]
    assert device_status(VoiceStatus.OK) == ("ok", "")


def test_stop_leaves_the_model_and_the_queue(tone_pack: VoicePack) -> None:
    model = board_model()
    a, out = announcer(model, "board-1", tone_pack)
    feed = Feed(model)
    feed.call("A001", 1)
    feed.call("A002", 2)
    a.stop()
    feed.call("A003", 3)
    assert len(out.sounds) == 1 and not a.pending


def test_a_step_handed_twice_is_taken_once(tone_pack: VoicePack) -> None:
    model = board_model()
    a, out = announcer(model, "board-1", tone_pack)
    model.observe(a.on_change)  # as if the board also wired the link's `changed` to it
    out.instant = True
    Feed(model).call("A001", 1)
    assert texts(list(a.spoken)) == ["请A零零一号到一号窗口办理"]
