"""Voice benchmark: from a call event to the first sample of its announcement at the output.

    .venv/bin/python bench/bench_voice.py [--calls 500] [--no-device]

1. The pack: rendering every clip with espeak-ng into an empty cache (once per voice), and
   loading it (every board start).
2. A board's hall model is fed ``ticket_called`` events; the announcer (the zone's speaker)
   joins the announcement from the pack and hands it to the output. Timed from just before
   ``HallModel.apply_event`` to the output's ``play`` (the joined sound ready, handed over),
   for a Chinese call said twice and for Chinese and English said twice. Target: p99 ≤ 200 ms.
3. With a private PulseAudio server (a null sink), the same through ``QtOutput``: until
   ``QAudioSink.start`` has returned with the sound's samples (skipped without pulseaudio).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contract.hall import HallModel
from display.voice import (
    Announcer,
    Language,
    Output,
    VoicePack,
    VoiceSettings,
    Zone,
    prepare_pack,
)
from display.voice.wav import Pcm

TARGET_P99_MS = 200.0
DAY = "2026-12-02"


def board_welcome(windows: int) -> dict[str, Any]:
    """What a board is told on connecting: the windows open, the board online and ok."""
    return {
        "type": "welcome",
        "protocol": 1,
        "seq": 0,
        "device": "board-1",
        "role": "display",
        "snapshot": {
            "day": DAY,
            "windows": [
                {"number": n, "name": f"{n}号窗口", "state": "open", "services": ["SB"]}
                for n in range(1, windows + 1)
            ],
            "devices": [{"device": "board-1", "role": "display", "status": "ok"}],
        },
    }


def called(seq: int, number: str, window: int) -> dict[str, Any]:
    return {
        "type": "event",
        "seq": seq,
        "kind": "ticket_called",
        "at": 1796169600.0 + seq,
        "day": DAY,
        "ticket": f"{DAY}-{number}-{seq}",
        "number": number,
        "window": window,
        "service": "SB",
        "reason": {"rule": "normal"},
        "recall": False,
    }


class TimedOutput(Output):
    """Notes when a sound is handed over; the sound ends at once (the next call may follow)."""

    def __init__(self, inner: Output | None = None) -> None:
        super().__init__()
        self.inner = inner
        self.handed: list[float] = []

    def play(self, sound: Pcm) -> bool:
        if self.inner is not None and not self.inner.play(sound):
            return False
        self.handed.append(time.perf_counter())
        if self.inner is not None:
            self.inner.stop()
        self.finished()
        return True


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_calls(
    pack: VoicePack, settings: VoiceSettings, calls: int, inner: Output | None
) -> list[float]:
    """Milliseconds from each call event to its sound at the output."""
    model = HallModel.from_welcome(board_welcome(99))
    output = TimedOutput(inner)
    announcer = Announcer(model, Zone("一楼", ("board-1",)), "board-1", pack, output, settings)
    announcer.start()
    took: list[float] = []
    for i in range(calls):
        number, window = f"A{i % 1000:03d}", 1 + i % 99
        before = len(output.handed)
        start = time.perf_counter()
        model.apply_event(called(i + 1, number, window))
        assert len(output.handed) == before + 1, "the call was not handed to the output"
        took.append((output.handed[-1] - start) * 1000)
    announcer.stop()
    return took


def report(label: str, took: list[float], warm: int = 5) -> bool:
    took = took[warm:]
    p50, p99, worst = statistics.median(took), pct(took, 0.99), max(took)
    ok = p99 <= TARGET_P99_MS
    print(
        f"  {label}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms "
        f"({len(took)} calls) {'ok' if ok else 'OVER TARGET'}"
    )
    return ok


def private_pulse(runtime: Path) -> tuple[int, dict[str, str]] | None:
    exe = shutil.which("pulseaudio")
    if exe is None:
        return None
    socket = runtime / "native"
    env = {
        **os.environ,
        "PULSE_RUNTIME_PATH": str(runtime),
        "PULSE_STATE_PATH": str(runtime),
        "PULSE_SERVER": f"unix:{socket}",
        "XDG_RUNTIME_DIR": str(runtime),
        "HOME": str(runtime),
    }
    done = subprocess.run(
        [
            exe,
            "-n",
            "--daemonize=yes",
            "--use-pid-file=yes",
            "--exit-idle-time=-1",
            "--disable-shm=yes",
            "--load=module-null-sink sink_name=null",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if done.returncode != 0:
        print(f"  (pulseaudio cannot run here: {done.stderr.strip()[-200:]})")
        return None
    return int((runtime / "pid").read_text().strip()), env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--qt-calls", type=int, default=50)
    parser.add_argument("--no-device", action="store_true", help="skip the QtOutput part")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="voice-") as tmp:
        cache = Path(tmp) / "cache"
        start = time.perf_counter()
        pack = prepare_pack(cache)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        pack = prepare_pack(cache)
        warm = time.perf_counter() - start
        print(
            f"voice pack (espeak-ng, {len(pack.clips)} clips at {pack.rate} Hz): "
            f"rendered into an empty cache in {cold:.2f} s, loaded from it in {warm:.2f} s"
        )
        zh = VoiceSettings(repeat=2)
        both = VoiceSettings(repeat=2, languages=(Language.ZH, Language.EN))
        print(
            f"call event → joined announcement handed to the output (target p99 ≤ {TARGET_P99_MS:.0f} ms)"
        )
        ok &= report("中文 ×2 (about 9.8 s of sound)", bench_calls(pack, zh, args.calls, None))
        ok &= report("中文 + English ×2 (about 19 s)", bench_calls(pack, both, args.calls, None))
        if not args.no_device:
            ok &= bench_qt(pack, zh, args.qt_calls, Path(tmp))
    return 0 if ok else 1


def bench_qt(pack: VoicePack, settings: VoiceSettings, calls: int, tmp: Path) -> bool:
    runtime = Path(tempfile.mkdtemp(prefix="pa-"))  # a socket path must be short
    started = private_pulse(runtime)
    if started is None:
        print("  QtOutput: skipped (no pulseaudio)")
        return True
    pid, env = started
    try:
        os.environ.update(
            {k: env[k] for k in ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "XDG_RUNTIME_DIR")}
        )
        from PySide6.QtCore import QCoreApplication

        from display.voice.qt_output import QtOutput

        app: Any = QCoreApplication.instance() or QCoreApplication([])
        output = QtOutput()
        took = bench_calls(pack, settings, calls, output)
        del app
        return report("through QtOutput to a PulseAudio null sink", took)
    finally:
        os.kill(pid, signal.SIGTERM)  # the server started above
        shutil.rmtree(runtime, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
