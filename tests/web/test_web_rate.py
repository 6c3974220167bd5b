"""The hall's rating page (未办先评) in real Chromium at phone size."""

from __future__ import annotations

import dataclasses
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hallkit import make_hall
from webkit import PHONE_SIZE, HallThread, screenshot

from queue_server.core.model import RatingMoment
from queue_server.guard import MAX_PUBLIC_RATINGS


def hall_ratings(hall: HallThread) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(hall.tmp_path / "hall.sqlite")
    try:
        return conn.execute(
            "SELECT ticket, moment, aspect, score, source FROM ratings ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()


def open_followups(hall: HallThread) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(hall.tmp_path / "hall.sqlite")
    try:
        return conn.execute("SELECT ticket, moment, aspect, status FROM followups").fetchall()
    finally:
        conn.close()


def test_a_citizen_rates_the_hall_from_the_entrance_qr_code(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/rate", **PHONE_SIZE)
    page.wait_for_selector("#levels button:not([disabled])")
    assert "请您评价本大厅" in page.inner_text("main")
    screenshot(page, "rate-phone")
    page.click("button[data-aspect=environment]")
    assert page.get_attribute("button[data-aspect=environment]", "aria-pressed") == "true"
    assert page.get_attribute("button[data-aspect=overall]", "aria-pressed") == "false"
    page.click("button[data-score='2']")  # 不满意: a 差评 of the hall
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result").strip() == "感谢您的评价，我们会尽快整改"
    screenshot(page, "rate-phone-thanks")
    page.click("#again")
    page.click("button[data-aspect=volunteers]")
    page.click("button[data-score='5']")
    page.wait_for_function(
        "() => document.querySelector('#result').innerText.includes('感谢您的评价！')"
    )
    assert hall_ratings(hall) == [
        (None, "before", "environment", 2, "phone"),
        (None, "before", "volunteers", 5, "phone"),
    ]
    assert open_followups(hall) == [(None, "before", "environment", "open")]


def test_the_page_says_when_enough_is_enough(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/rate", **PHONE_SIZE)
    for _ in range(MAX_PUBLIC_RATINGS):
        page.wait_for_selector("#levels button:not([disabled])")
        page.click("button[data-score='4']")
        page.wait_for_selector("#again-row:not([hidden])")
        page.click("#again")
    page.click("#toggle-lang")  # in English
    page.wait_for_selector("#levels button:not([disabled])")
    page.click("button[data-score='4']")
    page.wait_for_function(
        "() => document.querySelector('#result').innerText.includes('rated several times')"
    )
    assert len(hall_ratings(hall)) == MAX_PUBLIC_RATINGS


def test_a_hall_without_the_before_moment_has_no_rating_page(tmp_path: Path) -> None:
    config = make_hall()
    ratings = dataclasses.replace(config.ratings, moments=frozenset({RatingMoment.AFTER}))
    hall = HallThread(tmp_path, dataclasses.replace(config, ratings=ratings))
    hall.start()
    try:
        try:
            urllib.request.urlopen(hall.base + "/rate", timeout=10)
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
            assert "本大厅暂未开通此项评价" in exc.read().decode()
        else:
            raise AssertionError("the page should be 404")
    finally:
        hall.close()
