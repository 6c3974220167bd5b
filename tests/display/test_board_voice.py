"""The board's voice: the `[voice]` table, and a board that speaks its zone's calls through a
recording output, or says on the board and to the server that it cannot."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from boardkit import HallThread, shows
from pytestqt.qtbot import QtBot

from display.app import DisplayApp
from display.config import ConfigError, DisplayConfig
from display.voice import Output, VoiceStatus
from display.voice.wav import Pcm
from display.voice_link import VoiceConfig, load_voice


class Recorder(Output):
    """An output that keeps what it is given and is done at once."""

    def __init__(self, found: VoiceStatus = VoiceStatus.OK) -> None:
        super().__init__()
        self.found = found
        self.sounds: list[Pcm] = []

    def check(self) -> VoiceStatus:
        self.report(self.found)
        return self.status

    def play(self, sound: Pcm) -> bool:
        if self.status is not VoiceStatus.OK:
            return False
        self.sounds.append(sound)
        self.finished()
        return True


@pytest.fixture(scope="module")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("voice")  # espeak-ng renders the clips once for the module


@pytest.fixture
def speaking_board(
    qtbot: QtBot, hall: HallThread, voice_cache: Path
) -> Iterator[tuple[DisplayApp, Recorder]]:
    with _board(qtbot, hall, voice_cache, Recorder()) as made:
        yield made


@contextlib.contextmanager
def _board(
    qtbot: QtBot, hall: HallThread, cache: Path, recorder: Recorder
) -> Iterator[tuple[DisplayApp, Recorder]]:
    config = dataclasses.replace(
        DisplayConfig(), server=hall.url, device="board-1", token=hall.token("board-1")
    ).check()
    voice = VoiceConfig(cache=str(cache), languages=("zh",), repeat=1)
    board = DisplayApp(config, voice, output=lambda: recorder)
    qtbot.addWidget(board.screen)
    board.show((1920, 1080))
    board.start()
    try:
        yield board, recorder
    finally:
        board.stop()


def announcer(board: DisplayApp) -> tuple[str | None, bool | None, str | None] | None:
    """The board's announcer as the server recorded it: status, online, zone."""
    part = board.model.devices.get("board-1/announcer")
    return None if part is None else (part.status, part.online, part.detail)


def test_the_voice_table(tmp_path: Path) -> None:
    path = tmp_path / "board.toml"
    path.write_text(
        '[display]\nrows = 6\n\n[voice]\nspeakers = ["board-1", "board-2"]\nrepeat = 3\n'
        'languages = ["zh", "en"]\n',
        encoding="utf-8",
    )
    voice = load_voice(["--config", str(path)])
    assert voice == VoiceConfig(speakers=("board-1", "board-2"), repeat=3, languages=("zh", "en"))
    assert load_voice([]) is None
    path.write_text("[display]\nrows = 6\n", encoding="utf-8")
    assert load_voice(["--config", str(path)]) is None
    path.write_text("[display]\n\n[voice]\nrepeat = 9\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_voice(["--config", str(path)])
    assert (refused.value.line, refused.value.field) == (4, "voice.repeat")


@pytest.mark.timeout(120)
def test_a_call_is_spoken(
    qtbot: QtBot, hall: HallThread, speaking_board: tuple[DisplayApp, Recorder]
) -> None:
    board, recorder = speaking_board
    qtbot.waitUntil(
        lambda: board.voice is not None and board.voice.announcer is not None, timeout=60_000
    )
    clerk = hall.clerk(1)
    ticket = hall.take("SB")
    hall.request(clerk, "call_next", window=1)
    qtbot.waitUntil(lambda: shows(board, ticket["number"]) and len(recorder.sounds) == 1)
    assert board.screen.banner_text() is None  # the voice is fine: no note
    # The manager sees the zone's announcer apart from the board.
    qtbot.waitUntil(lambda: announcer(board) == ("speaking", True, "board-1"))


@pytest.mark.timeout(120)
def test_no_sound_device_is_said_on_the_board_and_to_the_server(
    qtbot: QtBot, hall: HallThread, voice_cache: Path
) -> None:
    with _board(qtbot, hall, voice_cache, Recorder(VoiceStatus.NO_DEVICE)) as (board, _):
        note = "无声音输出设备，语音叫号暂停  /  No sound output device: voice calls are off"
        qtbot.waitUntil(lambda: shows(board, note), timeout=60_000)

        def reported() -> bool:
            device = board.model.devices.get("board-1")
            return device is not None and device.status == "device_missing"

        qtbot.waitUntil(reported)
        qtbot.waitUntil(lambda: announcer(board) == ("no_sound", False, "board-1"))
