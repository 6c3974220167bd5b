"""Board test kit: hallkit's real server (`running()`) on its own asyncio thread, boards on
the test's Qt thread, and the hall's clerks and kiosks as other clients.

The Qt test owns the main thread, so the server's loop runs in a background thread. It can be
stopped and started again on the same port with the same SQLite file (offline tests).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hallkit import HallThread as HallThread  # the tests import it from here
from PySide6.QtWidgets import QApplication

from display.app import DisplayApp

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "display"

#: The `make_board` fixture: a started board (`size`, settings overriding the test's).
MakeBoard = Callable[..., DisplayApp]


def shows(board: DisplayApp, *texts: str) -> bool:
    """Whether the board's last paint showed every one of `texts` (as a whole text)."""
    painted = board.screen.painted
    return all(t in painted for t in texts)


def screenshot(widget: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path
