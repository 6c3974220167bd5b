"""Screenshots of the wall for people to look at (artifacts/wall/): a busy morning at 1080p, 4K
and 1366×768, in English, with alerts and 差评, and stale after the server went away."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from wallkit import HallThread, MakeWall, inject, morning_kpis, screenshot, shows

from wall.app import WallApp


def busy_morning(qtbot: QtBot, hall: HallThread, wall: WallApp) -> dict[int, Any]:
    """Windows 1–3 open and serving, window 2 at lunch, 4 closed; people waiting for every
    service; kiosks (one low on paper, one gone), a board and the bus bridge."""
    clerks = {w: hall.clerk(w) for w in (1, 2, 3)}
    for n in range(23):
        hall.take(("SB", "SB", "YB", "HJ")[n % 4], kiosk=f"kiosk-{1 + n % 2}")
    for w in (1, 2, 3):
        hall.request(clerks[w], "call_next", window=w)
    hall.request(clerks[1], "finish", window=1)
    hall.request(clerks[1], "call_next", window=1)
    hall.request(clerks[2], "finish", window=2)
    hall.request(clerks[2], "pause", window=2, reason="lunch")
    run = hall.running
    kiosk = next(c for c in run.clients if c.device == "kiosk-1")
    hall.request(kiosk, "device_status", status="printer_paper_near_end", detail="纸卷将尽")
    for device in ("board-1", "bridge-1", "kiosk-3"):
        hall.call(run.client(device))
    gone = next(c for c in run.clients if c.device == "kiosk-3")
    hall.call(gone.close())
    qtbot.waitUntil(
        lambda: (
            wall.model.devices.get("kiosk-3") is not None
            and wall.model.devices["kiosk-3"].online is False
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: wall.model.windows[2].pause_reason == "lunch")
    wall.controller.kpis = morning_kpis(
        {"SB": 11, "YB": 6, "HJ": 5}, (1, 2, 3, 4), wall.model.hall.timezone
    )
    wall.controller.kpis_changed.emit()
    wall.refresh()
    return clerks


def alerts_and_bad_ratings(wall: WallApp) -> None:
    """What the server's alerts and 差评 work orders would send (injected into the model)."""
    now = time.time()
    model = wall.model
    inject(
        model,
        "alert_raised",
        alert="paper:kiosk-1",
        alert_kind="printer_paper",
        subject="kiosk-1",
        level="warning",
        text_zh="1号取号机打印纸将尽，请及时更换",
        text_en="Kiosk 1 is low on paper",
    )
    inject(
        model,
        "alert_raised",
        alert="wait:SB",
        alert_kind="wait_long",
        subject="SB",
        level="critical",
        text_zh="社保等候已超过 30 分钟（最长 42 分钟）",
        text_en="Social Insurance: waits over 30 min (longest 42 min)",
    )
    inject(
        model,
        "alert_raised",
        alert="silent:kiosk-3",
        alert_kind="device_silent",
        subject="kiosk-3",
        level="warning",
        text_zh="3号取号机已离线 12 分钟",
        text_en="Kiosk 3 offline for 12 min",
    )
    waiting = model.waiting("SB")
    for i, (score, contact_in, owner) in enumerate(
        ((1, -600, "s1"), (2, 1800, None), (2, 9 * 3600, "s3"))
    ):
        t = waiting[i] if i < len(waiting) else waiting[0]
        inject(
            model,
            "followup_opened",
            followup=f"f{i + 1}",
            ticket=t.id,
            number=t.number,
            service="SB",
            window=1 + i,
            score=score,
            deadline="2026-12-16",
            staff=owner,
            owner=owner,
            contact_due=now + contact_in,
            feedback_due=now + contact_in + 86400,
            resolve_due=now + 10 * 86400,
        )
    inject(model, "followup_contacted", followup="f3", channel="phone", note="已电话致歉")


def check(path: Path, width: int, height: int) -> None:
    image = QImage(str(path))
    assert (image.width(), image.height()) == (width, height)


@pytest.mark.parametrize(
    ("name", "size", "lang"),
    [
        ("wall-busy-1080p", (1920, 1080), "zh"),
        ("wall-busy-4k", (3840, 2160), "zh"),
        ("wall-busy-1366x768", (1366, 768), "zh"),
        ("wall-busy-1080p-en", (1920, 1080), "en"),
    ],
)
def test_busy_morning(
    qtbot: QtBot, hall: HallThread, make_wall: MakeWall, name: str, size: tuple[int, int], lang: str
) -> None:
    wall = make_wall(size=size, lang=lang)
    busy_morning(qtbot, hall, wall)
    pause = "暂停 · 午休" if lang == "zh" else "Paused · Lunch break"
    assert shows(wall, pause, "A003", "kiosk-3")
    check(screenshot(wall.view, name), *size)


def test_alerts_and_bad_ratings(qtbot: QtBot, hall: HallThread, make_wall: MakeWall) -> None:
    wall = make_wall()
    busy_morning(qtbot, hall, wall)
    alerts_and_bad_ratings(wall)
    wall.refresh()
    assert shows(wall, "社保等候已超过 30 分钟", "告警 3 条", "差评整改 3 件")
    check(screenshot(wall.view, "wall-alerts-1080p"), 1920, 1080)


def test_stale(qtbot: QtBot, hall: HallThread, make_wall: MakeWall) -> None:
    wall = make_wall()
    busy_morning(qtbot, hall, wall)
    hall.stop()
    qtbot.waitUntil(lambda: wall.view.online is False, timeout=10_000)
    assert shows(wall, "与服务器的连接已断开")
    check(screenshot(wall.view, "wall-stale-1080p"), 1920, 1080)
