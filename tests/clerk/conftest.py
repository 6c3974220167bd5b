"""Fixtures: the server in a background thread with its own asyncio loop, clerk apps against it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from clerkkit import HallThread
from pytestqt.qtbot import QtBot

from clerk.app import ClerkApp
from clerk.model import LinkState


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    yield
    left = [
        t.name
        for t in threading.enumerate()
        if t.name in ("server-link", "hall-server") and t.is_alive()
    ]
    assert not left, f"threads left running: {left}"


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallThread]:
    server = HallThread(tmp_path)
    server.start()
    yield server
    server.close()


DIALOGS = ("ask_transfer", "ask_number", "ask_parked", "ask_pause_reason", "confirm_no_show")


def no_dialog(name: str) -> Callable[..., Any]:
    """Stands in for a real modal dialog, which would wait forever for a click in a test."""

    def unexpected(*args: Any) -> Any:
        raise AssertionError(f"{name} was asked, but the test did not answer it")

    return unexpected


@pytest.fixture
def make_clerk(qtbot: QtBot, hall: HallThread) -> Iterator[Callable[..., ClerkApp]]:
    apps: list[ClerkApp] = []

    def make(
        window: int = 3,
        lang: str = "zh",
        compact: bool = False,
        clock: Callable[[], float] | None = None,
    ) -> ClerkApp:
        kwargs = {"clock": clock} if clock else {}
        app = ClerkApp(
            hall.url,
            window,
            f"clerk-{window}",
            hall.token(f"clerk-{window}"),
            lang,
            compact,
            **kwargs,
        )
        for name in DIALOGS:
            setattr(app, name, no_dialog(name))
        apps.append(app)
        qtbot.addWidget(app.main)
        qtbot.addWidget(app.compact)
        app.start()
        qtbot.waitUntil(lambda: app.model.link is LinkState.ONLINE, timeout=10_000)
        return app

    yield make
    for app in apps:
        app.shutdown()
        assert not app.timers_active()
