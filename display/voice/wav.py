"""Sound as plain numbers: read, trim, resample, join and write 16-bit mono PCM WAV.

Pure Python (``wave`` and ``array``), no I/O beyond the file named, so a test measures what
the announcer would hand to the sound card. Every clip of a pack is brought to one
:class:`Pcm` format (mono, 16-bit, one rate) when the pack is loaded; joining is then a
concatenation.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Pcm",
    "WavError",
    "chime",
    "join",
    "read_wav",
    "resample",
    "silence",
    "trim",
    "wav_bytes",
    "write_wav",
]

FULL_SCALE = 32767


class WavError(ValueError):
    """A file that is not a WAV this module reads (PCM, 8 to 32 bits, mono or stereo)."""


@dataclass(frozen=True, slots=True)
class Pcm:
    """Mono 16-bit samples at ``rate`` Hz."""

    rate: int
    samples: array[int]

    @property
    def duration(self) -> float:
        """Seconds."""
        return len(self.samples) / self.rate

    @property
    def peak(self) -> int:
        return max((abs(s) for s in self.samples), default=0)

    def rms(self) -> float:
        n = len(self.samples)
        return math.sqrt(sum(s * s for s in self.samples) / n) if n else 0.0


def _to_int16(raw: bytes, width: int) -> array[int]:
    if width == 2:
        out = array("h")
        out.frombytes(raw)
        if sys.byteorder == "big":
            out.byteswap()
        return out
    if width == 1:  # unsigned 8-bit
        return array("h", ((b - 128) << 8 for b in raw))
    # 24- and 32-bit little-endian signed: keep the top 16 bits
    return array(
        "h",
        (
            int.from_bytes(raw[i + width - 2 : i + width], "little", signed=True)
            for i in range(0, len(raw), width)
        ),
    )


def read_wav(source: Path | bytes) -> Pcm:
    """A PCM WAV file (or its bytes) as mono 16-bit samples; stereo is mixed down."""
    name = str(source) if isinstance(source, Path) else "<bytes>"
    try:
        with wave.open(str(source) if isinstance(source, Path) else io.BytesIO(source)) as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise WavError(f"{name}: not a PCM WAV file ({exc})") from exc
    if width not in (1, 2, 3, 4) or channels not in (1, 2) or rate <= 0:
        raise WavError(f"{name}: {channels} channels of {8 * width} bits; want mono or stereo PCM")
    samples = _to_int16(raw, width)
    if channels == 2:
        samples = array(
            "h", ((a + b) // 2 for a, b in zip(samples[0::2], samples[1::2], strict=True))
        )
    return Pcm(rate, samples)


def wav_bytes(pcm: Pcm) -> bytes:
    """``pcm`` as the bytes of a WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(pcm.rate)
        w.writeframes(pcm_bytes(pcm))
    return buffer.getvalue()


def pcm_bytes(pcm: Pcm) -> bytes:
    """The raw little-endian 16-bit samples (what a sound card is fed)."""
    if sys.byteorder == "big":
        swapped = array("h", pcm.samples)
        swapped.byteswap()
        return swapped.tobytes()
    return pcm.samples.tobytes()


def write_wav(pcm: Pcm, path: Path) -> None:
    path.write_bytes(wav_bytes(pcm))


def silence(seconds: float, rate: int) -> Pcm:
    return Pcm(rate, array("h", bytes(2 * round(seconds * rate))))


def trim(pcm: Pcm, level: float = 0.02, floor: int = 200, keep: float = 0.015) -> Pcm:
    """Cut leading and trailing near-silence (an engine's padding, a recording's room tone).

    Near-silence is below ``level`` of the clip's peak or below ``floor`` (about -44 dBFS),
    whichever is higher; ``keep`` seconds are left either side so that no onset or decay is
    clipped. A silent clip comes back empty.
    """
    threshold = max(floor, level * pcm.peak)
    loud = [i for i, s in enumerate(pcm.samples) if abs(s) > threshold]
    if not loud:
        return Pcm(pcm.rate, array("h"))
    margin = round(keep * pcm.rate)
    start, end = max(0, loud[0] - margin), min(len(pcm.samples), loud[-1] + 1 + margin)
    return Pcm(pcm.rate, pcm.samples[start:end])


def resample(pcm: Pcm, rate: int) -> Pcm:
    """``pcm`` at ``rate`` Hz by linear interpolation (enough for speech and a chime)."""
    if rate == pcm.rate or not pcm.samples:
        return Pcm(rate, pcm.samples)
    src, n = pcm.samples, len(pcm.samples)
    count = max(1, round(n * rate / pcm.rate))
    step = pcm.rate / rate
    out = array("h", bytes(2 * count))
    for i in range(count):
        x = i * step
        j = int(x)
        if j + 1 < n:
            f = x - j
            out[i] = round(src[j] + (src[j + 1] - src[j]) * f)
        else:
            out[i] = src[n - 1]
    return Pcm(rate, out)


def join(parts: list[Pcm]) -> Pcm:
    """One clip after another; all at one rate."""
    if not parts:
        raise ValueError("nothing to join")
    rate = parts[0].rate
    out = array("h")
    for part in parts:
        if part.rate != rate:
            raise ValueError(f"a clip at {part.rate} Hz among clips at {rate} Hz")
        out.extend(part.samples)
    return Pcm(rate, out)


def chime(rate: int = 22050, volume: float = 0.5) -> Pcm:
    """A two-note "ding-dong" (E6 then C6, bell-like decay), about 1.1 s."""
    notes = ((1318.5, 0.0), (1046.5, 0.45))  # frequency, start
    length = 0.45 + 0.65
    n = round(length * rate)
    out = array("h", bytes(2 * n))
    for freq, start in notes:
        first = round(start * rate)
        for i in range(first, n):
            t = (i - first) / rate
            envelope = min(1.0, t / 0.005) * math.exp(-t * 5.0)
            tone = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            value = out[i] + volume * FULL_SCALE * envelope * tone / 1.3
            out[i] = max(-FULL_SCALE, min(FULL_SCALE, round(value)))
    return Pcm(rate, out)
