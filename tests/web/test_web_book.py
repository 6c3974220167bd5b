"""The booking page (/book, 我要预约) in real Chromium at phone size: book a slot, find the
booking by its code, move it, cancel it; wrong IDs and codes refused in plain words.
Screenshots go to artifacts/phone/ (git-ignored) to be looked at."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from webkit import PHONE_SIZE, HallThread

PHONE_SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "phone"
PHONE = "13812345678"


def shot(page: Any, name: str) -> None:
    PHONE_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PHONE_SHOTS / f"{name}.png"), full_page=True)


def shown(page: Any, selector: str) -> str:
    text: str = page.inner_text(selector)
    return text.strip()


def visible(page: Any, selector: str) -> None:
    page.wait_for_selector(selector, state="visible", timeout=10_000)


def title_is(page: Any, text: str) -> None:
    page.wait_for_function(
        "(text) => document.querySelector('#result-title .zh').textContent === text", arg=text
    )


def book(page: Any, who: str = PHONE) -> str:
    """Choose 社保, the first day and its first slot, give ``who``: the code shown."""
    page.click("#services [data-service=SB]")
    visible(page, "#days .choice")
    page.click("#days .choice >> nth=0")
    visible(page, "#slots .choice")
    page.click("#slots .choice >> nth=0")
    visible(page, "#who")
    page.fill("#who", who)
    page.click("#submit")
    visible(page, "#result")
    return shown(page, "#result-code")


def test_a_citizen_books_a_slot_and_gets_a_code_and_a_time(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/book", **PHONE_SIZE)
    assert shown(page, ".book-title") == "我要预约"
    assert [b.inner_text().strip() for b in page.query_selector_all("#services .choice")] == [
        "社保",
        "户籍",
    ]
    shot(page, "book-1-services")
    page.click("#services [data-service=SB]")
    visible(page, "#days .choice")
    page.click("#days .choice >> nth=0")
    visible(page, "#slots .choice")
    first = page.query_selector("#slots .choice")
    assert first is not None and "余 4" in first.inner_text()
    page.click("#slots .choice >> nth=0")
    visible(page, "#who")
    page.fill("#who", "12345")
    page.click("#submit")
    visible(page, "#book-error")
    assert shown(page, "#book-error") == "请填写 18 位身份证号或 11 位手机号"
    shot(page, "book-2-slot-and-bad-id")
    page.fill("#who", PHONE)
    page.click("#submit")
    visible(page, "#result")
    code = shown(page, "#result-code")
    assert re.fullmatch(r"[1-9]\d{7}", code)
    assert shown(page, "#result-title") == "预约成功"
    assert shown(page, "#result-service") == "社保"
    assert "请于" in shown(page, "#result-check-in") and "到大厅自助取号机签到" in shown(
        page, "#result-check-in"
    )
    shot(page, "book-3-booked")

    [booked] = [e for e in hall.running.logged() if e["type"] == "appointment_booked"]
    assert booked["appointment_code"] == code and booked["channel"] == "phone"
    assert booked["citizen_hash"] != PHONE and len(booked["citizen_hash"]) == 32
    db = sqlite3.connect(hall.running.db)  # the phone number is nowhere in the store
    try:
        for (data,) in db.execute("SELECT data FROM events"):
            assert PHONE not in data
    finally:
        db.close()

    page.click("#again")  # the same citizen, the same service and day: one booking a day
    page.click("#services [data-service=SB]")
    visible(page, "#days .choice")
    page.click("#days .choice >> nth=0")
    visible(page, "#slots .choice")
    page.click("#slots .choice >> nth=1")
    page.fill("#who", PHONE)
    page.click("#submit")
    visible(page, "#book-error")
    assert "您已预约该事项" in shown(page, "#book-error")


def test_a_booking_is_found_by_its_code_moved_and_cancelled(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/book", **PHONE_SIZE)
    code = book(page)
    slot_before = shown(page, "#result-when")
    page.click("#again")
    page.click("#tab-manage")
    visible(page, "#find-code")
    messages = []
    for guess, who in ((code, "13899999999"), ("87654321", PHONE)):
        page.fill("#find-code", guess)
        page.fill("#find-who", who)
        page.click("#find")
        visible(page, "#find-error")
        page.wait_for_function("() => document.querySelector('#find-error .zh').textContent")
        messages.append(shown(page, "#find-error"))
        if guess == code:
            shot(page, "manage-1-unknown")
        page.evaluate("() => { document.getElementById('find-error').hidden = true; }")
    # someone else's code and a code never made read the same
    assert messages == ["预约码或身份信息不正确，请核对后重试"] * 2

    page.fill("#find-code", code)
    page.fill("#find-who", PHONE)
    page.click("#find")
    visible(page, "#result")
    assert shown(page, "#result-code") == code and shown(page, "#result-state") == "已预约"
    page.click("#change")
    visible(page, "#rebook-days .choice")
    page.click("#rebook-days .choice >> nth=1")  # the next day
    visible(page, "#rebook-slots .choice")
    shot(page, "manage-2-change")
    page.click("#rebook-slots .choice >> nth=2")
    title_is(page, "改约成功")
    assert shown(page, "#result-code") == code
    assert shown(page, "#result-when") != slot_before
    shot(page, "manage-3-changed")

    page.click("#cancel")
    visible(page, "#confirm-cancel")
    page.click("#yes-cancel")
    title_is(page, "预约已取消")
    assert shown(page, "#result-state") == "已取消"
    assert page.is_hidden("#result-actions")
    shot(page, "manage-4-cancelled")
    kinds = [e["type"] for e in hall.running.logged() if e["type"].startswith("appointment_")]
    assert kinds == ["appointment_booked", "appointment_rebooked", "appointment_cancelled"]


def test_the_booking_page_in_english_with_large_text(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/book", **PHONE_SIZE)
    page.click("#toggle-lang")
    page.click("#toggle-large")
    assert shown(page, ".book-title") == "Book an appointment"
    book(page, "11010519491231002X")
    assert shown(page, "#result-title") == "Booked"
    assert "Check in at a kiosk between" in shown(page, "#result-check-in")
    shot(page, "book-4-english-large")
