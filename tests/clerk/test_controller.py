"""The controller's session handling, with a small fake link that the test answers by hand."""

from __future__ import annotations

from typing import Any

import pytest

from appkit.link import ServerLink
from clerk import controller as controller_module
from clerk.controller import Controller
from clerk.model import Action, ClerkModel, LinkState, WindowMode
from clerk.texts import Texts
from queue_server.client import ServerError

WINDOW = {"number": 3, "name": "3号窗口", "state": "open", "staff": "s3", "staff_name": "职员s3",
          "current": None, "services": ["SB"], "parked": [], "last_rating": None}  # fmt: skip
WELCOME = {"type": "welcome", "seq": 5, "hall": {"name_zh": "厅", "name_en": "Hall"},
           "snapshot": {"waiting": [], "windows": [WINDOW], "services": []}}  # fmt: skip


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


@pytest.fixture
def session(qtbot, monkeypatch):
    monkeypatch.setattr(controller_module, "RELOGIN_RETRY_MS", 50)
    link, model = FakeLink(), ClerkModel(3)
    control = Controller(link, model, Texts("zh"))
    link.welcomed.emit(WELCOME)
    link.answer("ping", {"type": "pong", "time": 0})
    control.login("s3", "1003")
    assert link.sent[-1][:2] == ("login", {"window": 3, "staff": "s3", "pin": "1003"})
    link.answer("login", {"type": "logged_in", "window": WINDOW})
    assert model.link is LinkState.SIGNED_IN
    yield link, model, control
    control.stop()


def reconnect(link: FakeLink) -> None:
    link.online.emit(False)
    link.welcomed.emit(WELCOME)
    link.online.emit(True)
    link.answer("ping", {"type": "pong", "time": 0})


def test_after_a_reconnect_it_logs_in_again_and_takes_a_snapshot(session):
    link, model, control = session
    link.online.emit(False)
    assert model.link is LinkState.OFFLINE and model.enabled_actions() == frozenset()
    assert not control.act(Action.PAUSE) and link.sent == []  # nothing is sent while offline
    reconnect(link)
    assert link.kinds() == ["login"] and model.link is LinkState.ONLINE and model.logged_in
    link.answer("login", {"type": "logged_in", "window": WINDOW})
    assert link.kinds() == ["snapshot"] and model.link is LinkState.SIGNED_IN
    snap = dict(WELCOME["snapshot"], seq=9, windows=[dict(WINDOW, state="paused")])
    link.answer("snapshot", snap)
    assert model.mode is WindowMode.PAUSED and model.seq == 9


def test_a_passing_failure_is_retried_and_a_final_one_returns_to_the_login_page(qtbot, session):
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


def test_a_lost_login_on_the_server_is_restored_silently(session):
    link, model, control = session
    assert control.act(Action.PAUSE)
    link.answer("pause", code="not_logged_in")
    assert link.kinds() == ["login"] and model.link is LinkState.ONLINE
    link.answer("login", {"type": "logged_in", "window": WINDOW})
    assert model.link is LinkState.SIGNED_IN


def test_signing_out_forgets_the_pin(session):
    link, model, control = session
    assert control.act(Action.LOGOUT)
    link.answer("logout", {"type": "window", "window": dict(WINDOW, state="closed", staff=None)})
    assert not model.logged_in and model.mode is WindowMode.CLOSED
    reconnect(link)
    assert link.sent == []
