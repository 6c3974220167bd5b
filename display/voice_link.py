"""The board's voice: `display.voice`'s announcer, wired into the board app when the board's
file has a `[voice]` table.

    [voice]
    speakers = ["display-1f", "display-1f-b"]   # the boards that may speak for this zone,
                                                # first choice first (default: this board)
    zone = "floor1"          # the zone's name (default: this board's device id)
    repeat = 2               # each call said this many times
    languages = ["zh", "en"]
    pack = "/srv/hall/voice" # a recorded voice (optional; else espeak-ng's)
    cache = "var/voice"      # where espeak-ng's clips are kept

The windows heard are the board's `zone`. The voice pack is made ready on a worker thread (the
first time espeak-ng renders its clips, seconds), then the announcer follows the live model.
The voice's status goes to the server as the board's `device_status` (so another board of the
zone takes over when this one cannot speak) and, unless it is ok, shows as the board's note.
The voice is also reported as the board's part ``announcer`` (``device_parts``, the zone's name
as its detail), so the manager's wall shows it apart from the board: ``speaking`` while this
board speaks for the zone, ``standby`` while another one does, ``no_sound`` when it cannot.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from PySide6.QtCore import QObject, Signal

from appkit.link import ServerLink
from contract.hall import Change
from queue_server.tomlcheck import LineIndex, TomlTable, decode, parse_toml, read_text

from .config import ConfigError, DisplayConfig, parser
from .screen import BoardScreen
from .voice import (
    STATUS_TEXTS,
    Announcer,
    EngineError,
    Language,
    Output,
    PackError,
    VoicePack,
    VoiceSettings,
    VoiceStatus,
    Zone,
    device_status,
    prepare_pack,
)

log = logging.getLogger(__name__)


class VoiceConfig(TomlTable, frozen=True):
    """The `[voice]` table of the board's file."""

    speakers: tuple[str, ...] = ()
    zone: str = ""
    repeat: Annotated[int, msgspec.Meta(ge=1, le=5)] = 2
    languages: Annotated[tuple[Literal["zh", "en"], ...], msgspec.Meta(min_length=1)] = ("zh",)
    pack: str = ""
    cache: str = "var/voice"


class _File(msgspec.Struct, frozen=True):
    voice: VoiceConfig | None = None


def load_voice(argv: list[str] | None = None) -> VoiceConfig | None:
    """The `[voice]` table of the file `--config` names; None: no file, or no voice in it."""
    path = parser().parse_args(argv).config
    if path is None:
        return None
    source = str(path)
    text = read_text(path, ConfigError)
    data = parse_toml(text, source, ConfigError)
    if "voice" not in data:
        return None
    found = decode({"voice": data["voice"]}, _File, source, LineIndex(text), ConfigError)
    return found.voice


class _Ready(QObject):
    """Hands the pack made on the worker thread to the app's thread."""

    done = Signal(object, object)  # VoicePack | None, error text | None


class BoardVoice:
    """The announcer of one board, its pack, and what it reports."""

    def __init__(
        self,
        voice: VoiceConfig,
        config: DisplayConfig,
        link: ServerLink,
        screen: BoardScreen,
        output: Callable[[], Output] | None = None,
    ) -> None:
        self.voice, self.config, self.link, self.screen = voice, config, link, screen
        self.make_output = output
        self.zone = Zone(
            voice.zone or config.device,
            speakers=voice.speakers or (config.device,),
            windows=frozenset(config.zone),
        )
        self.settings = VoiceSettings(
            repeat=voice.repeat, languages=tuple(Language(code) for code in voice.languages)
        )
        self.announcer: Announcer | None = None
        self.status = VoiceStatus.UNKNOWN
        self.detail = ""
        self._ready = _Ready()
        self._ready.done.connect(self._start)
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._told: dict[str, Any] | None = None  # the announcer part the server has
        link.online.connect(self._on_online)
        link.changed.connect(self._on_change)

    def start(self) -> None:
        """Make the pack ready on a worker thread; the announcer starts when it is."""
        self._thread = threading.Thread(target=self._prepare, name="voice-pack", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped = True
        if self._thread is not None:
            self._thread.join(30)
        if self.announcer is not None:
            self.announcer.stop()

    def _prepare(self) -> None:
        recorded = Path(self.voice.pack) if self.voice.pack else None
        try:
            pack = prepare_pack(Path(self.voice.cache), recorded)
        except (EngineError, PackError, OSError) as exc:
            self._ready.done.emit(None, str(exc))
        else:
            self._ready.done.emit(pack, None)

    def _start(self, pack: VoicePack | None, error: str | None) -> None:
        if self._stopped:
            return
        if pack is None:
            self._on_status(VoiceStatus.NO_VOICE, error or "")
            return
        if self.make_output is not None:
            output = self.make_output()
        else:
            from .voice.qt_output import QtOutput  # QtMultimedia, only for a board with voice

            output = QtOutput()
        self.announcer = Announcer(
            self.link.model,
            self.zone,
            self.config.device,
            pack,
            output,
            self.settings,
            on_status=self._on_status,
        )
        self.announcer.start()

    def _on_status(self, status: VoiceStatus, detail: str) -> None:
        self.status, self.detail = status, detail
        self.screen.note(None if status is VoiceStatus.OK else STATUS_TEXTS[status])
        self._report()

    def _report(self) -> None:
        if self.status is VoiceStatus.UNKNOWN:
            return
        code, text = device_status(self.status, self.detail)
        fields: dict[str, Any] = {"status": code}
        if text:
            fields["detail"] = text.encode()[:200].decode(errors="ignore")  # the field's limit
        self.link.request("device_status", **fields)
        self._report_part()

    def announcer_part(self) -> dict[str, Any] | None:
        """This board's voice as the ``device_parts`` part ``announcer`` (None: not known)."""
        if self.status is VoiceStatus.UNKNOWN:
            return None
        if self.status is not VoiceStatus.OK:
            status, online = "no_sound", False
        elif self.announcer is not None and self.announcer.speaker() == self.config.device:
            status, online = "speaking", True
        else:
            status, online = "standby", True
        zone = self.zone.name.encode()[:200].decode(errors="ignore")
        return {"part": "announcer", "kind": "announcer", "status": status, "online": online} | (
            {"detail": zone} if zone else {}
        )

    def _report_part(self) -> None:
        part = self.announcer_part()
        if part is None or part == self._told:
            return
        self._told = part
        self.link.request("device_parts", parts=[part])

    def _on_change(self, change: Change) -> None:
        """Who speaks for the zone follows the boards' presence and health."""
        if change.everything or change.devices:
            self._report_part()

    def _on_online(self, online: bool) -> None:
        if not online:
            self._told = None  # said again once back
            if self.announcer is not None:
                self.announcer.clear("offline")
            return
        self._report()  # a report made while offline was dropped
