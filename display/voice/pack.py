"""The voice pack: one WAV clip per word, rendered once by an engine or recorded by the hall.

``CLIPS`` names every clip and what it says. ``render_pack`` has an :class:`Engine` (by default
espeak-ng: ``cmn-latn-pinyin`` for Chinese, given tone-numbered pinyin, and ``en``) say each
missing clip into a cache directory, cut to the sound (espeak pads each clip with silence),
plus a synthesised chime. ``VoicePack.load`` reads a pack directory, falling back clip by clip
to another (a hall's recorded voice over the rendered one), and ``compose`` joins clips and
pauses into one sound. The file names and format are documented in ``README.md``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import wav
from .speech import EN_NUMBERS, EN_TENS, Language

__all__ = [
    "CHIME",
    "CLIPS",
    "Clip",
    "Engine",
    "EngineError",
    "EspeakEngine",
    "PackError",
    "VoicePack",
    "default_engines",
    "prepare_pack",
    "render_pack",
]

log = logging.getLogger(__name__)

CHIME = "chime"
PINYIN_DIGITS = ("ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3")


@dataclass(frozen=True, slots=True)
class Clip:
    """A clip of the pack: its file is ``{name}.wav``; ``text`` is what the engine is given."""

    name: str
    language: Language
    text: str
    meaning: str  # what it says, for the README and a person recording the pack


def _clips() -> tuple[Clip, ...]:
    zh, en = Language.ZH, Language.EN
    clips = [
        Clip("zh_qing", zh, "qing3", "请"),
        Clip("zh_hao", zh, "hao4", "号"),
        Clip("zh_dao", zh, "dao4", "到"),
        Clip("zh_chuangkou", zh, "chuang1 kou3", "窗口"),
        Clip("zh_banli", zh, "ban4 li3", "办理"),
        Clip("zh_zaici", zh, "zai4 ci4", "再次"),
    ]
    clips += [
        Clip(f"zh_{i}", zh, p, "零一二三四五六七八九"[i]) for i, p in enumerate(PINYIN_DIGITS)
    ]
    clips += [
        Clip("zh_10", zh, "shi2", "十"),
        Clip("zh_100", zh, "bai3", "百"),
        Clip("zh_1000", zh, "qian1", "千"),
    ]
    # Letters are said as English letters, as Chinese halls do (A = "ei").
    clips += [Clip(f"letter_{c}", en, c, c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    clips += [Clip(f"en_{w}", en, w, w) for w in ("number", "please", "go", "to", "window")]
    clips += [Clip("en_again", en, "again", "again")]
    clips += [Clip(f"en_{i}", en, w, w) for i, w in enumerate(EN_NUMBERS)]
    clips += [Clip(f"en_{n}", en, w, w) for n, w in EN_TENS.items()]
    clips += [Clip(f"en_{w}", en, w, w) for w in ("hundred", "thousand")]
    return tuple(clips)


CLIPS: Mapping[str, Clip] = {c.name: c for c in _clips()}


class EngineError(RuntimeError):
    """The speech engine could not say a clip (missing, failed, or wrote nothing)."""


class PackError(RuntimeError):
    """A pack that cannot be used: a clip missing everywhere, or a file that does not read."""


class Engine(Protocol):
    """Says ``text`` into a WAV file at ``path``. ``name`` keys the cache: change it when
    the voice would sound different (engine, voice, speed, version)."""

    @property
    def name(self) -> str: ...

    def render(self, text: str, path: Path) -> None: ...


class EspeakEngine:
    """espeak-ng as a subprocess, one clip a call (about 10 ms each)."""

    def __init__(self, voice: str, speed: int = 150, program: str = "espeak-ng") -> None:
        self.voice, self.speed, self.program = voice, speed, program
        self._version: str | None = None

    @property
    def name(self) -> str:
        if self._version is None:
            self._version = self._run("--version").strip() or "unknown"
        return f"{self._version} -v {self.voice} -s {self.speed}"

    def render(self, text: str, path: Path) -> None:
        self._run("-v", self.voice, "-s", str(self.speed), "-w", str(path), "--", text)
        if not path.is_file() or path.stat().st_size <= 44:
            raise EngineError(f"{self.program} -v {self.voice} wrote no sound for {text!r}")

    def _run(self, *args: str) -> str:
        exe = shutil.which(self.program)
        if exe is None:
            raise EngineError(f"{self.program} is not installed (Debian: apt install espeak-ng)")
        try:
            done = subprocess.run(
                [exe, *args], capture_output=True, text=True, timeout=20, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise EngineError(f"{self.program} {' '.join(args)}: no answer in 20 s") from exc
        if done.returncode != 0:
            raise EngineError(f"{self.program} {' '.join(args)}: {done.stderr.strip()[:200]}")
        return done.stdout


def default_engines() -> dict[Language, Engine]:
    """espeak-ng: Mandarin from tone-numbered pinyin (``-v cmn`` reads tone digits aloud)."""
    # Speed 210 for Mandarin: at espeak's 150 a call joined from single-word clips takes 5.3 s.
    return {
        Language.ZH: EspeakEngine("cmn-latn-pinyin", speed=210),
        Language.EN: EspeakEngine("en", speed=170),
    }


def render_pack(cache: Path, engines: Mapping[Language, Engine] | None = None) -> Path:
    """Render every clip not yet in the cache; returns the pack directory inside ``cache``.

    The directory is named after the engines and the clip texts, so a new voice or wording
    renders afresh and an old cache is never read by mistake. Clips are trimmed of leading
    and trailing silence; each file appears whole (written aside, then renamed).
    """
    engines = engines or default_engines()
    key = hashlib.sha256()
    for lang in sorted(engines):
        key.update(f"{lang}={engines[lang].name}\n".encode())
    for clip in CLIPS.values():
        key.update(f"{clip.name}={clip.language}:{clip.text}\n".encode())
    folder = cache / f"pack-{key.hexdigest()[:16]}"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [c for c in CLIPS.values() if not (folder / f"{c.name}.wav").is_file()]
    if missing:
        log.info("rendering %d voice clips into %s", len(missing), folder)

        def one(clip: Clip) -> None:
            engine = engines.get(clip.language)
            if engine is None:
                raise EngineError(f"no engine for {clip.language} (clip {clip.name})")
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                raw = Path(tmp) / "raw.wav"
                engine.render(clip.text, raw)
                trimmed = wav.trim(wav.read_wav(raw))
                if not trimmed.samples:
                    raise EngineError(f"clip {clip.name} ({clip.text!r}) came out silent")
                wav.write_wav(trimmed, raw)
                os.replace(raw, folder / f"{clip.name}.wav")

        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            list(pool.map(one, missing))
    chime_path = folder / f"{CHIME}.wav"
    if not chime_path.is_file():
        rate = wav.read_wav(folder / "zh_qing.wav").rate
        wav.write_wav(wav.chime(rate), folder / f"{CHIME}.tmp")
        os.replace(folder / f"{CHIME}.tmp", chime_path)
    return folder


class VoicePack:
    """The clips of a pack in memory, all mono 16-bit at one ``rate``."""

    def __init__(self, clips: Mapping[str, wav.Pcm], rate: int) -> None:
        self.clips, self.rate = dict(clips), rate

    @classmethod
    def load(cls, *folders: Path, trim: bool = True) -> VoicePack:
        """Read ``CLIPS`` and the chime from the first folder that has each one.

        Typically ``load(hall_recordings, rendered)``: the hall's recorded voice, with the
        rendered clips for any word it did not record. The rate is the one most of the first
        folder's clips have; other clips are resampled to it. Recordings are trimmed of
        leading and trailing near-silence like the rendered ones.
        """
        if not folders:
            raise PackError("no pack folder given")
        read: dict[str, wav.Pcm] = {}
        for name in (*CLIPS, CHIME):
            path = next((f / f"{name}.wav" for f in folders if (f / f"{name}.wav").is_file()), None)
            if path is None:
                raise PackError(f"clip {name}.wav is in none of {', '.join(map(str, folders))}")
            if path.parent != folders[0]:
                log.debug("clip %s taken from %s", name, path.parent)
            try:
                pcm = wav.read_wav(path)
            except wav.WavError as exc:
                raise PackError(str(exc)) from exc
            read[name] = wav.trim(pcm) if trim and name != CHIME else pcm
            if not read[name].samples:
                raise PackError(f"{path} is silent")
        first = [p.rate for n, p in read.items() if (folders[0] / f"{n}.wav").is_file()]
        rate = Counter(first).most_common(1)[0][0] if first else next(iter(read.values())).rate
        return cls({n: wav.resample(p, rate) for n, p in read.items()}, rate)

    def compose(self, parts: Sequence[str | float]) -> wav.Pcm:
        """Clips (by name) and pauses (seconds) one after another as one sound."""
        pieces: list[wav.Pcm] = []
        for part in parts:
            if isinstance(part, str):
                clip = self.clips.get(part)
                if clip is None:
                    raise PackError(f"the pack has no clip {part!r}")
                pieces.append(clip)
            else:
                pieces.append(wav.silence(part, self.rate))
        return wav.join(pieces)


def prepare_pack(
    cache: Path,
    recorded: Path | None = None,
    engines: Mapping[Language, Engine] | None = None,
) -> VoicePack:
    """The pack a board speaks with: the hall's ``recorded`` clips if any, over clips the
    engine renders (once) into ``cache``. Raises ``EngineError`` or ``PackError``."""
    rendered = render_pack(cache, engines)
    return VoicePack.load(recorded, rendered) if recorded is not None else VoicePack.load(rendered)
