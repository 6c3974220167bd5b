"""Voice packs made once per session: one said by a tone engine (fast), one by espeak-ng."""

from __future__ import annotations

from pathlib import Path

import pytest
from voicekit import ToneEngine

from display.voice import Language, VoicePack, prepare_pack


@pytest.fixture(scope="session")
def tone_pack(tmp_path_factory: pytest.TempPathFactory) -> VoicePack:
    engine = ToneEngine()
    return prepare_pack(
        tmp_path_factory.mktemp("tones"), engines={Language.ZH: engine, Language.EN: engine}
    )


@pytest.fixture(scope="session")
def espeak_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("espeak")


@pytest.fixture(scope="session")
def espeak_pack(espeak_cache: Path) -> VoicePack:
    return prepare_pack(espeak_cache)
