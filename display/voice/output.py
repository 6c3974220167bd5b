"""Where announcements are played: the :class:`Output` interface and the voice's statuses.

An output plays one sound at a time and says when it has finished; the announcer never hands
it a second sound before that. ``display.voice.qt_output.QtOutput`` is the sound card; tests
use a small subclass that records what it was handed.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import StrEnum

from .wav import Pcm

__all__ = ["STATUS_TEXTS", "Output", "VoiceStatus", "device_status"]

log = logging.getLogger(__name__)


class VoiceStatus(StrEnum):
    UNKNOWN = "unknown"  # nothing played or checked yet
    OK = "ok"
    NO_DEVICE = "no_device"  # no sound output device (none plugged in, no sound server)
    OUTPUT_ERROR = "output_error"  # the device failed while opening or playing
    NO_VOICE = "no_voice"  # the voice pack could not be rendered or read


# What the board shows and reports, Simplified Chinese first, English second.
STATUS_TEXTS: dict[VoiceStatus, tuple[str, str]] = {
    VoiceStatus.UNKNOWN: ("语音状态未知", "Voice status unknown"),
    VoiceStatus.OK: ("语音叫号正常", "Voice calls on"),
    VoiceStatus.NO_DEVICE: (
        "无声音输出设备，语音叫号暂停",
        "No sound output device: voice calls are off",
    ),
    VoiceStatus.OUTPUT_ERROR: (
        "声音输出故障，语音叫号暂停",
        "Sound output failed: voice calls are off",
    ),
    VoiceStatus.NO_VOICE: (
        "语音包不可用，语音叫号暂停",
        "Voice pack unavailable: voice calls are off",
    ),
}


def device_status(status: VoiceStatus, detail: str = "") -> tuple[str, str]:
    """The ``device_status`` request's ``status`` and ``detail`` for a voice status.

    A board that cannot speak reports ``device_missing``: the boards of its zone then elect
    the next speaker (``Announcer`` counts a board healthy only while its status is ``ok``).
    """
    if status in (VoiceStatus.OK, VoiceStatus.UNKNOWN):
        return "ok", ""
    zh, en = STATUS_TEXTS[status]
    return "device_missing", f"{zh} / {en}" + (f" ({detail})" if detail else "")


StatusListener = Callable[[VoiceStatus, str], None]


class Output(ABC):
    """Plays one sound at a time; calls ``finished`` when done, ``status`` on a change."""

    def __init__(self) -> None:
        self.status = VoiceStatus.UNKNOWN
        self._on_finished: Callable[[], None] = lambda: None
        self._on_status: StatusListener = lambda status, detail: None

    def bind(self, finished: Callable[[], None], status: StatusListener) -> None:
        """Where to say that a sound has finished and that the status changed."""
        self._on_finished, self._on_status = finished, status

    @abstractmethod
    def play(self, sound: Pcm) -> bool:
        """Start playing ``sound``; False when it cannot be played (the status says why).

        After True, ``finished()`` is called once the sound has ended or failed (possibly
        from inside ``play``)."""

    def check(self) -> VoiceStatus:
        """Look for the device now and ``report`` what was found (the announcer's ``start``)."""
        return self.status

    def stop(self) -> None:  # noqa: B027 - an output with nothing to stop need not override
        """Stop at once, without calling ``finished`` (shutting down)."""

    def finished(self) -> None:
        self._on_finished()

    def report(self, status: VoiceStatus, detail: str = "") -> None:
        """Record ``status``; listeners hear of it when it differs from the last one."""
        if status is self.status:
            return
        self.status = status
        if status is VoiceStatus.OK:
            log.info("sound output: %s", STATUS_TEXTS[status][1])
        else:
            log.warning("sound output: %s %s", STATUS_TEXTS[status][1], detail)
        self._on_status(status, detail)
