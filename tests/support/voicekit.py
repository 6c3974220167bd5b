"""Test kit for the voice: a small hall fed literal events, a recording output, a tone engine."""

from __future__ import annotations

import math
import wave
from array import array
from pathlib import Path
from typing import Any

from contract.hall import HallModel
from display.voice import Announcement, Announcer, Output, VoiceSettings, VoiceStatus, Zone
from display.voice.wav import Pcm

DAY = "2026-12-02"
T0 = 1796169600.0
BOARDS = ("board-1", "board-2", "board-3")


class RecordingOutput(Output):
    """Collects what it is handed; a sound plays until the test calls ``finish()``."""

    def __init__(self, device: bool = True, instant: bool = False) -> None:
        super().__init__()
        self.device, self.instant = device, instant
        self.sounds: list[Pcm] = []
        self.busy = False

    def play(self, sound: Pcm) -> bool:
        if not self.device:
            self.report(VoiceStatus.NO_DEVICE, "test: no device")
            return False
        assert not self.busy, "a sound was handed over while another one was playing"
        self.report(VoiceStatus.OK)
        self.sounds.append(sound)
        self.busy = True
        if self.instant:
            self.finish()
        return True

    def check(self) -> VoiceStatus:
        if self.device:
            self.report(VoiceStatus.OK, "test device")
        else:
            self.report(VoiceStatus.NO_DEVICE, "test: no device")
        return self.status

    def finish(self) -> None:
        assert self.busy, "nothing is playing"
        self.busy = False
        self.finished()


class ToneEngine:
    """An engine that says every text as a short beep: fast, and no espeak-ng needed."""

    name = "tone-engine 1"

    def __init__(self) -> None:
        self.rendered: list[str] = []

    def render(self, text: str, path: Path) -> None:
        self.rendered.append(text)
        rate, tone = 16000, 400 + 10 * len(text)
        pad = array("h", bytes(2 * 1600))  # 0.1 s of silence either side, like espeak-ng
        beep = array(
            "h", (round(8000 * math.sin(2 * math.pi * tone * i / rate)) for i in range(1600))
        )
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes((pad + beep + pad).tobytes())


def window(number: int) -> dict[str, Any]:
    return {"number": number, "name": f"{number}号窗口", "state": "open", "services": ["SB"]}


def welcome(seq: int = 10, windows: int = 12, devices: tuple[str, ...] = BOARDS) -> dict[str, Any]:
    """A board's welcome: windows 1 to ``windows`` open, the boards online and ok."""
    return {
        "type": "welcome",
        "protocol": 1,
        "seq": seq,
        "device": "board-1",
        "role": "display",
        "snapshot": {
            "day": DAY,
            "waiting": [],
            "windows": [window(n) for n in range(1, windows + 1)],
            "services": [
                {"code": "SB", "name_zh": "社保", "name_en": "Social Insurance", "prefix": "A"}
            ],
            "devices": [
                {"device": d, "role": "display", "status": "ok", "detail": "", "at": T0}
                for d in devices
            ],
        },
    }


class Feed:
    """Literal events with consecutive ``seq``, applied to every model given."""

    def __init__(self, *models: HallModel, seq: int = 10) -> None:
        self.models, self.seq = models, seq

    def send(self, kind: str, **fields: Any) -> None:
        self.seq += 1
        message = {"type": "event", "seq": self.seq, "kind": kind, "at": T0 + self.seq, "day": DAY}
        message.update(fields)
        for model in self.models:
            assert model.apply_event(dict(message)), message

    def call(self, number: str, window: int, recall: bool = False) -> None:
        self.send(
            "ticket_called",
            ticket=tid(number),
            number=number,
            window=window,
            service="SB",
            reason={"rule": "normal"},
            recall=recall,
        )

    def finish(self, number: str, window: int) -> None:
        self.send(
            "ticket_finished",
            ticket=tid(number),
            number=number,
            window=window,
            service="SB",
            duration_s=60.0,
        )

    def no_show(self, number: str, window: int) -> None:
        self.send("ticket_no_show", ticket=tid(number), number=number, window=window, service="SB")

    def park(self, number: str, window: int) -> None:
        self.send("ticket_parked", ticket=tid(number), number=number, window=window, service="SB")

    def transfer(self, number: str, window: int) -> None:
        self.send(
            "ticket_transferred",
            ticket=tid(number),
            number=number,
            window=window,
            from_service="SB",
            to_service="SB",
            to_window=None,
        )

    def status(self, device: str, status: str, detail: str = "") -> None:
        self.send("device_status", device=device, role="display", status=status, detail=detail)


def tid(number: str) -> str:
    return f"{DAY}-{number}"


def announcer(
    model: HallModel,
    device: str,
    pack: Any,
    present: Any = None,
    settings: VoiceSettings | None = None,
    zone: Zone | None = None,
    output: RecordingOutput | None = None,
) -> tuple[Announcer, RecordingOutput]:
    output = output or RecordingOutput()
    a = Announcer(
        model,
        zone or Zone("一楼", BOARDS),
        device,
        pack,
        output,
        settings or VoiceSettings(repeat=1),
        present=present,
    )
    a.start()
    return a, output


def texts(spoken: list[Announcement]) -> list[str]:
    return [a.texts[0] for a in spoken]
