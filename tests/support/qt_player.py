"""Plays through ``QtOutput`` in a process of its own (QtMultimedia finds its sound server once,
at start) and prints what happened; run by the sound tests.

    qt_player.py stall STALL_S          a chime three times; the output's statuses
    qt_player.py calls CACHE WAV...     two calls through a board's announcer, one after the
                                        other; each joined sound written to a WAV
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from voicekit import Feed, welcome

from contract.hall import HallModel
from display.voice import Announcer, VoiceSettings, Zone, prepare_pack, wav
from display.voice.qt_output import QtOutput


def stall(stall_s: float) -> int:
    app = QCoreApplication([])
    output = QtOutput(stall_s=stall_s)
    output.bind(app.quit, lambda status, detail: print(f"status {status} {detail}", flush=True))
    if not output.play(wav.join([wav.chime()] * 3)):
        return 3
    app.exec()
    print("finished", flush=True)
    return 0


class Player(QtOutput):
    """QtOutput that says when each sound has ended, and quits when the queue is empty."""

    announcer: Announcer | None = None

    def finished(self) -> None:
        a = self.announcer
        assert a is not None
        print("finished", len(a.spoken), flush=True)
        super().finished()  # the next call starts here
        if a.playing is None and not a.pending:
            QCoreApplication.quit()


def calls(cache: Path, wavs: list[Path]) -> int:
    app = QCoreApplication([])
    model = HallModel.from_welcome(welcome())
    output = Player()
    announcer = Announcer(
        model,
        Zone("一楼", ("board-1",)),
        "board-1",
        prepare_pack(cache),
        output,
        VoiceSettings(repeat=1),
    )
    output.announcer = announcer
    announcer.start()
    feed = Feed(model)
    feed.call("A001", 3)
    feed.call("A002", 12)
    app.exec()
    for announcement, path in zip(announcer.spoken, wavs, strict=True):
        wav.write_wav(announcement.sound, path)
        print("spoken", announcement.texts[0], flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "stall":
        sys.exit(stall(float(sys.argv[2])))
    sys.exit(calls(Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]))
