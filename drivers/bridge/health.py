"""What the bridge can honestly say of each device on its line. Pure: the clock passed in.

The bus has no poll (HARDWARE.md): keypads and evaluators speak only when pressed, and the
host's frames to them, to the digit boards and to Onbon boards get no answer the bridge
reads. So:

* a keypad or evaluator is ``heard`` (online) when it sent a frame within ``silent_after``
  seconds; ``silent`` (offline) when nothing came from it for that long while its window was
  open and the line up (a hall evaluator, with no window: while the line was up); else
  ``unheard`` (not known: not pressed since the bridge started, or its window closed since);
* a board is ``line_ok`` while the line it is written on is up: online as far as anyone can
  tell without an answer;
* with the line away every device is ``line_down``: not reachable, its own state not known.

`Tracker.changes` gives the reports that differ from the last ones handed out, so the
server is told each change once; `Tracker.everything` all of them again (after a reconnect).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from .config import BridgeConfig

#: A report names its part by kind and address: ``keypad-3``, ``evaluator-17``, ``board-33``.
KEYPAD, EVALUATOR, BOARD = "keypad", "evaluator", "board"


class PartStatus(StrEnum):
    HEARD = "heard"
    SILENT = "silent"
    UNHEARD = "unheard"
    LINE_DOWN = "line_down"
    LINE_OK = "line_ok"


ONLINE: dict[PartStatus, bool | None] = {
    PartStatus.HEARD: True,
    PartStatus.SILENT: False,
    PartStatus.UNHEARD: None,
    PartStatus.LINE_DOWN: None,
    PartStatus.LINE_OK: True,
}


@dataclass(frozen=True, slots=True)
class PartReport:
    """One part as the server's ``device_parts`` takes it (``quiet_s``: since last heard)."""

    part: str
    kind: str
    status: PartStatus
    window: int | None
    quiet_s: int | None = None

    @property
    def online(self) -> bool | None:
        return ONLINE[self.status]

    def fields(self) -> dict[str, object]:
        fields: dict[str, object] = {
            "part": self.part,
            "kind": self.kind,
            "status": self.status.value,
            "online": self.online,
        }
        if self.window is not None:
            fields["window"] = self.window
        if self.quiet_s is not None:
            fields["quiet_s"] = self.quiet_s
        return fields


@dataclass
class _Listener:
    """A keypad or evaluator: when last heard, and since when its silence counts."""

    part: str
    kind: str
    window: int | None
    heard_at: float | None = None
    watched_since: float | None = None  # window open and line up since (None: not watched)


class Tracker:
    """Each device of the bridge's config, its frames, the line and the open windows."""

    def __init__(self, config: BridgeConfig, silent_after: float, clock: Callable[[], float]):
        self.silent_after = silent_after
        self.clock = clock
        self.line_up = False
        self.open_windows: frozenset[int] = frozenset()
        self.listeners: dict[tuple[str, int], _Listener] = {}
        for k in config.keypads:
            self.listeners[(KEYPAD, k.address)] = _Listener(f"keypad-{k.address}", KEYPAD, k.window)
        for e in config.evaluators:
            name = f"evaluator-{e.address}"
            self.listeners[(EVALUATOR, e.address)] = _Listener(name, EVALUATOR, e.window)
        self.boards = [(f"board-{d.address}", d.window) for d in config.displays]
        self._told: dict[str, PartReport] = {}

    # -- what happens ----------------------------------------------------------------------

    def heard(self, kind: str, address: int) -> None:
        """A frame came from the keypad (any FUNC but 0x11) or evaluator at ``address``."""
        listener = self.listeners.get((kind, address))
        if listener is not None:
            listener.heard_at = self.clock()

    def line(self, up: bool) -> None:
        self.line_up = up
        self._rewatch()

    def windows(self, open_windows: Iterable[int]) -> None:
        self.open_windows = frozenset(open_windows)
        self._rewatch()

    def _rewatch(self) -> None:
        now = self.clock()
        for listener in self.listeners.values():
            watched = self.line_up and (
                listener.window is None or listener.window in self.open_windows
            )
            if not watched:
                listener.watched_since = None
            elif listener.watched_since is None:
                listener.watched_since = now

    # -- what to say -----------------------------------------------------------------------

    def reports(self) -> list[PartReport]:
        now = self.clock()
        found = [self._listener(listener, now) for listener in self.listeners.values()]
        status = PartStatus.LINE_OK if self.line_up else PartStatus.LINE_DOWN
        found += [PartReport(part, BOARD, status, window) for part, window in self.boards]
        return found

    def _listener(self, listener: _Listener, now: float) -> PartReport:
        quiet = None if listener.heard_at is None else now - listener.heard_at
        quiet_s = None if quiet is None else int(quiet)
        kind, part, window = listener.kind, listener.part, listener.window
        if not self.line_up:
            return PartReport(part, kind, PartStatus.LINE_DOWN, window, quiet_s)
        if quiet is not None and quiet < self.silent_after:
            return PartReport(part, kind, PartStatus.HEARD, window, quiet_s)
        watched = listener.watched_since
        if watched is not None and now - watched >= self.silent_after:
            return PartReport(part, kind, PartStatus.SILENT, window, quiet_s)
        return PartReport(part, kind, PartStatus.UNHEARD, window, quiet_s)

    def changes(self) -> list[PartReport]:
        """The reports whose state differs from the last ones handed out (not counting how
        long ago a device was heard), and note them as told."""
        changed = []
        for report in self.reports():
            told = self._told.get(report.part)
            if told is None or (told.status, told.window) != (report.status, report.window):
                changed.append(report)
                self._told[report.part] = report
        return changed

    def everything(self) -> list[PartReport]:
        """Every report, noted as told (after a reconnect the server hears it all again)."""
        found = self.reports()
        self._told = {r.part: r for r in found}
        return found

    def forget(self, reports: Iterable[PartReport]) -> None:
        """These were not delivered: hand them out again with the next changes."""
        for report in reports:
            self._told.pop(report.part, None)
