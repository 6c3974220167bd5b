"""Say one call, to check a hall's voice: ``python -m display.voice A001 3 [--play]``.

Writes the joined WAV with ``--wav``, plays it on the default sound output with ``--play``
(exit status 3 when there is no sound device). ``--pack DIR`` tries a recorded voice pack.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .announcer import Call, VoiceSettings, compose_call
from .output import STATUS_TEXTS, VoiceStatus
from .pack import EngineError, PackError, VoicePack, prepare_pack
from .speech import Language
from .wav import Pcm, write_wav

log = logging.getLogger("display.voice")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m display.voice", description=__doc__)
    parser.add_argument("number", help="ticket number, e.g. A001")
    parser.add_argument("window", type=int, help="window number, e.g. 3")
    parser.add_argument("--recall", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--languages", default="zh", help="zh, en or zh,en")
    parser.add_argument("--no-chime", action="store_true")
    parser.add_argument("--cache", type=Path, default=Path("var/voice"))
    parser.add_argument("--pack", type=Path, help="a recorded voice pack directory")
    parser.add_argument("--wav", type=Path, help="write the joined sound here")
    parser.add_argument("--play", action="store_true", help="play it on the sound output")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = VoiceSettings(
        repeat=args.repeat,
        languages=tuple(Language(x.strip()) for x in args.languages.split(",")),
        chime=not args.no_chime,
    )
    try:
        pack: VoicePack = prepare_pack(args.cache, args.pack)
    except (EngineError, PackError) as exc:
        print(f"{STATUS_TEXTS[VoiceStatus.NO_VOICE][0]}: {exc}", file=sys.stderr)
        return 2
    announcement = compose_call(pack, Call(0, "", args.number, args.window, args.recall), settings)
    for text in announcement.texts:
        print(text)
    print(f"{announcement.sound.duration:.2f} s at {announcement.sound.rate} Hz")
    if args.wav:
        write_wav(announcement.sound, args.wav)
    if args.play:
        return _play(announcement.sound)
    return 0


def _play(sound: Pcm) -> int:
    from PySide6.QtCore import QCoreApplication

    from .qt_output import QtOutput

    app = QCoreApplication.instance() or QCoreApplication([])
    output = QtOutput()
    output.bind(app.quit, lambda status, detail: None)
    if not output.play(sound):
        zh, en = STATUS_TEXTS[output.status]
        print(f"{zh} / {en}", file=sys.stderr)
        return 3
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
