"""The voice pack: clips rendered once by espeak-ng, trimmed, cached; a hall's recordings.

Measured on the rendered audio: durations from the WAV files' headers and samples.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import wave
from array import array
from pathlib import Path

import pytest
from voicekit import ToneEngine

from display.voice import (
    CLIPS,
    Call,
    EngineError,
    Language,
    PackError,
    VoicePack,
    VoiceSettings,
    compose_call,
    default_engines,
    prepare_pack,
    render_pack,
)
from display.voice.announcer import sentence_parts
from display.voice.speech import call_sentence
from display.voice.wav import Pcm, read_wav, trim, write_wav


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return float(w.getnframes() / w.getframerate())


def lead_and_tail(pcm: Pcm, floor: int = 200) -> tuple[float, float]:
    loud = [i for i, s in enumerate(pcm.samples) if abs(s) > floor]
    return loud[0] / pcm.rate, (len(pcm.samples) - 1 - loud[-1]) / pcm.rate


def test_the_call_in_chinese_lasts_under_four_seconds(
    espeak_pack: VoicePack, tmp_path: Path
) -> None:
    sentence = call_sentence("A001", 3, False, Language.ZH)
    assert sentence.text == "请A零零一号到三号窗口办理"
    path = tmp_path / "call.wav"
    write_wav(espeak_pack.compose(sentence_parts(sentence, 0.03)), path)
    seconds = wav_seconds(path)
    assert 2.0 < seconds < 4.0, seconds


def test_the_engines_padding_is_cut_from_every_clip(
    espeak_cache: Path, espeak_pack: VoicePack
) -> None:
    (folder,) = espeak_cache.glob("pack-*")
    raw = espeak_cache / "raw-qing.wav"
    default_engines()[Language.ZH].render("qing3", raw)
    lead, tail = lead_and_tail(read_wav(raw))
    assert lead + tail > 0.1, "espeak-ng pads its clips"
    for name in CLIPS:
        lead, tail = lead_and_tail(read_wav(folder / f"{name}.wav"))
        assert lead < 0.03 and tail < 0.03, (name, lead, tail)
        assert 0.1 < espeak_pack.clips[name].duration < 1.2, name


def test_trimming_keeps_soft_consonants(espeak_pack: VoicePack) -> None:
    # "eff" ends in a fricative a tenth as loud as its vowel; cut at 5 % of the peak it lost
    # 0.1 s of its 0.27 s.
    assert espeak_pack.clips["letter_F"].duration > 0.24
    assert espeak_pack.clips["letter_S"].duration > 0.24


def test_the_pinyin_voice_says_tones_and_the_cmn_voice_reads_the_digits() -> None:
    def phonemes(voice: str, text: str) -> str:
        done = subprocess.run(
            ["espeak-ng", "-q", "-x", "-v", voice, text], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert phonemes("cmn-latn-pinyin", "hao4") == "X'Au51_|"  # falling tone
    assert "f'o@" in phonemes("cmn", "hao4")  # "hao four": why the pack is rendered from pinyin


def test_a_pack_is_rendered_once_into_its_cache(tmp_path: Path) -> None:
    engine = ToneEngine()
    engines = {Language.ZH: engine, Language.EN: engine}
    folder = render_pack(tmp_path, engines)
    assert len(engine.rendered) == len(CLIPS)
    assert "qing3" in engine.rendered and "chuang1 kou3" in engine.rendered
    assert render_pack(tmp_path, engines) == folder and len(engine.rendered) == len(CLIPS)
    (folder / "zh_qing.wav").unlink()
    render_pack(tmp_path, engines)
    assert engine.rendered[len(CLIPS) :] == ["qing3"]
    assert sorted(p.stem for p in folder.glob("*.wav")) == sorted([*CLIPS, "chime"])
    assert not [p for p in folder.iterdir() if p.suffix != ".wav"], "nothing half-written left"


def test_a_missing_engine_is_a_clear_error(tmp_path: Path) -> None:
    from display.voice import EspeakEngine

    with pytest.raises(EngineError, match="not-espeak is not installed"):
        render_pack(tmp_path, {Language.ZH: EspeakEngine("cmn", program="not-espeak")})


def tone(seconds: float, rate: int, channels: int = 1, pad: float = 0.2) -> bytes:
    n, p = round(seconds * rate), round(pad * rate)
    body = [round(9000 * math.sin(2 * math.pi * 330 * i / rate)) for i in range(n)]
    samples = array("h", [0] * p + body + [0] * p)
    if channels == 2:
        samples = array("h", [s for s in samples for _ in range(2)])
    return samples.tobytes()


def test_a_halls_recordings_replace_the_rendered_clips(tmp_path: Path) -> None:
    engine = ToneEngine()
    rendered = render_pack(tmp_path / "cache", {Language.ZH: engine, Language.EN: engine})
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    for name, seconds in (("zh_qing", 0.3), ("zh_hao", 0.25), ("zh_dao", 0.2)):
        with wave.open(str(recorded / f"{name}.wav"), "wb") as w:  # a studio's 44.1 kHz stereo
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(44100)
            w.writeframes(tone(seconds, 44100, channels=2))
    pack = VoicePack.load(recorded, rendered)
    assert pack.rate == 44100
    assert pack.clips["zh_qing"].duration == pytest.approx(0.3 + 0.03, abs=0.01)  # trimmed
    assert pack.clips["letter_A"].rate == 44100  # rendered at 16 kHz, resampled
    assert pack.clips["letter_A"].duration == pytest.approx(0.1 + 0.03, abs=0.01)
    sound = compose_call(pack, Call(1, "t", "A001", 3, False), VoiceSettings(repeat=1))
    assert sound.sound.rate == 44100 and sound.sound.peak > 8000
    assert (
        prepare_pack(tmp_path / "cache", recorded, {Language.ZH: engine, Language.EN: engine}).rate
        == 44100
    )


def test_a_recording_that_does_not_read_is_named(tmp_path: Path) -> None:
    (tmp_path / "zh_qing.wav").write_bytes(b"RIFF....not a wave")
    with pytest.raises(PackError, match=r"zh_qing\.wav"):
        VoicePack.load(tmp_path)
    with pytest.raises(PackError, match=r"clip zh_qing\.wav is in none of"):
        VoicePack.load(tmp_path / "empty")


def test_trim_keeps_the_sound_and_a_little_margin() -> None:
    pcm = read_wav(_wav(tone(0.5, 16000)))
    assert pcm.duration == pytest.approx(0.9)
    cut = trim(pcm)
    assert cut.duration == pytest.approx(0.5 + 0.03, abs=0.002)
    assert trim(read_wav(_wav(bytes(3200)))).samples == array("h")


def _wav(frames: bytes, rate: int = 16000) -> bytes:
    import io

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buffer.getvalue()


def test_espeak_ng_is_installed() -> None:
    assert shutil.which("espeak-ng"), "scripts/setup.sh installs espeak-ng"


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_recordings_of_any_pcm_width_read_as_16_bit(width: int) -> None:
    import io

    values = [0, 16384, -16384, 32767, -32768]
    raw = b""
    for v in values:
        if width == 1:
            raw += bytes([(v >> 8) + 128])
        else:
            raw += (v << (8 * (width - 2))).to_bytes(width, "little", signed=True)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(width)
        w.setframerate(8000)
        w.writeframes(raw)
    expected = [(v >> 8) << 8 for v in values] if width == 1 else values  # 8 bits: coarser
    assert list(read_wav(buffer.getvalue()).samples) == expected
