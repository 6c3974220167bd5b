"""Printer test kit: a literal ticket and the QR link it carries."""

from __future__ import annotations

import datetime as dt

from drivers.printer.ticket import PrintableTicket

BEIJING = dt.timezone(dt.timedelta(hours=8))
QR_URL = "https://zwfw.example.gov.cn/q?t=A001&d=20240601&h=0123456789abcdef"  # 66 chars

BASE_TICKET = PrintableTicket(
    hall_name="便民服务中心",
    number="A001",
    service_name="社保卡（补办）",
    ticket_class="normal",
    ahead=3,
    estimated_wait_s=300,
    location="二〇一室",
    issued_at=dt.datetime(2024, 6, 1, 9, 30, 0, tzinfo=BEIJING),
    footer="过号请重新取号",
)
