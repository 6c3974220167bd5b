"""The controller's session handling, with a small fake link that the test answers by hand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from appkit.link import ServerLink
from clerk import controller as controller_module
from clerk.controller import Controller
from clerk.model import Action, ClerkModel, LinkState, WindowMode
from clerk.texts import Texts
from queue_server.client import ServerError

DAY = "2026-11-22"
WINDOW = {
    "number": 3,
    "name": "3号窗口",
    "state": "open",
    "staff": "s3",
    "staff_name": "职员s3",
    "current": None,
    "services": ["SB"],
    "parked": [],
    "last_rating": None,
}
A001 = {"id": f"{DAY}-A001", "number": "A001", "service": "SB", "issued_at": 100.0}


def welcome(seq: int = 5, **window: Any) -> dict[str, Any]:
    return {
        "type": "welcome",
        "protocol": 1,
        "seq": seq,
        "device": "clerk-3",
        "role": "clerk",
        "hall": {"name_zh": "厅", "name_en": "Hall"},
        "snapshot": {"waiting": [A001], "windows": [dict(WINDOW, **window)], "services": []},
    }


def event(seq: int, kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": "event", "seq": seq, "kind": kind, "at": 1000.0 + seq, "day": DAY, **fields}


class FakeLink(ServerLink):
    """A link that is never started: requests are kept for the test to answer."""

    def __init__(self) -> None:
        super().__init__("ws://127.0.0.1:9/ws", "clerk", "clerk-3", "token")
        self.sent: list[tuple[str, dict[str, Any], Any]] = []

    def request(self, kind: str, callback: Any = None, **fields: Any) -> None:
        self.sent.append((kind, fields, callback))

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.sent]

    def answer(
        self, kind: str, reply: dict[str, Any] | None = None, code: str | None = None
    ) -> None:
        index = self.kinds().index(kind)
        _, _, callback = self.sent.pop(index)
        error = (
            ServerError({"code": code, "message": "错", "message_en": "wrong"}) if code else None
        )
        callback(reply, error)

    def pong(self, seq: int) -> None:
        """The server's answer to a ping: where its event log stands."""
        self.answer("ping", {"type": "pong", "seq": seq, "time": 0})


Session = tuple[FakeLink, ClerkModel, Controller]


@pytest.fixture
def session(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    monkeypatch.setattr(controller_module, "RELOGIN_RETRY_MS", 50)
    link = FakeLink()
    model = ClerkModel(3, link.model)
    control = Controller(link, model, Texts("zh"))
    link.welcomed.emit(welcome())
    link.pong(5)  # the clock
    control.login("s3", "1003")
    assert link.sent[-1][:2] == ("login", {"window": 3, "staff": "s3", "pin": "1003"})
    link.answer("login", {"type": "logged_in", "window": WINDOW})
    link.pong(5)
    assert model.link is LinkState.SIGNED_IN
    yield link, model, control
    control.stop()


def reconnect(link: FakeLink, seq: int = 5, **window: Any) -> None:
    link.online.emit(False)
    link.welcomed.emit(welcome(seq, **window))
    link.online.emit(True)
    link.pong(seq)


def test_an_action_shows_once_the_live_model_has_its_events(session: Session) -> None:
    link, model, control = session
    notices: list[str] = []
    control.notice.connect(lambda level, text: notices.append(text))
    assert control.act(Action.CALL_NEXT)
    assert link.sent[-1][:2] == ("call_next", {"window": 3})
    link.answer("call_next", {"type": "called", "ticket": dict(A001, state="called")})
    assert model.busy and link.kinds() == ["ping"] and model.mode is WindowMode.IDLE
    link.pong(6)  # the call is event 6, not seen yet
    assert model.busy and notices == []
    link.pushed.emit(
        event(
            6,
            "ticket_called",
            ticket=A001["id"],
            number="A001",
            window=3,
            service="SB",
            recall=False,
            reason={"rule": "normal"},
        )
    )
    assert not model.busy and model.mode is WindowMode.SERVING and notices == ["已呼叫 A001"]


def test_fields_go_as_the_contract_names_them(session: Session) -> None:
    link, _model, control = session
    link.pushed.emit(event(6, "window_paused", window=3, staff="s3"))
    assert control.act(Action.RESUME) and link.sent[-1][:2] == ("resume", {"window": 3})
    link.answer("resume", {"type": "window"})
    link.pushed.emit(event(7, "window_resumed", window=3, staff="s3"))
    link.pong(7)
    assert control.act(Action.PAUSE, reason="lunch")
    assert link.sent[-1][:2] == ("pause", {"window": 3, "reason": "lunch"})
    link.answer("pause", code="window_paused")
    assert not control.act(Action.CALL_NEXT, colour="red")  # no such field: nothing is sent
    assert link.kinds() == ["snapshot"]  # after the refusal: the screen may be stale


def test_after_a_reconnect_it_logs_in_again_and_follows_the_live_model(session: Session) -> None:
    link, model, control = session
    link.online.emit(False)
    assert model.link is LinkState.OFFLINE and model.enabled_actions() == frozenset()
    assert not control.act(Action.PAUSE) and link.sent == []  # nothing is sent while offline
    reconnect(link, seq=9, state="paused")
    assert link.kinds() == ["login"] and model.link is LinkState.ONLINE and model.logged_in
    assert model.mode is WindowMode.PAUSED  # the welcome's
    link.answer("login", {"type": "logged_in", "window": WINDOW})
    link.pong(10)
    assert model.link is LinkState.ONLINE  # not until the model has seen event 10
    link.pushed.emit(event(10, "window_resumed", window=3, staff="s3"))
    assert model.link is LinkState.SIGNED_IN and model.mode is WindowMode.IDLE


def test_a_passing_failure_is_retried_and_a_final_one_returns_to_the_login_page(
    qtbot: QtBot, session: Session
) -> None:
    link, model, control = session
    errors: list[str] = []
    control.login_error.connect(errors.append)
    reconnect(link)
    link.answer("login", code="unavailable")
    assert model.logged_in and control.retry.isActive()
    qtbot.waitUntil(lambda: link.kinds() == ["login"])  # tried again
    link.answer("login", code="already_open")
    assert not model.logged_in and errors == ["自动重新登录失败：错"]
    reconnect(link)
    assert link.sent == []  # the PIN was forgotten with the session


def test_a_lost_login_on_the_server_is_restored_silently(session: Session) -> None:
    link, model, control = session
    assert control.act(Action.PAUSE)
    link.answer("pause", code="not_logged_in")
    assert link.kinds() == ["login"] and model.link is LinkState.ONLINE
    link.answer("login", {"type": "logged_in", "window": WINDOW})
    link.pong(5)
    assert model.link is LinkState.SIGNED_IN


def test_signing_out_forgets_the_pin(session: Session) -> None:
    link, model, control = session
    assert control.act(Action.LOGOUT)
    link.answer("logout", {"type": "window", "window": dict(WINDOW, state="closed", staff=None)})
    link.pong(6)
    link.pushed.emit(event(6, "window_closed", window=3, staff="s3"))
    assert not model.logged_in and model.mode is WindowMode.CLOSED
    reconnect(link, seq=6, state="closed", staff=None)
    assert link.sent == []


def test_a_window_closed_elsewhere_forgets_the_pin(session: Session) -> None:
    link, model, control = session
    link.pushed.emit(event(6, "window_closed", window=3, staff="s3"))  # the desk keypad
    assert not model.logged_in and not control.remembers_login
