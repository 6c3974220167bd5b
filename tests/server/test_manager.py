"""The hall manager on a real server: log-in with a PIN and the manager role, actions under
that staff id, alerts raised and acknowledged, and private events kept from other roles."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hallkit import PINS, Running, must, running

from contract.hall import HallModel
from contract.interest import interest_of
from queue_server.client import HallClient, ServerError


def run(coro: Any) -> None:
    asyncio.run(coro)


async def refused(client: HallClient, kind: str, **fields: Any) -> dict[str, Any]:
    with pytest.raises(ServerError) as error:
        await client.request(kind, **fields)
    return error.value.reply


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [str(e["type"]) for e in events]


def test_manager_login_refused_then_accepted(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, pin_delay_s=0.0) as hall:
            manager = await hall.client("manager-1")
            seq = hall.server.service.seq
            assert (await refused(manager, "manager_login", staff="s4", pin="0000"))[
                "code"
            ] == "bad_pin"
            assert (await refused(manager, "manager_login", staff="zz", pin="1234"))[
                "code"
            ] == "bad_pin"
            no_role = await refused(manager, "manager_login", staff="s1", pin=PINS["s1"])
            assert no_role["code"] == "not_manager"
            assert "s1" in no_role["message"] and no_role["message_en"]
            assert hall.logged(seq) == []
            clerk = await hall.client("clerk-1")
            assert (await refused(clerk, "manager_login", staff="s4", pin=PINS["s4"]))[
                "code"
            ] == "forbidden"

            reply = await manager.request("manager_login", staff="s4", pin=PINS["s4"])
            assert (reply["type"], reply["staff"], reply["staff_name"]) == (
                "manager",
                "s4",
                "职员s4",
            )
            (login,) = [e for e in hall.logged(seq) if e["type"] == "manager_logged_in"]
            assert (login["actor"], login["staff"], login["device"]) == ("s4", "s4", "manager-1")
            out = await manager.request("manager_logout")
            assert (out["type"], out["staff"]) == ("manager", None)
            (logout,) = [e for e in hall.logged(seq) if e["type"] == "manager_logged_out"]
            assert logout["actor"] == "s4"
            assert (await refused(manager, "post_notice", text_zh="x"))["code"] == "not_logged_in"

    run(body())


def test_wrong_pins_lock_a_manager_as_they_lock_a_clerk(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, pin_delay_s=0.0) as hall:
            manager = await hall.client("manager-1")
            for _ in range(4):
                await refused(manager, "manager_login", staff="s4", pin="0000")
            locked = await refused(manager, "manager_login", staff="s4", pin="0000")
            assert locked["code"] == "staff_locked" and locked["until"] > time.time()
            again = await refused(manager, "manager_login", staff="s4", pin=PINS["s4"])
            assert again["code"] == "staff_locked"
            assert (await manager.next_event("staff_locked"))["window"] is None
            (lock,) = [e for e in hall.logged() if e["type"] == "staff_locked"]
            assert (lock["staff"], lock["device"], lock["window"]) == ("s4", "manager-1", None)
            snapshot = await manager.request("snapshot")
            assert [x["staff"] for x in snapshot["lockouts"]] == ["s4"]

    run(body())


def test_without_login_a_manager_reads_but_every_action_is_refused(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            await hall.clerk(1, "s1")
            manager = await hall.client("manager-1")
            seq = hall.server.service.seq
            assert (await manager.request("snapshot"))["type"] == "snapshot"
            assert (await manager.request("kpis"))["type"] == "kpis"
            actions: list[tuple[str, dict[str, Any]]] = [
                ("manage_window", {"window": 1, "action": "pause", "reason": "meeting"}),
                ("post_notice", {"text_zh": "通知"}),
                ("ack_alert", {"alert": "wait:SB"}),
                ("followup_assign", {"followup": "f1", "owner": "s1"}),
                ("followup_contact", {"followup": "f1", "note": "已电话联系"}),
                ("followup_resolve", {"followup": "f1", "outcome": "fixed", "note": "已整改"}),
                ("followup_rerate", {"followup": "f1", "score": 5}),
            ]
            for kind, fields in actions:
                assert (await refused(manager, kind, **fields))["code"] == "not_logged_in", kind
            await manager.request("ping")  # answered after everything before it
            assert hall.logged(seq) == []
            # Other roles may not ask at all.
            board = await hall.client("board-1")
            for kind, fields in actions[:3]:
                assert (await refused(board, kind, **fields))["code"] == "forbidden"

    run(body())


def test_manager_actions_are_logged_under_the_staff_id(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            await hall.clerk(1, "s1")
            board = await hall.client("board-1")
            manager = await hall.manager()
            seq = hall.server.service.seq
            paused = await manager.request(
                "manage_window", window=1, action="pause", reason="meeting"
            )
            assert paused["window"]["state"] == "paused"
            assert paused["window"]["pause_reason"] == "meeting"
            resumed = await manager.request("manage_window", window=1, action="resume")
            assert resumed["window"]["state"] == "open"
            closed = await refused(manager, "manage_window", window=2, action="pause")
            assert closed["code"] == "window_closed"
            assert (await refused(manager, "manage_window", window=99, action="resume"))[
                "code"
            ] == "unknown_window"
            notice = await manager.request(
                "post_notice", text_zh="今日下午三点系统升级", text_en="Upgrade at 3 pm"
            )
            assert notice["notice"]["text_zh"] == "今日下午三点系统升级"
            logged = hall.logged(seq)
            assert kinds(logged) == ["window_paused", "window_resumed", "notice_posted"]
            assert {e["actor"] for e in logged} == {"s4"}
            assert logged[0]["staff"] == "s1"  # the clerk on duty; the manager acted
            # The board sees the notice live and in a fresh snapshot, and no staff ids.
            event = await board.next_event("notice_posted")
            assert event["text_zh"] == "今日下午三点系统升级" and "actor" not in event
            snapshot = await board.request("snapshot")
            assert snapshot["notice"]["text_en"] == "Upgrade at 3 pm"
            cleared = await manager.request("post_notice")
            assert cleared["notice"]["text_zh"] is None

    run(body())


def test_hostile_manager_requests_write_nothing(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            manager = await hall.manager()
            seq = hall.server.service.seq
            too_long = "很" * 500  # 1,500 bytes: over a note's 1,200
            cases: list[tuple[str, dict[str, Any], str]] = [
                ("ack_alert", {"alert": "wait:SB"}, "unknown_alert"),
                ("ack_alert", {"alert": "wait:SB", "note": too_long}, "bad_field"),
                ("ack_alert", {}, "missing_field"),
                ("manage_window", {"window": 1, "action": "explode"}, "bad_field"),
                ("manage_window", {"window": 1, "action": "pause", "reason": "nap"}, "bad_field"),
                ("post_notice", {"text_zh": "\x00坏"}, "bad_field"),
                ("post_notice", {"text_zh": 12}, "bad_field"),
                (
                    "followup_contact",
                    {"followup": "2026-01-01-F001", "note": "x"},
                    "unknown_followup",
                ),
                (
                    "followup_resolve",
                    {"followup": "f", "outcome": "lost", "note": "x"},
                    "bad_field",
                ),
                ("followup_rerate", {"followup": "f", "score": 5}, "unknown_followup"),
            ]
            for kind, fields, code in cases:
                reply = await refused(manager, kind, **fields)
                assert reply["code"] == code, (kind, reply)
                assert reply["message"] and reply["message_en"]
            assert hall.logged(seq) == []

    run(body())


def test_alerts_raised_acknowledged_and_raised_again(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            manager = await hall.manager()
            await kiosk.request("device_status", status="printer_paper_out")
            raised = await manager.next_event("alert_raised")
            assert (raised["alert"], raised["level"], raised["alert_kind"]) == (
                "paper:kiosk-1",
                "critical",
                "printer_paper",
            )
            assert raised["text_zh"] == "kiosk-1 打印机缺纸，无法出票"
            snapshot = await manager.request("snapshot")
            assert [a["alert"] for a in snapshot["alerts"]] == ["paper:kiosk-1"]
            ack = await manager.request("ack_alert", alert="paper:kiosk-1", note="已换纸")
            assert ack["alert"]["acknowledged_by"] == "s4"
            event = await manager.next_event("alert_acknowledged")
            assert (event["actor"], event["note"]) == ("s4", "已换纸")
            assert (await manager.request("snapshot"))["alerts"] == []
            again = await refused(manager, "ack_alert", alert="paper:kiosk-1")
            assert again["code"] == "unknown_alert"
            # Still out of paper: not raised again. Fixed, then out again: raised again.
            await kiosk.request("device_status", status="printer_paper_out")
            await kiosk.request("device_status", status="ok")
            assert (await manager.next_event("alert_cleared"))["alert"] == "paper:kiosk-1"
            await kiosk.request("device_status", status="printer_paper_near_end")
            back = await manager.next_event("alert_raised")
            assert (back["alert"], back["level"]) == ("paper:kiosk-1", "warning")
            logged = [e for e in hall.logged() if e["type"].startswith("alert_")]
            assert kinds(logged) == [
                "alert_raised",
                "alert_acknowledged",
                "alert_cleared",
                "alert_raised",
            ]

    run(body())


def test_a_long_wait_is_raised_by_the_timer(tmp_path: Path) -> None:
    now = [time.time()]

    async def body() -> None:
        async with running(tmp_path, clock=lambda: now[0], alert_check_s=0.02) as hall:
            manager = await hall.manager()
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="HJ", request_id="r1")
            now[0] += 31 * 60  # half an hour later, nobody has called it
            raised = await manager.next_event("alert_raised")
            while raised["alert"] != "wait:HJ":  # devices never seen are silent by now too
                raised = await manager.next_event("alert_raised")
            assert raised["text_zh"] == "C 类业务（户籍）已有市民等候超过 30 分钟"
            kpis = (await manager.request("kpis"))["kpis"]
            assert kpis["services"]["HJ"]["waiting"] == 1
            assert kpis["services"]["HJ"]["longest_wait_s"] >= 31 * 60

    run(body())


def test_private_events_reach_managers_only(tmp_path: Path) -> None:
    """Boards, kiosks and bridges never get a private event (nor a stand-in): never its note or
    a staff id, and their live models stay in step with the server (chained by ``prev``)."""

    async def body() -> None:
        async with running(tmp_path) as hall:
            board, kiosk = await hall.client("board-1"), await hall.client("kiosk-1")
            bridge = await hall.client("bridge-1")
            devices = (board, kiosk, bridge)
            models = {c.device: HallModel.from_welcome(must(c.welcome)) for c in devices}
            raw: dict[str, list[dict[str, Any]]] = {c.device: [] for c in devices}
            clerk = await hall.clerk(1, "s1")
            manager = await hall.manager()
            await kiosk.request("take_ticket", service="SB", request_id="r1")
            await clerk.request("call_next", window=1)
            await clerk.request("finish", window=1)
            await bridge.request("rate", window=1, score=1)  # 差评: a work order opens
            followup = (await manager.request("snapshot"))["followups"][0]["followup"]
            await manager.request("followup_contact", followup=followup, note="秘密备注 回访")
            assert "followups" not in (await board.request("snapshot"))
            await kiosk.request("device_status", status="printer_cover_open")
            await manager.next_event("alert_raised")
            await manager.request("ack_alert", alert="paper:kiosk-1", note="秘密备注 s4")
            await manager.request("manager_logout")
            await clerk.request("pause", window=1)  # every device's last event
            for client in devices:
                event: dict[str, Any] = {}
                while event.get("kind") != "window_paused":
                    event = await client.next_event()
                    raw[client.device].append(event)
                    assert models[client.device].apply_event(event), event
                # The counts come a moment later (kiosks and boards).
                shown = interest_of(hall.role(client.device)).shown
                fresh = HallModel()
                fresh.apply_snapshot(await client.request("snapshot"))
                model = models[client.device]
                while shown(model.snapshot()).services != shown(fresh.snapshot()).services:
                    event = await client.next_event()
                    raw[client.device].append(event)
                    assert model.apply_event(event), event
            private = {
                "followup_opened",
                "followup_contacted",
                "alert_raised",
                "alert_acknowledged",
                "manager_logged_in",
                "manager_logged_out",
            }
            logged = {e["seq"]: e for e in hall.logged()}
            assert private <= {e["type"] for e in logged.values()}
            (contacted,) = [e for e in logged.values() if e["type"] == "followup_contacted"]
            assert (contacted["actor"], contacted["note"]) == ("s4", "秘密备注 回访")
            for device, events in raw.items():
                text = json.dumps(events, ensure_ascii=False)
                assert "秘密备注" not in text and '"s4"' not in text
                if device != "bridge-1":  # a bridge sees staff ids
                    assert '"s1"' not in text
                kinds = {e["kind"] for e in events}
                assert not kinds & (private | {"private"}), device
                # Each event names the one sent before it: no gap.
                assert all(b["prev"] == a["seq"] for a, b in itertools.pairwise(events))
                model = models[device]
                assert model.seq == events[-1]["seq"] and not model.needs_resync
                fresh = HallModel()
                fresh.apply_snapshot(await hall_snapshot(hall, device))
                shown = interest_of(hall.role(device)).shown
                now, then = shown(model.snapshot()), shown(fresh.snapshot())
                assert now.windows == then.windows and now.waiting == then.waiting
                assert now.services == then.services

    async def hall_snapshot(hall: Running, device: str) -> dict[str, Any]:
        client = next(c for c in hall.clients if c.device == device)
        return await client.request("snapshot")

    run(body())


def test_a_manager_who_disconnects_is_logged_out(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            watcher = await hall.client("manager-1")
            manager = await hall.manager(device="manager-1")
            await manager.close()
            event = await watcher.next_event("manager_logged_out")
            assert (event["actor"], event["staff"]) == ("s4", "s4")

    run(body())


def test_a_board_replaying_what_it_missed_gets_no_private_events(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            board = await hall.client("board-1")
            model = HallModel.from_welcome(must(board.welcome))
            await board.close()
            kiosk = await hall.client("kiosk-1")
            manager = await hall.manager()
            await kiosk.request("device_status", status="printer_paper_out")
            await manager.next_event("alert_raised")
            await manager.request("ack_alert", alert="paper:kiosk-1", note="备注")
            again = await hall.client("board-1", last_seq=model.seq)
            welcome = must(again.welcome)
            assert welcome["replay"] is True
            last = welcome["seq"]
            replayed: list[dict[str, Any]] = []
            while not replayed or replayed[-1]["seq"] != last:
                replayed.append(await again.next_event())
            for event in replayed:  # as if the board had not been away
                assert model.apply_event(event), event
            assert not {e["kind"] for e in replayed} & {
                "private",
                "alert_raised",
                "manager_logged_in",
            }
            assert "备注" not in json.dumps(replayed, ensure_ascii=False)
            assert model.seq == last and not model.needs_resync

    run(body())


def test_live_kpis_count_today_and_catch_up_after_a_restart(tmp_path: Path) -> None:
    async def day(hall: Running) -> dict[str, Any]:
        manager = await hall.client("manager-1")
        reply = await manager.request("kpis")
        assert reply["type"] == "kpis"
        return dict(reply["kpis"])

    async def body() -> None:
        async with running(tmp_path) as hall:
            kiosk = await hall.client("kiosk-1")
            clerk = await hall.clerk(1, "s1")
            bridge = await hall.client("bridge-1")
            for i in range(3):
                await kiosk.request("take_ticket", service="SB", request_id=f"r{i}")
            await kiosk.request("take_ticket", service="HJ", request_id="h1")
            await clerk.request("call_next", window=1)
            await clerk.request("finish", window=1)
            await bridge.request("rate", window=1, score=5)
            await clerk.request("call_next", window=1)
            await clerk.request("no_show", window=1)
            await clerk.request("call_next", window=1)
            await clerk.request("transfer", window=1, to_service="HJ")
            before = await day(hall)
        assert before["total"]["issued"] == 4
        assert before["total"]["served"] == 1 and before["total"]["no_show"] == 1
        assert before["total"]["transferred"] == 1
        assert before["total"]["satisfaction"] == 1.0
        assert before["services"]["HJ"]["waiting"] == 2  # its own and the transferred one
        assert before["services"]["SB"]["wait_p90_s"] is not None
        assert sum(before["calls_by_hour"]["1"].values()) == 3
        assert before["waiting_series"]["SB"][-1][1] == 0
        async with running(tmp_path) as again:  # the same file: caught up from the store
            after = await day(again)
        for key in ("total", "windows", "calls_by_hour", "waiting_series"):
            strip = ("longest_wait_s",)
            assert _without(after[key], strip) == _without(before[key], strip), key

    run(body())


def _without(value: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    return value


def test_a_refused_log_in_leaves_the_manager_on_duty(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path, pin_delay_s=0.0) as hall:
            manager = await hall.manager()
            seq = hall.server.service.seq
            assert (await refused(manager, "manager_login", staff="s1", pin=PINS["s1"]))[
                "code"
            ] == "not_manager"
            assert (await refused(manager, "manager_login", staff="s4", pin="0000"))[
                "code"
            ] == "bad_pin"
            await manager.request("post_notice", text_zh="仍由值班长操作")
            assert [(e["type"], e["actor"]) for e in hall.logged(seq)] == [("notice_posted", "s4")]

    run(body())
