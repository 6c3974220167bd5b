"""A board put together: the server link, the board's state over the live model, the screen.

The link keeps the hall model (`appkit.link.ServerLink`: welcome, events, a snapshot after a
gap, all again after a reconnect); the state observes the model's changes and the screen
repaints only for a change it shows. While the link is down the screen keeps the last state,
marked stale. A board whose file has a `[voice]` table also speaks its zone's calls
(`voice_link`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from appkit.link import ServerLink
from contract.hall import Change, HallModel

from .board import BoardState
from .config import DisplayConfig
from .hall_view import HallBoard
from .screen import BoardScreen
from .voice import Output
from .voice_link import BoardVoice, VoiceConfig
from .window_view import WindowScreen

log = logging.getLogger(__name__)

ROLE = "display"


class DisplayApp(QObject):
    """One board. `start()` connects and starts the clock; `stop()` ends everything."""

    def __init__(
        self,
        config: DisplayConfig,
        voice: VoiceConfig | None = None,
        output: Callable[[], Output] | None = None,
    ) -> None:
        """`voice`: speak the zone's calls (the file's `[voice]`); `output`: makes the sound
        output (by default the system's, through QtMultimedia)."""
        super().__init__()
        self.config = config
        self.link = ServerLink(config.server, ROLE, config.device, config.token, parent=self)
        self.state = BoardState(
            self.link.model,
            zone=config.zone,
            rows=config.rows,
            window=config.window,
            redirect=config.redirect,
        )
        self.screen: BoardScreen = (
            WindowScreen(self.state, config)
            if config.window is not None
            else HallBoard(self.state, config)
        )
        self.link.changed.connect(self._on_change)
        self.link.online.connect(self.screen.set_online)
        self.voice = (
            BoardVoice(voice, config, self.link, self.screen, output) if voice is not None else None
        )

    @property
    def model(self) -> HallModel:
        return self.link.model

    def _on_change(self, change: Change) -> None:
        if change.everything or change.notice:
            config = self.config
            self.screen.set_notice(self.state.notice(config.notice, config.lang, config.bilingual))
        if self.state.on_change(change):
            self.screen.refresh()

    def start(self) -> None:
        self.screen.start()
        self.link.start()
        if self.voice is not None:
            self.voice.start()

    def stop(self) -> None:
        if self.voice is not None:
            self.voice.stop()
        self.screen.stop()
        self.link.stop()

    def show(self, size: tuple[int, int] | None = None) -> None:
        """Full screen (or `size`, or a window when the settings say `windowed`)."""
        if size is not None:
            self.screen.resize(*size)
            self.screen.show()
        elif self.config.windowed:
            self.screen.resize(1280, 720)
            self.screen.show()
        else:
            screen = QGuiApplication.primaryScreen()
            if screen is not None:
                self.screen.setGeometry(screen.geometry())
            self.screen.showFullScreen()
