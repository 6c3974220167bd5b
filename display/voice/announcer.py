"""One announcer per zone: each call spoken once, in order, never over another one.

Every board of a zone runs an :class:`Announcer` on its own live hall model, with the same
:class:`Zone` (the ordered list of the boards that may speak for it). At each ``ticket_called``
every board answers the same question from what it sees: who is the first listed board that
is present and healthy? Only that board queues the call, so a zone hears it once however many
boards it has; when that board drops out (offline, or reporting a status other than ``ok``,
e.g. no sound device), the next one takes the calls made from then on.

The speaker keeps one queue. A call waits while another is spoken and is dropped, not spoken
late, once it is superseded: its window no longer has that ticket called (finished, no-show,
transferred, parked, another number called) — checked against the model when the queue
moves on. A recall of a ticket whose call is still waiting adds nothing.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from contract import events as ev
from contract.hall import Change, HallModel
from contract.records import TicketState

from .output import Output, VoiceStatus
from .pack import CHIME, VoicePack
from .speech import Language, Sentence, call_sentence
from .wav import Pcm

__all__ = [
    "Announcement",
    "Announcer",
    "Call",
    "VoiceSettings",
    "Zone",
    "compose_call",
    "model_presence",
    "sentence_parts",
]

log = logging.getLogger(__name__)

SPOKEN_KEPT = 50  # the last announcements kept for the board's diagnostics (and tests)


@dataclass(frozen=True, slots=True)
class Zone:
    """A zone of the hall: the boards that may speak for it, first choice first, and the
    windows whose calls it hears (empty: every window)."""

    name: str
    speakers: tuple[str, ...]
    windows: frozenset[int] = frozenset()

    def hears(self, window: int) -> bool:
        return not self.windows or window in self.windows


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """How a call sounds: a chime, then the sentences of ``languages`` ``repeat`` times."""

    repeat: int = 2
    languages: tuple[Language, ...] = (Language.ZH,)  # English too where the hall wants it
    chime: bool = True
    # Silence first: a sound server or amplifier that wakes up on the first samples drops them
    # (a PulseAudio null sink here lost the first 0.2 s of the chime).
    lead_in_s: float = 0.3
    after_chime_s: float = 0.25
    word_gap_s: float = 0.03
    sentence_gap_s: float = 0.6

    def __post_init__(self) -> None:
        if self.repeat < 1 or not self.languages:
            raise ValueError("a call is said at least once, in at least one language")


@dataclass(frozen=True, slots=True)
class Call:
    """A ``ticket_called`` this board is to speak."""

    seq: int
    ticket: str
    number: str
    window: int
    recall: bool


@dataclass(frozen=True, slots=True)
class Announcement:
    """A call as it is spoken: its sentences, and the one sound joined from the pack."""

    call: Call
    sentences: tuple[Sentence, ...]
    sound: Pcm

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(s.text for s in self.sentences)


def compose_call(pack: VoicePack, call: Call, settings: VoiceSettings) -> Announcement:
    """What ``call`` sounds like: the chime, then each language's sentence, repeated."""
    s = settings
    sentences = tuple(
        call_sentence(call.number, call.window, call.recall, lang) for lang in s.languages
    )
    parts: list[str | float] = [s.lead_in_s] if s.lead_in_s > 0 else []
    if s.chime:
        parts += [CHIME, s.after_chime_s]
    for turn in range(s.repeat):
        for i, sentence in enumerate(sentences):
            if turn or i:
                parts.append(s.sentence_gap_s)
            parts += sentence_parts(sentence, s.word_gap_s)
    return Announcement(call, sentences, pack.compose(parts))


def sentence_parts(sentence: Sentence, word_gap_s: float) -> list[str | float]:
    """The clips of one sentence with a short gap between words."""
    parts: list[str | float] = []
    for j, clip in enumerate(sentence.clips):
        parts += [word_gap_s, clip] if j else [clip]
    return parts


def model_presence(model: HallModel) -> Callable[[str], bool]:
    """Presence as the model's devices say, from the ``online`` the server adds to a record.

    While no record carries ``online`` (a server without presence), every board counts as
    present: the first healthy board of the list speaks. Once presence is reported, a device
    is present when its record says ``online``; one without a record, or whose record does
    not say, is absent."""

    def online(device: str) -> bool | None:
        value = getattr(model.devices.get(device), "online", None)
        return None if value is None else bool(value)

    def present(device: str) -> bool:
        said = online(device)
        if said is not None:
            return said
        return all(online(d) is None for d in model.devices)

    return present


class Announcer:
    """Speaks this zone's calls when this board is the zone's speaker."""

    def __init__(
        self,
        model: HallModel,
        zone: Zone,
        device: str,
        pack: VoicePack,
        output: Output,
        settings: VoiceSettings | None = None,
        present: Callable[[str], bool] | None = None,
        on_status: Callable[[VoiceStatus, str], None] | None = None,
    ) -> None:
        self.model, self.zone, self.device = model, zone, device
        self.pack, self.output = pack, output
        self.settings = settings or VoiceSettings()
        self.present = present or model_presence(model)
        self.on_status = on_status
        self.playing: Announcement | None = None
        self.spoken: deque[Announcement] = deque(maxlen=SPOKEN_KEPT)  # handed to the output
        self._pending: deque[Call] = deque()
        self._stop_observing: Callable[[], None] | None = None
        self._pumping = False
        self._last_change: Change | None = None
        output.bind(self._finished, self._status)

    # -- the board app's calls ---------------------------------------------------------------

    def start(self) -> None:
        """Follow the model and check the output (``on_status`` hears the result once it is
        known); call ``stop`` on shutdown."""
        if self._stop_observing is None:
            self._stop_observing = self.model.observe(self.on_change)
        self.output.check()

    def stop(self) -> None:
        if self._stop_observing is not None:
            self._stop_observing()
            self._stop_observing = None
        self.clear("stopped")
        self.output.stop()
        self.playing = None

    def clear(self, reason: str) -> None:
        """Drop the waiting calls (e.g. when the board has lost the server)."""
        for call in self._pending:
            log.info("call %s at window %d not spoken: %s", call.number, call.window, reason)
        self._pending.clear()

    @property
    def pending(self) -> tuple[Call, ...]:
        return tuple(self._pending)

    @property
    def status(self) -> VoiceStatus:
        return self.output.status

    def speaker(self) -> str | None:
        """The board that speaks for the zone now: the first listed, present and healthy."""
        for device in self.zone.speakers:
            if self.present(device) and self._healthy(device):
                return device
        return None

    def on_change(self, change: Change) -> None:
        """One step of the model (its observer); the same step handed twice counts once."""
        if change is self._last_change:
            return
        self._last_change = change
        if change.windows or change.tickets or change.everything:
            self._prune()
        event = change.event
        if isinstance(event, ev.TicketCalled) and self.zone.hears(event.window):
            speaker = self.speaker()
            if speaker == self.device:
                self._queue(Call(event.seq, event.ticket, event.number, event.window, event.recall))
            else:
                log.debug("call %s at window %d: %s speaks", event.number, event.window, speaker)
        self._pump()

    def announcement(self, call: Call) -> Announcement:
        return compose_call(self.pack, call, self.settings)

    # -- inside ----------------------------------------------------------------------------

    def _healthy(self, device: str) -> bool:
        record = self.model.devices.get(device)
        return record is None or record.status in (None, "ok")

    def _current(self, call: Call) -> bool:
        """The call still stands: its ticket is the one called at its window."""
        ticket = self.model.tickets.get(call.ticket)
        if ticket is None or ticket.state is not TicketState.CALLED:
            return False
        if ticket.window != call.window:
            return False
        window = self.model.windows.get(call.window)
        return window is None or (window.current is not None and window.current.id == call.ticket)

    def _queue(self, call: Call) -> None:
        if any(c.ticket == call.ticket and c.window == call.window for c in self._pending):
            log.info(
                "recall of %s at window %d: its call is still to come", call.number, call.window
            )
            return
        self._pending.append(call)

    def _prune(self) -> None:
        if not self._pending:
            return
        kept = deque(c for c in self._pending if self._current(c))
        if len(kept) != len(self._pending):
            for call in self._pending:
                if call not in kept:
                    log.info(
                        "call %s at window %d superseded: not spoken", call.number, call.window
                    )
            self._pending = kept

    def _pump(self) -> None:
        """Hand the next standing call to the output when it is free."""
        if self._pumping:  # an output that finishes inside play()
            return
        self._pumping = True
        try:
            while self.playing is None and self._pending:
                call = self._pending.popleft()
                if not self._current(call):
                    log.info(
                        "call %s at window %d superseded: not spoken", call.number, call.window
                    )
                    continue
                announcement = self.announcement(call)
                self.playing = announcement
                log.info("speaking: %s", " / ".join(announcement.texts))
                if self.output.play(announcement.sound):
                    self.spoken.append(announcement)
                else:
                    self.playing = None
                    log.warning("call %s not spoken: %s", call.number, self.output.status)
        finally:
            self._pumping = False

    def _finished(self) -> None:
        self.playing = None
        if not self._pumping:
            self._pump()

    def _status(self, status: VoiceStatus, detail: str) -> None:
        if self.on_status is not None:
            self.on_status(status, detail)
