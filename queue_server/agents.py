"""帮办代办: the agent device's requests, between the socket adapter and the engine.

A 帮办代办员 logs in on a device of role ``agent`` with a staff id and PIN (checked as a
clerk's, with the same lock-out rules; the staff must have the ``agent`` role), then takes
tickets on behalf of citizens (``take_for_citizen``: recorded with the agent and the
citizen's hash) and lists the open tickets they hold (``agent_tickets``). The agent is kept
on the connection, as a manager is on the wall's.

The citizen's mobile number or 身份证号 comes checked by the contract and is hashed here with
the hall's secret, as 预约 hashes it (one citizen, one hash across 预约 and 代办); the number
itself is never stored, logged or sent on.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

from contract import requests as rq
from queue_server import core
from queue_server.bookings import citizen_hash
from queue_server.core import Engine
from queue_server.core.errors import refusal
from queue_server.core.model import StaffRole, TicketClass
from queue_server.core.state import OPEN_STATES
from queue_server.dispatch import ticket_job
from queue_server.protocol import ProtocolError, error_message
from queue_server.service import Job

if TYPE_CHECKING:
    from queue_server.server import HallServer, Session

__all__ = ["AGENT_REQUESTS", "held_tickets", "route"]

log = logging.getLogger(__name__)

AGENT_REQUESTS = (rq.AgentLogin, rq.AgentLogout, rq.TakeForCitizen, rq.AgentTickets)


def route(server: HallServer, session: Session, msg: rq.Request) -> None:
    """Handle one of ``AGENT_REQUESTS`` from an agent device."""
    assert session.device is not None
    re = msg.id
    if isinstance(msg, rq.AgentLogin):
        if session.logging_in:  # one attempt at a time per device: no parallel guessing
            raise ProtocolError("rate_limited", "one login at a time", re)
        session.logging_in = True
        session.pending += 1
        server._background(_login(server, session, msg))
        return
    if isinstance(msg, rq.AgentLogout):
        session.agent = None
        session.pending += 1
        server.service.submit(
            Job(session, re, read=lambda e, now: {"type": "agent", "staff": None})
        )
        return
    agent = session.agent
    if agent is None:
        raise ProtocolError("not_logged_in", session.device.id, re)
    session.pending += 1
    if isinstance(msg, rq.AgentTickets):
        server.service.submit(Job(session, re, read=lambda e, now: held_tickets(e, agent)))
        return
    assert isinstance(msg, rq.TakeForCitizen)
    command = core.TakeForCitizen(
        agent=agent,
        request_id=msg.request_id,
        citizen_hash=citizen_hash(server.citizen_secret, msg.citizen_id),
        service=msg.service,
        bundle=msg.bundle,
        ticket_class=TicketClass(msg.ticket_class or TicketClass.NORMAL),
        token=secrets.token_urlsafe(16),  # the phone page's key: unguessable
    )
    server.service.submit(Job(session, re, command=ticket_job(command, session.device.id)))


async def _login(server: HallServer, session: Session, msg: rq.AgentLogin) -> None:
    assert session.device is not None
    re, staff_id = msg.id, msg.staff
    if not await server._pin_ok(session, staff_id, msg.pin, session.device.id, None, re):
        return
    staff = server.staff.get(staff_id)
    session.settled()
    if staff is None or StaffRole.AGENT not in staff.roles:
        error = refusal("not_agent", staff=staff_id)
        session.send(error_message(re, error.code, error.message_zh, error.message_en))
        return
    session.agent = staff_id
    log.info("agent %s logged in at %s", staff_id, session.device.id)
    session.send({"type": "agent", "re": re, "staff": staff_id, "staff_name": staff.name})


def held_tickets(engine: Engine, agent: str) -> dict[str, Any]:
    """The ``agent_tickets`` reply: the agent's open tickets today, in issue order."""
    state = engine.state
    held = sorted(
        (t for t in state.tickets.values() if t.proxy == agent and t.state in OPEN_STATES),
        key=lambda t: (t.issued_at, t.order),
    )
    return {"type": "agent_tickets", "tickets": [engine.ticket(t.id) for t in held]}
