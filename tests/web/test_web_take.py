"""远程取号 in real Chromium at phone size: take a number, wait, check in at the door, be called.

Screenshots go to ``artifacts/phone/`` (looked at by people; not committed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hallkit import REMOTE_SECRET
from webkit import PHONE_SIZE, HallThread

from queue_server.core.days import business_day
from queue_server.phone import door_code

PHOTOS = Path(__file__).resolve().parents[2] / "artifacts" / "phone"


def photo(page: Any, name: str) -> None:
    PHOTOS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PHOTOS / f"{name}.png"), full_page=True)


def shown(page: Any, selector: str) -> str:
    text: str = page.inner_text(selector)
    return text.strip()


def wait_text(page: Any, selector: str, text: str, timeout: float = 10_000) -> None:
    page.wait_for_function(
        "([selector, text]) => {"
        "  const e = document.querySelector(selector);"
        "  return e !== null && e.innerText.includes(text);"
        "}",
        arg=[selector, text],
        timeout=timeout,
    )


def take_on_the_phone(page: Any, service: str, phone: str) -> None:
    page.click(f".service-card[data-code='{service}']")
    page.fill("#phone-input", phone)
    page.click("#take-button")


def today_door(hall: HallThread) -> str:
    return "/door/" + door_code(REMOTE_SECRET, business_day(time.time(), hall.hall.policy))


def test_take_a_number_wait_check_in_at_the_door_and_be_called(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    for _ in range(4):
        hall.take("SB")  # A001–A004 at the kiosk: four ahead, more than hold_ahead (3)
    page = open_page("/take", **PHONE_SIZE)
    assert shown(page, "h2.title") == "远程取号"
    assert "可取号 · 等候 4 人" in shown(page, ".service-card[data-code='SB']")
    assert "前面还有 3 人时，请在 10 分钟内到达大厅签到" in shown(page, ".rule")
    photo(page, "take-1-services")
    page.click(".service-card[data-code='SB']")
    page.fill("#phone-input", "138 1234 5678")
    page.fill("#id-input", "11010519491231002X")
    photo(page, "take-2-phone")
    page.click("#take-button")
    page.wait_for_url("**/t/*")
    wait_text(page, "#number", "A005")
    wait_text(page, "#status", "实时更新")
    assert shown(page, "#headline") == "等候中 · 待签到"
    assert "前面还有 3 人时，请在 10 分钟内到达大厅签到" in shown(page, "#checkin")
    assert "远程取号签到" in shown(page, "#checkin")
    photo(page, "take-3-ticket-waiting")

    clerk = hall.clerk(1)
    called = hall.request(clerk, "call_next", window=1)
    assert called["ticket"]["number"] == "A001"
    wait_text(page, "#headline", "请尽快到大厅签到")  # three ahead now: held, the clock runs
    assert "前面还有 3 人，请在 10 分钟内到达大厅签到" in shown(page, "#detail")
    photo(page, "take-4-ticket-held")

    door = page.context.new_page()  # the phone's camera opens the door QR's address
    door.set_viewport_size(PHONE_SIZE)
    door.goto(hall.base + today_door(hall))
    wait_text(door, "#results", "A005 签到成功，请留意叫号")
    photo(door, "take-5-door-checked-in")
    door.click("#results a")
    wait_text(door, "#headline", "已签到 · 等候叫号")
    assert door.is_hidden("#checkin")
    wait_text(page, "#headline", "已签到 · 等候叫号")  # the first tab follows live
    photo(page, "take-6-ticket-checked-in")

    for number in ("A002", "A003", "A004", "A005"):
        hall.request(clerk, "finish", window=1)
        assert hall.request(clerk, "call_next", window=1)["ticket"]["number"] == number
    wait_text(page, "#detail", "请到 1 号窗口办理")
    photo(page, "take-7-ticket-called")


def test_a_number_held_at_the_front_is_skipped_until_it_checks_in_at_a_kiosk(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/take", **PHONE_SIZE)
    take_on_the_phone(page, "SB", "13912345678")
    page.wait_for_url("**/t/*")
    wait_text(page, "#number", "A001")
    wait_text(page, "#headline", "请尽快到大厅签到")  # nobody ahead: held at once
    kiosk_ticket = hall.take("SB")
    clerk = hall.clerk(1)
    assert hall.request(clerk, "call_next", window=1)["ticket"]["number"] == kiosk_ticket["number"]
    hall.request(clerk, "finish", window=1)
    kiosk = next(c for c in hall.running.clients if c.device == "kiosk-1")
    checked = hall.request(kiosk, "kiosk_checkin", number="A001", phone_last4="5678")
    assert checked["type"] == "checked_in"
    wait_text(page, "#headline", "已签到 · 等候叫号")
    assert hall.request(clerk, "call_next", window=1)["ticket"]["number"] == "A001"
    wait_text(page, "#detail", "请到 1 号窗口办理")


def test_refusals_are_said_on_the_page_in_both_languages(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page("/take", **PHONE_SIZE)
    take_on_the_phone(page, "YB", "12345")
    wait_text(page, "#error", "请输入11位手机号码")
    photo(page, "take-8-bad-phone")
    page.fill("#phone-input", "13700001111")
    page.click("#take-button")
    page.wait_for_url("**/t/*")
    wait_text(page, "#number", "B001")
    page.goto(hall.base + "/take")
    assert "B001" in shown(page, "#mine")  # the phone remembers its numbers
    take_on_the_phone(page, "YB", "13700001111")
    wait_text(page, "#error", "您已用此手机号取过该事项的号")
    page.click("#toggle-lang")
    wait_text(page, "#error", "This phone number already holds a ticket for this service")
    page.click("#toggle-large")
    photo(page, "take-9-refused-english-large")


def test_the_door_page_without_a_ticket_and_with_a_wrong_code(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    page = open_page(today_door(hall), **PHONE_SIZE)
    wait_text(page, "#results", "本机没有待签到的远程取号")
    photo(page, "take-10-door-no-ticket")
    page.goto(hall.base + "/take")
    take_on_the_phone(page, "SB", "13612345678")
    page.wait_for_url("**/t/*")
    page.goto(hall.base + "/door/" + "0" * 16)  # yesterday's photo, or a guess
    wait_text(page, "#results", "签到码无效，请在大厅门口扫描签到二维码")
    assert page.goto(hall.base + "/door/not-a-code").status == 404


def test_the_web_board_counts_phone_tickets_and_shows_nothing_of_the_phone(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    board = open_page("/board")
    hall.take("SB")
    wait_text(board, "#waiting [data-service=SB] .count", "1 人")
    phone = open_page("/take", **PHONE_SIZE)
    take_on_the_phone(phone, "SB", "13512345678")
    phone.wait_for_url("**/t/*")
    wait_text(board, "#waiting [data-service=SB] .count", "2 人")  # waiting, not yet here
    html = board.content()
    assert "13512345678" not in html
