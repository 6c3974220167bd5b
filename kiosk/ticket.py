"""The server's ticket → what the printer prints and the done screen says. Pure: no Qt, no I/O."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from contract.records import HallInfo
from drivers.printer.ticket import Language, PrintableTicket, TicketClassName, check_qr_url
from queue_server.wording import wait_phrase

from .bundles import step_lines
from .texts import text

log = logging.getLogger(__name__)


def public_base_from_server(server_url: str) -> str:
    """ws://host:port/ws → http://host:port (wss → https): where the ticket page is served."""
    parts = urlsplit(server_url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme or "http")
    return urlunsplit((scheme, parts.netloc, "", "", ""))


def ticket_url(public_base: str, ticket_id: str) -> str:
    """The ticket page of a server too old to give a `status_url`."""
    return f"{public_base.rstrip('/')}/t/{ticket_id}"


def qr_url(ticket: dict[str, Any], public_base: str) -> str | None:
    """The link in the QR code: the server's `status_url` (the hall's public address and an
    unguessable token). Only a server that sends no `status_url` at all gets the old link
    from `public_base`. A link that cannot be printed as a QR code leaves the QR out."""
    if "status_url" in ticket:
        url = ticket["status_url"]
    else:
        url = ticket_url(public_base, str(ticket["id"]))
    if not url:
        return None
    try:
        check_qr_url(str(url))
    except ValueError as exc:
        log.warning("ticket %s printed without its QR code: %s", ticket.get("id"), exc)
        return None
    return str(url)


def _count(value: object) -> int | None:
    """A non-negative whole number from the server, or None when it sent none (or nonsense)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(0, int(value))


def wait_text(ticket: dict[str, Any], language: str) -> str:
    """Where the ticket stands, in the hall's one wording (`queue_server.wording`)."""
    open_windows = _count(ticket.get("open_windows"))
    zh, en = wait_phrase(
        _count(ticket.get("ahead")),
        _count(ticket.get("estimated_wait_s")),
        1 if open_windows is None else open_windows,  # a server too old to say: assume open
    )
    return en if language == "en" else zh


def printable_ticket(
    ticket: dict[str, Any], hall: HallInfo, language: str, public_base: str, tz: ZoneInfo
) -> PrintableTicket:
    """Everything the citizen reads on paper, in their language (English tickets keep the
    Chinese service name and place too: the hall's signs are in Chinese)."""
    lang: Language = "en" if language == "en" else "zh"
    location = str(ticket.get("location_zh") or "")
    location_en = str(ticket.get("location_en") or "")
    if lang == "en" and location_en:
        location = f"{location} ({location_en})" if location else location_en
    bundle_zh = str(ticket.get("bundle_name_zh") or "")
    bundle_en = str(ticket.get("bundle_name_en") or "")
    ticket_class: TicketClassName = ticket.get("class") or "normal"
    if ticket_class not in ("normal", "priority", "appointment"):
        ticket_class = "normal"
    return PrintableTicket(
        hall_name=hall.name_zh or hall.name_en,
        number=str(ticket["number"]),
        service_name=bundle_zh or str(ticket.get("service_name_zh") or ticket.get("service") or ""),
        service_name_en=bundle_en or str(ticket.get("service_name_en") or "") or None,
        ticket_class=ticket_class,
        ahead=_count(ticket.get("ahead")) or 0,
        estimated_wait_s=_count(ticket.get("estimated_wait_s")),
        location=location,
        issued_at=dt.datetime.fromtimestamp(float(ticket["issued_at"]), tz),
        footer=text("ticket_footer", lang),
        qr_url=qr_url(ticket, public_base),
        language=lang,
        wait_text=wait_text(ticket, lang),
        steps=tuple(step_lines(ticket, lang)),
    )
