"""Voice call-outs for the hall boards: one announcer per zone, a pack of clips, one queue.

The board app builds a :class:`VoicePack` (``prepare_pack``), an output
(``display.voice.qt_output.QtOutput``, kept out of this module so the logic imports no Qt) and
one :class:`Announcer` per board, then calls ``start()``; see ``README.md``.
"""

from .announcer import (
    Announcement,
    Announcer,
    Call,
    VoiceSettings,
    Zone,
    compose_call,
    model_presence,
)
from .output import STATUS_TEXTS, Output, VoiceStatus, device_status
from .pack import (
    CLIPS,
    Engine,
    EngineError,
    EspeakEngine,
    PackError,
    VoicePack,
    default_engines,
    prepare_pack,
    render_pack,
)
from .speech import Language, Sentence, call_sentence, ticket_text, window_text

__all__ = [
    "CLIPS",
    "STATUS_TEXTS",
    "Announcement",
    "Announcer",
    "Call",
    "Engine",
    "EngineError",
    "EspeakEngine",
    "Language",
    "Output",
    "PackError",
    "Sentence",
    "VoicePack",
    "VoiceSettings",
    "VoiceStatus",
    "Zone",
    "call_sentence",
    "compose_call",
    "default_engines",
    "device_status",
    "model_presence",
    "prepare_pack",
    "render_pack",
    "ticket_text",
    "window_text",
]
