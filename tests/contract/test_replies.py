"""Every reply a real server sends reads as its contract type, in every role's view."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from hallkit import AGENT, AGENT_PIN, PINS, bundle_hall, running
from websockets.asyncio.client import connect

from contract.replies import (
    REPLY_TYPES,
    AlertReply,
    Called,
    Error,
    KpisReply,
    Manager,
    TicketIssued,
    decode_reply,
)
from queue_server.client import HallClient, ServerError


def test_every_reply_decodes_as_its_type(tmp_path: Path) -> None:
    seen: dict[str, list[dict[str, Any]]] = {}

    def keep(reply: dict[str, Any]) -> dict[str, Any]:
        seen.setdefault(str(reply["type"]), []).append(reply)
        return reply

    async def ask(client: HallClient, kind: str, **fields: Any) -> dict[str, Any]:
        try:
            return keep(await client.request(kind, **fields))
        except ServerError as exc:
            return keep(dict(exc.reply))

    async def body() -> None:
        async with running(tmp_path, bundle_hall()) as hall:
            kiosk, clerk = await hall.client("kiosk-1"), await hall.client("clerk-1")
            bridge, manager = await hall.client("bridge-1"), await hall.client("manager-1")
            for client in (kiosk, clerk, bridge, manager):
                assert client.welcome is not None
                keep(dict(client.welcome))
            await ask(kiosk, "ping")
            await ask(manager, "snapshot")
            await ask(kiosk, "snapshot")
            ticket = (await ask(kiosk, "take_ticket", service="SB", request_id="r1"))["ticket"]
            await ask(kiosk, "take_ticket", service="SB", request_id="r9", citizen_hash="h" * 8)
            await ask(kiosk, "take_ticket", service="SB", request_id="r8", citizen_hash="h" * 8)
            await ask(kiosk, "position", ticket=ticket["id"])
            slots = (await ask(clerk, "appointment_slots", service="SB"))["days"]
            day, slot = slots[-1]["day"], slots[-1]["slots"][0]["slot"]
            who = {"citizen_id": "13800138000"}
            booking = await ask(clerk, "book_appointment", service="SB", day=day, slot=slot, **who)
            code = booking["booking"]["code"]
            other = slots[-1]["slots"][1]["slot"]
            await ask(clerk, "rebook_appointment", code=code, day=day, slot=other, **who)
            await ask(clerk, "find_appointment", code=code, **who)
            await ask(clerk, "cancel_appointment", code=code, **who)
            await ask(manager, "appointments")
            await ask(kiosk, "device_status", status="ok")
            part = {"part": "evaluator-3", "kind": "evaluator", "status": "heard", "online": True}
            await ask(bridge, "device_parts", parts=[part])
            await ask(clerk, "login", window=1, staff="s1", pin=PINS["s1"])
            await ask(clerk, "call_next", window=1)
            await ask(clerk, "park", window=1)
            await ask(clerk, "call_parked", window=1, number="A001")
            await ask(clerk, "transfer", window=1, to_window=1)
            await ask(clerk, "call_next", window=1)
            await ask(clerk, "no_show", window=1)
            await ask(clerk, "call_next", window=1)
            await ask(clerk, "finish", window=1)
            await ask(clerk, "invite_rating", window=1)
            await ask(bridge, "rate", window=1, score=2)
            await ask(bridge, "rate", window=1, score=5)  # one rating per ticket: rejected
            await ask(bridge, "rate_hall", score=1, aspect="guidance")  # 未办先评
            await ask(clerk, "pause", window=1, reason="lunch")
            await ask(clerk, "resume", window=1)
            spare = (await ask(kiosk, "take_ticket", service="YB", request_id="r3"))["ticket"]
            await ask(kiosk, "void_ticket", ticket=spare["id"], reason="printer_paper_out")
            await ask(manager, "kpis")
            await ask(kiosk, "take_bundle", bundle="BIRTH", request_id="r4")
            agent = await hall.client("agent-1")
            await ask(agent, "agent_login", staff=AGENT, pin=AGENT_PIN)
            await ask(
                agent, "take_for_citizen", request_id="p1", citizen_id="13800138000", service="HJ"
            )
            await ask(agent, "agent_tickets")
            await ask(agent, "agent_logout")
            await ask(manager, "manager_login", staff="s4", pin=PINS["s4"])
            await ask(manager, "manage_window", window=1, action="pause", reason="meeting")
            await ask(manager, "manage_window", window=1, action="resume")
            await ask(manager, "post_notice", text_zh="今日下午系统升级", text_en="Upgrade today")
            await ask(kiosk, "device_status", status="printer_paper_out")  # an alert
            await ask(manager, "ack_alert", alert="paper:kiosk-1", note="已换纸")
            followup = (await ask(manager, "snapshot"))["followups"][0]["followup"]
            await ask(manager, "followup_assign", followup=followup, owner="s2")
            await ask(manager, "followup_contact", followup=followup, note="已电话回访")
            await ask(
                manager, "followup_resolve", followup=followup, outcome="fixed", note="已整改"
            )
            await ask(manager, "followup_rerate", followup=followup, score=5)
            await ask(manager, "manager_logout")
            await ask(clerk, "logout", window=1)
            await ask(clerk, "call_next", window=1)  # an error
            await ask(kiosk, "door_code")
            async with connect(hall.url) as phone:
                for message in (
                    {"type": "watch", "id": 1},
                    {"type": "ticket_status", "id": 2, "token": ticket["token"]},
                    {"type": "rate_hall", "id": 3, "score": 5},
                    {
                        "type": "take_remote",
                        "id": 4,
                        "service": "HJ",
                        "phone": "13812345678",
                        "request_id": "p1",
                    },
                ):
                    await phone.send(json.dumps(message))
                    while (reply := json.loads(await phone.recv())).get("type") == "event":
                        pass
                    keep(reply)

                token = seen["remote_ticket"][0]["page"].removeprefix("/t/")
                door = (await ask(kiosk, "door_code"))["url"].rsplit("/", 1)[1]
                await phone.send(
                    json.dumps({"type": "door_checkin", "id": 4, "token": token, "door": door})
                )
                while (reply := json.loads(await phone.recv())).get("type") == "event":
                    pass
                keep(reply)
                await phone.send(json.dumps({"type": "ticket_status", "id": 5, "token": token}))
                while (reply := json.loads(await phone.recv())).get("type") == "event":
                    pass
                keep(reply)
            number = seen["remote_ticket"][0]["ticket"]["number"]
            await ask(kiosk, "kiosk_checkin", number=number, phone_last4="5678")

    asyncio.run(body())
    assert set(seen) == set(REPLY_TYPES)
    for kind, replies in seen.items():
        for reply in replies:
            decoded = decode_reply(reply)
            assert type(decoded) is REPLY_TYPES[kind], reply
    issued = decode_reply(seen["ticket"][0])
    assert isinstance(issued, TicketIssued) and issued.ticket.number == "A001"
    assert issued.seq is not None  # a command's reply names the seq its sender's model reaches
    called = decode_reply(seen["called"][0])
    assert isinstance(called, Called) and called.window.number == 1
    error = decode_reply(seen["error"][-1])
    assert isinstance(error, Error) and error.code == "not_logged_in"
    kpis = decode_reply(seen["kpis"][-1])
    assert isinstance(kpis, KpisReply) and kpis.kpis.total.issued == 3
    assert kpis.kpis.windows[1].served == 1
    alert = decode_reply(seen["alert"][-1])
    assert isinstance(alert, AlertReply) and alert.alert.acknowledged_by == "s4"
    manager = decode_reply(seen["manager"][0])
    assert isinstance(manager, Manager) and manager.staff == "s4"
