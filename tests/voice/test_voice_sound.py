"""What reaches a sound device: a private PulseAudio server with a null sink records what the
board played (``parecord`` on its monitor); with no sound server the voice says so and stops.

The player is ``python -m display.voice … --play`` in a subprocess (QtMultimedia picks its
sound server once per process, from the environment it starts with).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from display.voice import VoicePack, VoiceStatus
from display.voice.wav import read_wav, trim

ROOT = Path(__file__).resolve().parents[2]


def player_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra}
    env.pop("PULSE_SINK", None)
    return env


@pytest.fixture
def pulse(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private PulseAudio server whose only sink is a null sink; its environment."""
    exe = shutil.which("pulseaudio")
    if exe is None or shutil.which("parecord") is None:
        pytest.skip("pulseaudio and parecord are not installed (scripts/setup.sh installs them)")
    runtime = tmp_path / "pulse"
    runtime.mkdir()
    socket = runtime / "native"
    assert len(str(socket)) < 100, "a unix socket's path has at most 108 bytes"
    env = player_env(
        PULSE_RUNTIME_PATH=str(runtime),
        PULSE_STATE_PATH=str(runtime / "state"),
        PULSE_SERVER=f"unix:{socket}",
        XDG_RUNTIME_DIR=str(runtime),
        HOME=str(runtime),
    )
    started = subprocess.run(
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
    if started.returncode != 0:
        pytest.skip(f"pulseaudio cannot run here: {started.stderr.strip()[-300:]}")
    pid = int((runtime / "pid").read_text().strip())
    try:
        yield env
    finally:
        os.kill(pid, signal.SIGTERM)  # the daemon this fixture started


class Recorder:
    """``parecord`` on the null sink's monitor; ``ready`` is set once its stream is up."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.ready = threading.Event()
        self.log: list[str] = []
        self.process = subprocess.Popen(
            ["parecord", "-v", "--device=null.monitor", "--file-format=wav", str(path)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line.rstrip())
            if "Stream successfully created" in line:
                self.ready.set()
        self.ready.set()  # ended: let the test see why

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # parecord closes the file cleanly
        self.process.wait(timeout=20)
        self._reader.join(timeout=20)
        if self.process.stderr is not None:
            self.process.stderr.close()


def test_what_the_board_plays_reaches_the_sound_device(
    pulse: dict[str, str], espeak_cache: Path, espeak_pack: VoicePack, tmp_path: Path
) -> None:
    recording, joined = tmp_path / "recorded.wav", tmp_path / "joined.wav"
    recorder = Recorder(recording, pulse)
    try:
        assert recorder.ready.wait(20) and recorder.process.poll() is None, recorder.log
        played = subprocess.run(
            [
                sys.executable,
                "-m",
                "display.voice",
                "A001",
                "3",
                "--cache",
                str(espeak_cache),
                "--wav",
                str(joined),
                "--play",
            ],
            env=pulse,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        recorder.stop()
    assert played.returncode == 0, played.stderr
    assert "请A零零一号到三号窗口办理" in played.stdout
    sent, heard = read_wav(joined), read_wav(recording)
    assert heard.rms() > 300 and heard.peak > 3000, "the recording is silent"
    sound_sent, sound_heard = trim(sent).duration, trim(heard).duration
    assert sound_heard == pytest.approx(sound_sent, abs=0.3), (sound_sent, sound_heard)
    assert heard.duration >= sent.duration - 0.3


def test_no_sound_server_is_a_status_and_an_exit_status_not_a_crash(
    espeak_cache: Path, espeak_pack: VoicePack, tmp_path: Path
) -> None:
    env = player_env(PULSE_SERVER=f"unix:{tmp_path}/nothing", XDG_RUNTIME_DIR=str(tmp_path))
    played = subprocess.run(
        [
            sys.executable,
            "-m",
            "display.voice",
            "A001",
            "3",
            "--cache",
            str(espeak_cache),
            "--play",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert played.returncode == 3, played.stderr
    assert "无声音输出设备，语音叫号暂停 / No sound output device" in played.stderr
    assert "Traceback" not in played.stderr


def test_qt_output_without_its_device_reports_it(qtbot: object, espeak_pack: VoicePack) -> None:
    from display.voice.qt_output import QtOutput

    heard: list[VoiceStatus] = []
    output = QtOutput(device_id=b"no-such-sound-card")
    output.bind(lambda: None, lambda status, detail: heard.append(status))
    assert output.check() is VoiceStatus.NO_DEVICE
    assert output.play(espeak_pack.clips["chime"]) is False
    assert heard == [VoiceStatus.NO_DEVICE]


def test_a_stalled_sound_server_is_an_output_error_and_the_queue_moves_on(
    pulse: dict[str, str],
) -> None:
    suspended = subprocess.run(
        ["pactl", "suspend-sink", "null", "1"],
        env=pulse,
        capture_output=True,
        text=True,
        check=False,
    )
    assert suspended.returncode == 0, suspended.stderr
    played = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).parents[1] / "support" / "qt_player.py"),
            "stall",
            "1.0",
        ],
        env=pulse,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert played.returncode == 0, played.stderr
    said = played.stdout.splitlines()
    assert said[0] == "status ok Null Output" and said[-1] == "finished", said
    assert said[1].startswith("status output_error the sound stalled after"), said


def test_two_calls_through_the_sound_device_follow_each_other(
    pulse: dict[str, str], espeak_cache: Path, espeak_pack: VoicePack, tmp_path: Path
) -> None:
    recording, first, second = (tmp_path / f"{n}.wav" for n in ("recorded", "first", "second"))
    recorder = Recorder(recording, pulse)
    try:
        assert recorder.ready.wait(20) and recorder.process.poll() is None, recorder.log
        played = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).parents[1] / "support" / "qt_player.py"),
                "calls",
                str(espeak_cache),
                str(first),
                str(second),
            ],
            env=pulse,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        recorder.stop()
    assert played.returncode == 0, played.stderr
    assert played.stdout.splitlines() == [
        "finished 1",
        "finished 2",
        "spoken 请A零零一号到三号窗口办理",
        "spoken 请A零零二号到十二号窗口办理",
    ]
    sent = read_wav(first).duration + read_wav(second).duration
    heard = trim(read_wav(recording))
    # One after the other, never over each other: as long as both together, plus the time the
    # sink takes to say it is idle (1.5 to 2 s on a null sink, which plays in blocks of 2 s).
    assert sent - 0.5 < heard.duration < sent + 3.0, (sent, heard.duration)
