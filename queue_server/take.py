"""远程取号 pages: ``/take`` (choose a service, take a number) and ``/door/<code>`` (签到).

``/take`` lists the services with whether each can be taken now (opening hours, quota) and
how many wait; its script (``static/take.js``) sends ``take_remote`` and then opens the
ticket's own live page, ``/t/<token>``. ``/door/<code>`` is what the hall door's QR opens: its
script (``static/door.js``) checks in the remote tickets this phone holds (their page tokens,
remembered on the phone) with the code. The phone page's words about checking in are made
here too (:func:`checkin_words`), so the page and its live answers say the same.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from queue_server.core import Engine
from queue_server.core.days import is_open, local_time
from queue_server.core.model import Hall, TicketState
from queue_server.core.state import Ticket

if TYPE_CHECKING:
    from websockets.http11 import Response

    from queue_server.web import Query, Web

__all__ = ["TAKE_TEXTS", "checkin_words", "door_page", "take_page"]

DOOR_CODE = re.compile(r"[0-9a-f]{16}")

# Every text of the two pages, Simplified Chinese first (key -> (zh, en)).
TAKE_TEXTS: dict[str, tuple[str, str]] = {
    "take_title": ("远程取号", "Take a number by phone"),
    "take_intro": ("请选择要办理的事项", "Choose the service you need"),
    "open_now": ("可取号 · 等候 {waiting} 人", "Open · {waiting} waiting"),
    "closed_now": ("暂停取号（不在办理时间）", "Not now (outside opening hours)"),
    "quota_full": ("今日号源已取完", "No tickets left today"),
    "phone_label": ("手机号码", "Mobile number"),
    "phone_hint": (
        "用于一人一号和取号机签到，不会明文保存",
        "For one ticket per person and kiosk check-in; never stored in clear",
    ),
    "id_label": ("身份证号（选填）", "ID card number (optional)"),
    "id_hint": (
        "填写后，一人一号按身份证计，换手机也算同一人",
        "If given, the limits count this ID, whichever phone is used",
    ),
    "take_button": ("取号", "Take a number"),
    "back": ("返回", "Back"),
    "taking": ("正在取号…", "Taking a number…"),
    "rule": (
        (
            "远程取号需到大厅签到后才会叫号：前面还有 {hold} 人时，请在 {minutes} 分钟内到达大厅签到，"
            "逾时号码作废。每人每天最多远程取号 {per_day} 次。"
        ),
        (
            "A number taken by phone is called only after you check in at the hall: when {hold} "
            "are ahead of you, check in within {minutes} minutes or the number expires. At most "
            "{per_day} numbers per person a day."
        ),
    ),
    "my_tickets": ("本机已取的号", "Numbers taken on this phone"),
    "offline": ("暂时无法连接大厅，请稍后再试", "Cannot reach the hall now; please retry"),
    "door_title": ("到厅签到", "Check in at the hall"),
    "door_working": ("正在签到…", "Checking in…"),
    "door_done": ("{number} 签到成功，请留意叫号", "{number} checked in: watch for your call"),
    "door_none": (
        "本机没有待签到的远程取号。请在取号机点「远程取号签到」，输入号码和手机号后四位。",
        (
            "No phone ticket on this phone. At a kiosk, tap 远程取号签到 and enter your number "
            "and the last 4 digits of your phone."
        ),
    ),
    "open_ticket": ("查看我的号", "Open my ticket"),
}

# The phone page's words for a remote ticket (headline, detail, and the check-in notes).
CHECKIN_TEXTS: dict[str, tuple[str, str]] = {
    "waiting_unchecked": ("等候中 · 待签到", "Waiting · check in at the hall"),
    "held": ("请尽快到大厅签到", "Please check in at the hall now"),
    "held_detail": (
        "前面还有 {ahead} 人，请在 {minutes} 分钟内到达大厅签到（{time} 前）",
        "{ahead} ahead of you: check in at the hall within {minutes} min (by {time})",
    ),
    "checked_in": ("已签到 · 等候叫号", "Checked in · waiting for your call"),
    "late": (
        "未在规定时间内到大厅签到，本号已作废，请重新取号",
        "Not checked in in time: this number has expired; please take a new one",
    ),
    "rule": (
        "远程取号需签到后才会叫号：前面还有 {hold} 人时，请在 {minutes} 分钟内到达大厅签到",
        "Called only after you check in: when {hold} are ahead, check in within {minutes} min",
    ),
    "how": (
        "到达大厅后：扫描门口的「签到二维码」，或在取号机点「远程取号签到」，输入号码和手机号后四位",
        (
            "At the hall: scan the check-in QR code at the door, or tap 远程取号签到 at a kiosk "
            "and enter your number and the last 4 digits of your phone"
        ),
    ),
}


def _pair(table: dict[str, tuple[str, str]], key: str, **fields: object) -> tuple[str, str]:
    zh, en = table[key]
    return zh.format(**fields), en.format(**fields)


def checkin_words(hall: Hall, t: Ticket, ahead: int | None, now: float) -> dict[str, Any] | None:
    """For a remote ticket: its headline and detail if check-in changes them, and the notes.

    ``None`` for a ticket taken in the hall. ``{"headline"?, "detail"?, "checkin"}`` where
    ``checkin`` is ``{"checked_in", "deadline", "text": [zh, en], "how": [zh, en]}``.
    """
    if not t.remote:
        return None
    policy = hall.remote
    rule = _pair(CHECKIN_TEXTS, "rule", hold=policy.hold_ahead, minutes=policy.checkin_minutes)
    how = CHECKIN_TEXTS["how"]
    words: dict[str, Any] = {}
    checked = t.checked_in_at is not None
    if t.state is TicketState.WAITING and not checked:
        if t.checkin_deadline is None:
            words["headline"] = CHECKIN_TEXTS["waiting_unchecked"]
        else:
            left = max(1, int((t.checkin_deadline - now + 59) // 60))
            clock = local_time(t.checkin_deadline, hall.policy.timezone).strftime("%H:%M")
            words["headline"] = CHECKIN_TEXTS["held"]
            words["detail"] = _pair(
                CHECKIN_TEXTS, "held_detail", ahead=ahead or 0, minutes=left, time=clock
            )
    elif t.state is TicketState.WAITING:
        words["headline"] = CHECKIN_TEXTS["checked_in"]
    elif t.state is TicketState.EXPIRED and t.checkin_deadline is not None and not checked:
        words["detail"] = CHECKIN_TEXTS["late"]
    pending = t.state is TicketState.WAITING and not checked
    words["checkin"] = {  # once held, the detail says the rule with its own numbers
        "checked_in": checked,
        "deadline": t.checkin_deadline,
        "text": list(rule) if pending and t.checkin_deadline is None else ["", ""],
        "how": list(how) if pending else ["", ""],
    }
    return words


def _services(engine: Engine, now: float) -> dict[str, Any]:
    hall, state = engine.hall, engine.state
    rows = []
    for s in hall.services:
        issued = state.issued.get(s.code, 0) if state.day == engine.day_of(now) else 0
        full = s.daily_quota is not None and issued >= s.daily_quota
        open_now = is_open(s, now, hall.policy.timezone)
        waiting = len(state.waiting_in(s.code))
        if full:
            status = TAKE_TEXTS["quota_full"]
        elif open_now:
            status = _pair(TAKE_TEXTS, "open_now", waiting=waiting)
        else:
            status = TAKE_TEXTS["closed_now"]
        rows.append(
            {
                "code": s.code,
                "name_zh": s.name_zh,
                "name_en": s.name_en or s.name_zh,
                "category_zh": s.category,
                "category_en": s.category_en or s.category,
                "can_take": open_now and not full,
                "status": status,
            }
        )
    return {"services": rows}


async def take_page(web: Web, rest: str, query: Query) -> Response:
    """``/take``: the services and whether each can be taken now; the script takes."""
    hall = web.hall
    from queue_server.web import response  # the web module imports this one

    if not hall.remote.enabled or not web.service.writer_alive:
        return web.page(HTTPStatus.NOT_FOUND, "not_found.html")
    try:
        found = await web.read(_services)
    except TimeoutError:
        return response(HTTPStatus.SERVICE_UNAVAILABLE, "请稍后再试 / Retry later\n", "text/plain")
    policy = hall.remote
    rule = _pair(
        TAKE_TEXTS,
        "rule",
        hold=policy.hold_ahead,
        minutes=policy.checkin_minutes,
        per_day=policy.per_citizen_day,
    )
    config = {"texts": TAKE_TEXTS}
    return web.page(
        HTTPStatus.OK,
        "take.html",
        services=found["services"],
        rule=rule,
        texts=TAKE_TEXTS,
        config=config,
    )


async def door_page(web: Web, rest: str, query: Query) -> Response:
    """``/door/<code>``: the door QR's page; its script checks this phone's tickets in."""
    if not web.hall.remote.enabled or not DOOR_CODE.fullmatch(rest):
        return web.page(HTTPStatus.NOT_FOUND, "not_found.html")
    return web.page(HTTPStatus.OK, "door.html", texts=TAKE_TEXTS, config={"texts": TAKE_TEXTS})
