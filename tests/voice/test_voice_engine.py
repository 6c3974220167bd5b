"""Three boards of a zone fed what the queue engine says to boards (their view of its events)."""

from __future__ import annotations

from typing import Any

from hallkit import make_hall
from voicekit import BOARDS, RecordingOutput, texts

from contract.hall import HallModel
from display.voice import Announcer, VoicePack, VoiceSettings, Zone
from queue_server import core
from queue_server.core.model import Role
from queue_server.protocol import event_message
from queue_server.views import VIEWS

T0 = 1796169600.0


class EngineHall:
    """A pure engine; every command's events go, in the board's view, to every board model."""

    def __init__(self, models: list[HallModel]) -> None:
        self.engine = core.Engine(make_hall())
        self.view = VIEWS[Role.DISPLAY]
        self.now, self.seq = T0, 0
        first = self.view.of(self.engine.snapshot(self.now))
        hello = {
            "type": "welcome",
            "protocol": 1,
            "seq": 0,
            "device": "board-1",
            "role": "display",
            "snapshot": first,
        }
        for model in models:
            model.apply_welcome(dict(hello))
        self.models = models

    def run(self, command: Any, actor: str = "kiosk-1") -> None:
        self.now += 5
        for e in self.engine.execute(command, self.now, actor).events:
            self.seq += 1
            message = self.view.of(event_message({**e, "seq": self.seq}))
            for model in self.models:
                assert model.apply_event(dict(message)), message


def test_a_day_at_the_windows_is_heard_once_in_order_without_what_was_superseded(
    tone_pack: VoicePack,
) -> None:
    models = [HallModel() for _ in BOARDS]
    hall = EngineHall(models)
    outputs = [RecordingOutput() for _ in BOARDS]
    boards = [
        Announcer(m, Zone("一楼", BOARDS), d, tone_pack, o, VoiceSettings(repeat=1))
        for m, d, o in zip(models, BOARDS, outputs, strict=True)
    ]
    for board in boards:
        board.start()
    hall.run(core.OpenWindow(1, "s1"), "s1")
    hall.run(core.OpenWindow(3, "s3"), "s3")
    for i in range(4):
        hall.run(core.TakeTicket("SB", f"r{i}"))
    hall.run(core.CallNext(1), "s1")  # A001, spoken at once
    hall.run(core.CallNext(3), "s3")  # A002 waits
    hall.run(core.Finish(3), "s3")  # … and is at the window already: not spoken
    hall.run(core.CallNext(3), "s3")  # A003 waits
    hall.run(core.Recall(1), "s1")  # A001 again, after A003
    while outputs[0].busy:
        outputs[0].finish()
    assert texts(list(boards[0].spoken)) == [
        "请A零零一号到一号窗口办理",
        "请A零零三号到三号窗口办理",
        "请A零零一号再次到一号窗口",
    ]
    assert [len(o.sounds) for o in outputs] == [3, 0, 0]
