"""The ticket's phone page in real Chromium at phone size: live, bilingual, large text."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from webkit import PHONE_SIZE, HallThread, screenshot

# Records navigator.vibrate calls (a headless browser has no motor to feel).
VIBRATE_SPY = """
window.__vibrations = [];
navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
"""


def shown(page: Any, selector: str) -> str:
    """The visible text of an element (the language shown, not the hidden one)."""
    text: str = page.inner_text(selector)
    return text.strip()


def wait_text(page: Any, selector: str, text: str, timeout: float = 10_000) -> None:
    page.wait_for_function(
        "([selector, text]) => document.querySelector(selector).innerText.includes(text)",
        arg=[selector, text],
        timeout=timeout,
    )


def phone_path(ticket: dict[str, Any]) -> str:
    return "/t/" + str(ticket["token"])


def test_the_phone_page_follows_its_ticket_until_it_is_called(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    ticket = hall.take("SB")
    assert ticket["number"] == "A001"
    page = open_page(phone_path(ticket), **PHONE_SIZE)
    page.add_init_script(VIBRATE_SPY)
    asked: list[str] = []  # the page's ticket_status requests
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framesent",
            lambda payload: asked.append(str(payload)) if "ticket_status" in str(payload) else None,
        ),
    )
    page.reload()
    # No window open yet: the page says so rather than promising minutes (the shared wording).
    assert shown(page, "#number") == "A001"
    assert shown(page, "#detail") == "暂无窗口开放，开放后按顺序叫号"
    assert "一楼 1–4 号窗口" in shown(page, "#where")
    wait_text(page, "#status", "实时更新")
    page.click("#number")  # the citizen touches the page: from then on it may vibrate

    hall.take("SB")  # a second citizen, behind: nothing about them reaches this page
    three = hall.clerk(3)
    wait_text(page, "#detail", "前面没有人，请留意叫号")
    # Another service's tickets and a window that does not serve SB: the page does not ask.
    before = len(asked)
    four = hall.clerk(4)
    for _ in range(3):
        hall.take("HJ")
    hall.request(four, "call_next", window=4)
    other = hall.take("YB")
    hall.request(three, "call_next", window=3)  # A001 (SB weight equal: first issued)
    wait_text(page, "#headline", "请到窗口办理")
    assert before >= 1 and len(asked) == before + 1  # for the call alone
    assert shown(page, "#detail") == "请到 3 号窗口办理"
    assert page.is_hidden("#where")
    assert page.evaluate("() => window.__vibrations.length") == 1
    html = page.content()
    assert "A002" not in html and other["number"] not in html
    assert page.title().startswith("请到 3 号窗口办理")

    hall.request(three, "recall", window=3)  # called again: the phone buzzes again
    page.wait_for_function("() => window.__vibrations.length === 2")
    hall.request(three, "finish", window=3)
    wait_text(page, "#headline", "已办结")
    wait_text(page, "#status", "本号已结束")


def test_the_phone_page_in_english_and_large_text_remembered(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    first = hall.take("SB")
    ticket = hall.take("SB")
    one = hall.clerk(1)
    page = open_page(phone_path(ticket), **PHONE_SIZE)
    wait_text(page, "#status", "实时更新")
    assert shown(page, "#detail").startswith("前面还有 1 人，预计等候约")
    assert first["number"] not in page.content()
    screenshot(page, "phone-waiting-zh")

    page.click("#toggle-lang")
    assert shown(page, "#headline") == "Waiting"
    assert shown(page, "#detail").startswith("1 ahead of you, about")
    assert shown(page, "#toggle-lang") == "中文"
    assert page.evaluate("() => document.documentElement.lang") == "en"
    screenshot(page, "phone-waiting-en")

    hall.request(one, "call_next", window=1)
    wait_text(page, "#detail", "You are next")
    hall.request(one, "finish", window=1)
    hall.request(one, "call_next", window=1)
    wait_text(page, "#detail", "Please go to window 1")
    assert shown(page, "#headline") == "Your number is called"
    screenshot(page, "phone-called-en")

    page.click("#toggle-lang")
    wait_text(page, "#detail", "请到 1 号窗口办理")
    screenshot(page, "phone-called-zh")

    size = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.click("#toggle-large")
    larger = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger > size * 1.2
    page.reload()  # remembered on this phone
    wait_text(page, "#status", "实时更新")
    assert page.evaluate("() => document.documentElement.classList.contains('large')")
    assert page.get_attribute("#toggle-large", "aria-pressed") == "true"
    assert no_overflow(page)
    screenshot(page, "phone-called-zh-large")

    waiting = hall.take("YB")
    other = open_page(phone_path(waiting), **PHONE_SIZE)
    wait_text(other, "#status", "实时更新")
    assert other.evaluate("() => document.documentElement.classList.contains('large')")
    assert no_overflow(other)
    screenshot(other, "phone-waiting-zh-large")


def no_overflow(page: Any) -> bool:
    """Nothing sticks out sideways (no text clipped at the phone's edge)."""
    result: bool = page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    return result


def test_a_wrong_or_old_token_gets_the_plain_not_found_page(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    ticket = hall.take("SB")
    page = open_page("/t/" + "A" * 22, **PHONE_SIZE)
    assert "没有找到这个号" in page.inner_text("body")
    assert "Ticket not found" in page.content()
    screenshot(page, "phone-not-found")

    def get(path: str) -> tuple[int, str, dict[str, str]]:
        try:
            with urllib.request.urlopen(hall.base + path, timeout=5) as resp:
                return resp.status, resp.read().decode(), dict(resp.headers)
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(), dict(err.headers)

    wrong = get("/t/" + "B" * 22)
    by_id = get("/t/" + str(ticket["id"]))
    near = get(phone_path(ticket)[:-3] + "zzz")
    assert wrong[0] == by_id[0] == near[0] == 404
    assert wrong[1] == by_id[1] == near[1]  # the same page, whatever the reason
    status, body, headers = get(phone_path(ticket))
    assert status == 200 and "A001" in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    # Live over the WebSocket: a timed reload is left only for a browser without scripts.
    assert body.count('http-equiv="refresh"') == body.count('<noscript><meta http-equiv="refresh"')


def test_the_phone_page_follows_a_transfer_and_a_parked_ticket(
    hall: HallThread, open_page: Callable[..., Any]
) -> None:
    ticket = hall.take("SB")
    three = hall.clerk(3)
    hall.request(three, "call_next", window=3)
    page = open_page(phone_path(ticket), **PHONE_SIZE)
    wait_text(page, "#detail", "请到 3 号窗口办理")
    hall.request(three, "park", window=3)  # 挂起: set aside at the window
    wait_text(page, "#headline", "已挂起")
    assert shown(page, "#detail") == "请留意叫号"
    hall.request(three, "call_parked", window=3, number=ticket["number"])
    wait_text(page, "#detail", "请到 3 号窗口办理")
    hall.request(three, "transfer", window=3, to_service="HJ")  # 转办: waits for 户籍 now
    wait_text(page, "#service", "户籍")
    assert shown(page, "#headline") == "等候中"
    assert shown(page, "#where") == "办理地点：二楼 5 号窗口"
