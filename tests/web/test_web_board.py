"""The web hall board in real Chromium: fed by the public view, live, zones, nothing to change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hallkit import make_hall
from webkit import BOARD_SIZE, HallThread, screenshot

from queue_server.core.model import OpeningPeriod, Zone


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()


def calls(page: Any) -> list[str]:
    """The call rows as shown: number, window, service (Chinese)."""
    rows: list[str] = page.eval_on_selector_all(
        "#calls .call:not(.head)",
        "rows => rows.map(r => [...r.children].map(c => c.firstChild.textContent).join(' '))",
    )
    return rows


def live(page: Any) -> None:
    page.wait_for_function(
        "() => !document.body.classList.contains('connecting') "
        "&& !document.body.classList.contains('stale')"
    )


def test_the_board_shows_each_call_as_the_clerk_makes_it(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    one, two, four = hall.clerk(1), hall.clerk(2), hall.clerk(4)
    for service in ("SB", "SB", "YB", "SB", "HJ", "YB"):
        hall.take(service)
    hall.request(one, "call_next", window=1)
    hall.request(four, "pause", window=4, reason="lunch")
    page = open_page("/board", **BOARD_SIZE)
    live(page)
    assert calls(page) == ["A001 1号窗口 社保"]  # being called when the board opened
    assert page.inner_text("#waiting [data-service=SB] .count") == "2 人"

    hall.request(two, "call_next", window=2)
    page.wait_for_function(
        "() => document.querySelector('#calls .call.newest .number')"
        ".firstChild.textContent === 'A002'"
    )
    assert calls(page) == ["A002 2号窗口 社保", "A001 1号窗口 社保"]
    assert page.is_visible("#calls .call.newest.fresh")  # the newest blinks
    assert page.inner_text("#waiting [data-service=SB] .count") == "1 人"
    assert "正在办理 A002" in page.inner_text("#windows [data-window='2']")
    assert "暂停服务 · 午休" in page.inner_text("#windows [data-window='4']")
    assert "未开放" in page.inner_text("#windows [data-window='3']")

    hall.request(one, "recall", window=1)  # A001 again: on top, marked 再次呼叫
    page.wait_for_selector("#calls .call.newest .recall")
    assert calls(page)[0] == "A001 1号窗口 社保"
    assert "再次呼叫" in page.inner_text("#calls .call.newest")
    hall.request(one, "pause", window=1, reason="meeting")
    page.wait_for_function(
        "() => document.querySelector('#windows [data-window=\"1\"]').textContent.includes('会议')"
    )
    assert page.inner_text("#clock-time").count(":") == 2
    page.wait_for_function("() => !document.querySelector('.call.fresh')", timeout=15_000)
    screenshot(page, "board-1920x1080")


def test_a_board_opened_after_three_calls_shows_them_and_so_after_a_restart(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    one, two = hall.clerk(1), hall.clerk(2)
    for service in ("SB", "YB", "SB"):
        hall.take(service)
    hall.request(one, "call_next", window=1)  # A001
    hall.request(two, "call_next", window=2)  # B001
    hall.request(one, "finish", window=1)  # no window calls A001 any more: the log knows it
    hall.request(one, "call_next", window=1)  # A002
    shown = ["A002 1号窗口 社保", "B001 2号窗口 医保", "A001 1号窗口 社保"]
    page = open_page("/board", **BOARD_SIZE)
    live(page)
    assert calls(page) == shown
    assert not page.is_visible("#calls .call.fresh")  # nothing blinks for older calls
    page.close()
    hall.stop()
    hall.start()  # the server restarts from its SQLite file
    again = open_page("/board", **BOARD_SIZE)
    live(again)
    assert calls(again) == shown


def test_the_board_page_holds_no_key_and_cannot_change_the_hall(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/board")
    live(page)
    html = page.content()
    assert not any(d.token in html for d in hall.hall.devices)
    # What the page's own connection may do: a clerk's request is refused before hello.
    reply = page.evaluate(
        """() => new Promise(resolve => {
            const ws = new WebSocket(`ws://${location.host}/ws`);
            ws.onopen = () => ws.send(JSON.stringify({type: "call_next", id: 1, window: 1}));
            ws.onmessage = m => { resolve(JSON.parse(m.data)); ws.close(); };
        })"""
    )
    assert reply["code"] == "not_authenticated"
    headers = get(hall.base + "/board")[1]
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and headers["Referrer-Policy"] == "no-referrer"


def test_a_zone_board_shows_only_its_windows(tmp_path: Path, browser: Any) -> None:
    upstairs = Zone("floor2", "二楼", (4,), "2nd floor")
    hall = HallThread(tmp_path, dataclasses.replace(make_hall(), zones=(upstairs,)))
    hall.start()
    try:
        one, four = hall.clerk(1), hall.clerk(4)
        hall.take("SB")
        hall.take("HJ")
        page = browser.new_page()
        page.set_viewport_size(BOARD_SIZE)
        page.goto(hall.base + "/board?zone=floor2")
        live(page)
        assert "二楼" in page.inner_text("header") and "2nd floor" in page.inner_text("header")
        # Only window 4 and the service it serves.
        assert page.eval_on_selector_all("#windows li", "l => l.map(e => e.dataset.window)") == [
            "4"
        ]
        assert page.eval_on_selector_all("#waiting li", "l => l.map(e => e.dataset.service)") == [
            "HJ"
        ]
        hall.request(one, "call_next", window=1)  # another floor: not on this board
        hall.request(four, "call_next", window=4)
        page.wait_for_selector("#calls .call.newest")
        assert calls(page) == ["C001 4号窗口 户籍"]
        assert get(hall.base + "/board?zone=floor1")[0] == 404
    finally:
        hall.close()


def test_static_files_and_unknown_zones(hall: HallThread) -> None:
    status, headers, body = get(hall.base + "/board?zone=nowhere")
    assert status == 404 and "没有这个区域" in body
    status, headers, body = get(hall.base + "/board")
    script = body.split('src="', 2)[1].split('"', 1)[0]
    assert script.startswith("/static/live.js?v=")
    status, headers, body = get(hall.base + script)
    assert status == 200 and headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "immutable" in headers["Cache-Control"] and "HallLive" in body
    status, headers, _ = get(hall.base + "/static/live.js")
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    for wrong in ("/static/../web.py", "/static/nothing.js", "/static/board.html"):
        assert get(hall.base + wrong)[0] == 404
    config = json.loads(
        get(hall.base + "/board?voice=1")[2].split('id="board-config">', 1)[1].split("</", 1)[0]
    )
    assert config["voice"] is True and config["zone"] is None


def test_a_board_with_voice_says_a_tap_turns_it_on(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/board?voice=1")
    live(page)
    assert "点击屏幕开启语音" in page.inner_text("#voice-hint")
    screenshot(page, "board-voice-hint-1920x1080")
    page.click("body")
    assert page.is_hidden("#voice-hint")


def test_the_manager_s_notice_scrolls_along_the_foot(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/board", **BOARD_SIZE)
    live(page)
    assert page.is_hidden("#notice")  # none posted yet
    manager = hall.manager()
    long_zh = "今日 12:00 至 13:30 午休，公积金窗口暂停办理，请到 3 号综合窗口。" * 3
    hall.request(manager, "post_notice", text_zh=long_zh, text_en="Lunch break 12:00-13:30")
    page.wait_for_function("() => !document.getElementById('notice').hidden")
    assert page.inner_text("#notice .zh") == long_zh
    assert page.inner_text("#notice .en") == "Lunch break 12:00-13:30"
    assert "scroll" in (page.get_attribute("#notice p", "class") or "")  # longer than the TV
    screenshot(page, "web-board-notice")
    # A board opened later has it from its snapshot; clearing it hides it on both.
    later = open_page("/board", **BOARD_SIZE)
    live(later)
    assert later.inner_text("#notice .zh") == long_zh
    hall.request(manager, "post_notice")
    for p in (page, later):
        p.wait_for_function("() => document.getElementById('notice').hidden")


def test_the_board_says_when_a_window_serves_bookings_only(tmp_path: Path, browser: Any) -> None:
    """预约延时服务: a window configured to call booked tickets only says so, with the times."""
    base = make_hall()
    lunch = OpeningPeriod(frozenset(range(1, 8)), dt.time(0, 0), dt.time(23, 59))
    windows = tuple(
        dataclasses.replace(w, booked_only=(lunch,)) if w.number == 2 else w for w in base.windows
    )
    hall = HallThread(tmp_path, dataclasses.replace(base, windows=windows))
    hall.start()
    try:
        hall.clerk(2)
        page = browser.new_page()
        page.set_viewport_size(BOARD_SIZE)
        page.goto(hall.base + "/board")
        live(page)
        notes = page.eval_on_selector_all(
            "#windows .booked-only",
            "l => l.map(e => [e.closest('li').dataset.window, e.innerText])",
        )
        assert notes == [["2", "00:00–23:59 仅办理预约业务"]]
        screenshot(page, "board-booked-only")
    finally:
        hall.close()
