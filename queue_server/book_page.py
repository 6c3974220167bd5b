"""The phone's booking page (``/book``, 我要预约): choose a service, a day and a slot, give an
ID or phone number, get a code and a time; find a booking by code to cancel or move it.

The page is drawn by the server with the bookable services; its script (``static/book.js``)
asks for slots and books over the WebSocket without hello (``appointment_slots``,
``book_appointment``, ``find_appointment``, ``cancel_appointment``, ``rebook_appointment``),
so it holds no key. Errors are shown in the server's words (``contract.texts``).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from websockets.http11 import Response

    from queue_server.web import Web

__all__ = ["BOOK_TEXTS", "book_page"]

# Every text of the booking page, Simplified Chinese first, English second.
BOOK_TEXTS: dict[str, tuple[str, str]] = {
    "title": ("我要预约", "Book an appointment"),
    "tab_book": ("预约办理", "Book"),
    "tab_manage": ("查询 · 取消 · 改约", "Find · cancel · change"),
    "step_service": ("1. 选择办理事项", "1. Choose a service"),
    "step_day": ("2. 选择日期", "2. Choose a day"),
    "step_slot": ("3. 选择时段", "3. Choose a time"),
    "step_who": ("4. 填写身份证号或手机号", "4. Your ID card or mobile number"),
    "who_hint": (
        "仅用于核验本人预约，加密保存，不会显示在大厅",
        "Only to check that the booking is yours; stored encrypted, never shown in the hall",
    ),
    "who_label": ("预约时填写的身份证号或手机号", "The ID or mobile number you booked with"),
    "who_placeholder": ("18 位身份证号或 11 位手机号", "18-digit ID or 11-digit mobile"),
    "who_bad": (
        "请填写 18 位身份证号或 11 位手机号",
        "Please enter an 18-digit ID number or an 11-digit mobile number",
    ),
    "code_placeholder": ("8 位预约码", "8-digit booking code"),
    "code_bad": ("预约码为 8 位数字", "The booking code has 8 digits"),
    "left": ("余 {n}", "{n} left"),
    "full": ("已满", "Full"),
    "no_slots": ("近期没有可预约的时段", "No slots to book in the coming days"),
    "submit": ("提交预约", "Book"),
    "find": ("查询预约", "Find my booking"),
    "booked": ("预约成功", "Booked"),
    "your_code": ("预约码", "Booking code"),
    "keep_code": (
        "请截图或记下预约码，到大厅自助取号机签到时输入",
        "Keep this code: type it at the hall's kiosk to check in",
    ),
    "when": ("预约时间：{day} {slot}", "Time: {slot}, {day}"),
    "check_in": (
        "请于 {start}–{end} 到大厅自助取号机签到，逾时改为普通排队",
        "Check in at a kiosk between {start} and {end}; later, you queue as a walk-in",
    ),
    "where": ("办理地点：{where}", "Where: {where}"),
    "state_booked": ("已预约", "Booked"),
    "state_cancelled": ("已取消", "Cancelled"),
    "state_checked_in": ("已签到", "Checked in"),
    "state_missed": ("已爽约", "Missed"),
    "cancel": ("取消预约", "Cancel booking"),
    "cancel_sure": ("确定取消这个预约吗？", "Cancel this booking?"),
    "yes_cancel": ("确定取消", "Yes, cancel"),
    "keep": ("暂不取消", "Keep it"),
    "change": ("改约", "Change time"),
    "changed": ("改约成功", "Changed"),
    "cancelled": ("预约已取消", "Booking cancelled"),
    "again": ("再约一个", "Book another"),
    "weekday": ("周{d}", "{d}"),
    "offline": ("正在连接服务器…", "Connecting to the server…"),
}

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


async def book_page(web: Web, rest: str, query: dict[str, str]) -> Response:
    """The booking page with the services that take appointments."""
    services = [
        {
            "code": s.code,
            "name_zh": s.name_zh,
            "name_en": s.name_en or s.name_zh,
            "category": s.category,
        }
        for s in web.hall.services
        if s.appointments and s.appointment_slots
    ]
    config: dict[str, Any] = {
        "services": services,
        "texts": BOOK_TEXTS,
        "weekdays": [WEEKDAYS, WEEKDAYS_EN],
    }
    return web.page(HTTPStatus.OK, "book.html", config=config, texts=BOOK_TEXTS)
