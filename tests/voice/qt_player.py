"""Plays a chime three times through ``QtOutput`` and prints what the output said; run by the
sound tests in a process of its own (QtMultimedia finds its sound server once, at start)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication

from display.voice import wav
from display.voice.qt_output import QtOutput


def main() -> int:
    app = QCoreApplication([])
    output = QtOutput(stall_s=float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)
    output.bind(app.quit, lambda status, detail: print(f"status {status} {detail}", flush=True))
    if not output.play(wav.join([wav.chime()] * 3)):
        return 3
    app.exec()
    print("finished", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
