"""The sound card through QtMultimedia (PySide6-Addons): a ``QAudioSink`` fed raw PCM.

``QAudioSink`` takes the joined samples as they are (no decoder, no file), starts at once and
goes idle when the last sample has been played, which is when the announcer may start the
next call. ``QSoundEffect`` cannot say when a sound has ended on every backend and
``QMediaPlayer`` decodes a file through FFmpeg first. No device (nothing plugged in, no sound
server) is the status ``NO_DEVICE``, checked again when Qt's list of outputs changes.
Runs on the Qt thread; needs a ``QCoreApplication``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer

# Importing QAudio (the old name of QtAudio) registers the converter of the QAudio::State that
# QAudioSink.stateChanged carries; without it PySide6 6.11 cannot deliver the signal at all
# ("parameter 0 of type QAudio::State cannot be converted") and the sink never says it is idle.
from PySide6.QtMultimedia import (
    QAudio,  # noqa: F401
    QAudioDevice,
    QAudioFormat,
    QAudioSink,
    QMediaDevices,
    QtAudio,
)
from shiboken6 import isValid

from .output import Output, VoiceStatus
from .wav import Pcm, pcm_bytes

__all__ = ["QtOutput"]

log = logging.getLogger(__name__)


class QtOutput(Output):
    """Plays on the system's default sound output (or the one named by ``device_id``).

    A sound that has not ended ``stall_s`` after its length (a suspended or hung sound server
    keeps the sink active for ever) is given up as ``OUTPUT_ERROR``, so the zone's queue moves on.
    """

    def __init__(
        self, device_id: bytes | None = None, volume: float = 1.0, stall_s: float = 5.0
    ) -> None:
        super().__init__()
        self.device_id, self.volume, self.stall_s = device_id, volume, stall_s
        self._devices = QMediaDevices()
        self._devices.audioOutputsChanged.connect(self.check)
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None
        self._holder = QObject()  # parent of the sinks, deleted with this output
        self._watchdog = QTimer(self._holder)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._stalled)

    def device(self) -> QAudioDevice | None:
        """The device to play on, or None when there is none."""
        if self.device_id is not None:
            named = [
                d for d in QMediaDevices.audioOutputs() if bytes(d.id().data()) == self.device_id
            ]
            return named[0] if named else None
        default = QMediaDevices.defaultAudioOutput()
        return None if default.isNull() else default

    def check(self) -> VoiceStatus:
        """Look for the device now (at start, and when outputs are plugged or unplugged)."""
        device = self.device()
        if device is None:
            self.report(VoiceStatus.NO_DEVICE, "no audio output device")
        elif self.status is not VoiceStatus.OUTPUT_ERROR or self._sink is None:
            self.report(VoiceStatus.OK, device.description())
        return self.status

    def play(self, sound: Pcm) -> bool:
        device = self.device()
        if device is None:
            self.report(VoiceStatus.NO_DEVICE, "no audio output device")
            return False
        fmt = QAudioFormat()
        fmt.setSampleRate(sound.rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._release()
        sink = QAudioSink(device, fmt, self._holder)
        sink.setVolume(self.volume)
        buffer = QBuffer(self._holder)
        buffer.setData(QByteArray(pcm_bytes(sound)))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink, self._buffer = sink, buffer
        sink.stateChanged.connect(lambda _: self._state_changed(sink))
        sink.start(buffer)
        if sink.error() is not QtAudio.Error.NoError:
            self.report(VoiceStatus.OUTPUT_ERROR, f"{device.description()}: {sink.error().name}")
            self._release()
            return False
        self.report(VoiceStatus.OK, device.description())
        self._watchdog.start(round(1000 * (sound.duration + self.stall_s)))
        return True

    def stop(self) -> None:
        self._release()

    def _state_changed(self, sink: QAudioSink) -> None:
        if sink is not self._sink or not isValid(sink):  # released, or Qt is shutting down
            return
        state = sink.state()  # the signal's argument is a QAudio.State, not a QtAudio.State
        if state is QtAudio.State.IdleState:  # every sample played
            self._release()
            self.finished()
        elif state is QtAudio.State.StoppedState and sink.error() is not QtAudio.Error.NoError:
            self.report(VoiceStatus.OUTPUT_ERROR, sink.error().name)
            self._release()
            self.finished()

    def _stalled(self) -> None:
        sink = self._sink
        if sink is None:
            return
        played = sink.processedUSecs() / 1e6
        self.report(VoiceStatus.OUTPUT_ERROR, f"the sound stalled after {played:.1f} s")
        self._release()
        self.finished()

    def _release(self) -> None:
        sink, buffer = self._sink, self._buffer
        self._sink = self._buffer = None
        self._watchdog.stop()
        if sink is not None:
            sink.stop()
            sink.deleteLater()
        if buffer is not None:
            buffer.close()
            buffer.deleteLater()
