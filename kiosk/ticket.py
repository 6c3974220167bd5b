"""The server's ticket → what the printer prints. Pure: no Qt, no I/O."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from drivers.printer.ticket import Language, PrintableTicket, TicketClassName

from .texts import text


def public_base_from_server(server_url: str) -> str:
    """ws://host:port/ws → http://host:port (wss → https): where the ticket page is served."""
    parts = urlsplit(server_url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme or "http")
    return urlunsplit((scheme, parts.netloc, "", "", ""))


def ticket_url(public_base: str, ticket_id: str) -> str:
    return f"{public_base.rstrip('/')}/t/{ticket_id}"


def printable_ticket(ticket: dict[str, Any], hall: dict[str, str], language: str,
                     public_base: str, tz: ZoneInfo) -> PrintableTicket:  # fmt: skip
    """Everything the citizen reads on paper, in their language (English tickets keep the
    Chinese service name and place too: the hall's signs are in Chinese)."""
    lang: Language = "en" if language == "en" else "zh"
    location = str(ticket.get("location_zh") or "")
    location_en = str(ticket.get("location_en") or "")
    if lang == "en" and location_en:
        location = f"{location} ({location_en})" if location else location_en
    ticket_class: TicketClassName = ticket.get("class") or "normal"
    if ticket_class not in ("normal", "priority", "appointment"):
        ticket_class = "normal"
    wait = ticket.get("estimated_wait_s")
    return PrintableTicket(
        hall_name=hall.get("name_zh") or hall.get("name_en") or "",
        number=str(ticket["number"]),
        service_name=str(ticket.get("service_name_zh") or ticket.get("service") or ""),
        service_name_en=str(ticket.get("service_name_en") or "") or None,
        ticket_class=ticket_class,
        ahead=max(0, int(ticket.get("ahead") or 0)),
        estimated_wait_s=None if wait is None else max(0, int(wait)),
        location=location,
        issued_at=dt.datetime.fromtimestamp(float(ticket["issued_at"]), tz),
        footer=text("ticket_footer", lang),
        qr_url=ticket_url(public_base, str(ticket["id"])),
        language=lang,
    )
