"""The one wording of a wait that the kiosk, the ticket and the phone page share."""

from __future__ import annotations

from queue_server.wording import wait_phrase


def test_no_open_window_is_said_plainly() -> None:
    zh, en = wait_phrase(4, 1200, 0)
    assert zh == "暂无窗口开放，开放后按顺序叫号"
    assert "No window is open" in en


def test_nobody_ahead() -> None:
    assert wait_phrase(0, 0, 2)[0] == "前面没有人，请留意叫号"


def test_people_ahead_and_minutes() -> None:
    assert wait_phrase(3, 290, 1) == (
        "前面还有 3 人，预计等候约 5 分钟",
        "3 ahead of you, about 5 min",
    )
    assert wait_phrase(1, 10, 1)[0] == "前面还有 1 人，预计等候约 1 分钟"
