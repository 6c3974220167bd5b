"""Screenshots of the wall for people to look at (artifacts/wall/): a busy morning at 1080p, 4K
and 1366×768, in English, with alerts and 差评, and stale after the server went away."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot
from wallkit import (
    BIG_PINS,
    BIG_SERVICES,
    BIG_WINDOWS,
    HallThread,
    MakeWall,
    big_hall,
    inject,
    morning_kpis,
    screenshot,
    shows,
    wall_config,
)

from wall import dialogs
from wall.app import WallApp


def busy_morning(qtbot: QtBot, hall: HallThread, wall: WallApp) -> dict[int, Any]:
    """Windows 1–3 open and serving, window 2 at lunch, 4 closed; people waiting for every
    service; kiosks (one low on paper, one gone), a board and the bus bridge. Today's figures
    are those of a whole morning (`morning_kpis`, as the server's `kpis` reply carries them),
    and the wall looks 42 minutes on, so that the first waiting tickets have waited long."""
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
    wall.controller.stop()  # the server's own figures (of a few seconds) would replace them
    wall.controller.offset += 42 * 60
    wall.controller.kpis_changed.emit()
    wall.refresh()
    return clerks


def alerts_and_bad_ratings(qtbot: QtBot, wall: WallApp) -> None:
    """The server's own alert for kiosk-1's paper; a long wait and a silent kiosk (which take
    minutes to happen) and 差评 work orders injected as the server would send them."""
    qtbot.waitUntil(lambda: "paper:kiosk-1" in wall.model.alerts, timeout=20_000)
    wall.controller.stop()  # nothing more from the server past the injected events
    now = time.time()
    model = wall.model
    inject(
        model,
        "alert_raised",
        alert="wait:SB",
        alert_kind="wait_long",
        subject="SB",
        level="critical",
        text_zh="A 类业务（社保）已有市民等候超过 30 分钟",
        text_en="Social Insurance (A): a citizen has waited over 30 min",
    )
    inject(
        model,
        "alert_raised",
        alert="silent:kiosk-3",
        alert_kind="device_silent",
        subject="kiosk-3",
        level="warning",
        text_zh="kiosk-3 已离线超过 5 分钟",
        text_en="kiosk-3 has been offline for over 5 min",
    )
    waiting = model.waiting("SB")
    for i, (score, contact_in, owner) in enumerate(
        ((1, -600, "s1"), (2, 80 * 60, None), (2, 9 * 3600, "s3"))
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


@pytest.mark.parametrize(
    ("name", "size", "lang"),
    [
        ("wall-alerts-1080p", (1920, 1080), "zh"),
        ("wall-alerts-1366x768", (1366, 768), "zh"),
        ("wall-alerts-1080p-en", (1920, 1080), "en"),
    ],
)
def test_alerts_and_bad_ratings(
    qtbot: QtBot,
    hall: HallThread,
    make_wall: MakeWall,
    name: str,
    size: tuple[int, int],
    lang: str,
) -> None:
    wall = make_wall(size=size, lang=lang)
    busy_morning(qtbot, hall, wall)
    alerts_and_bad_ratings(qtbot, wall)
    wall.refresh()
    if lang == "zh":
        assert shows(wall, "已有市民等候超过 30 分钟", "告警 3 条", "差评整改 3 件")
    else:
        assert shows(wall, "a citizen has waited over 30 min", "Alerts: 3", "follow up: 3")
    check(screenshot(wall.view, name), *size)


def test_stale(qtbot: QtBot, hall: HallThread, make_wall: MakeWall) -> None:
    wall = make_wall()
    busy_morning(qtbot, hall, wall)
    hall.stop()
    qtbot.waitUntil(lambda: wall.view.online is False, timeout=10_000)
    assert shows(wall, "与服务器的连接已断开")
    check(screenshot(wall.view, "wall-stale-1080p"), 1920, 1080)


def test_a_county_centre(qtbot: QtBot, tmp_path: Path) -> None:
    """Twelve services and fifteen windows: the waiting chart draws the six where most wait,
    the calls per window per hour are a heat map, the window list fits."""
    hall = HallThread(tmp_path, big_hall())
    hall.start()
    wall = WallApp(wall_config(hall))
    try:
        qtbot.addWidget(wall.view)
        wall.show((1920, 1080))
        wall.start()
        qtbot.waitUntil(lambda: wall.view.online is True and wall.model.synced, timeout=10_000)
        run = hall.running
        clerks = {}
        for w in range(1, 14):
            client = hall.call(run.client(f"clerk-{w}"))
            hall.request(client, "login", window=w, staff=f"m{w}", pin=BIG_PINS[f"m{w}"])
            clerks[w] = client
        for n in range(70):
            code = BIG_SERVICES[(n * 7) % len(BIG_SERVICES) if n % 3 else n % 4][0]
            hall.take(code, kiosk=f"kiosk-{1 + n % 4}")
        for w in range(1, 12):
            hall.request(clerks[w], "call_next", window=w)
        hall.request(clerks[12], "pause", window=12, reason="lunch")
        hall.request(clerks[13], "pause", window=13, reason="meeting")
        qtbot.waitUntil(lambda: wall.model.windows[13].pause_reason == "meeting")
        codes = {code: 2 + (i * 5) % 11 for i, (code, _, _) in enumerate(BIG_SERVICES)}
        wall.controller.kpis = morning_kpis(
            codes, tuple(range(1, BIG_WINDOWS + 1)), wall.model.hall.timezone
        )
        wall.controller.stop()
        wall.controller.kpis_changed.emit()
        wall.refresh()
        assert wall.view.calls_heatmap.isVisibleTo(wall.view)
        assert len(wall.view.waiting_chart.chart().series()) == 6
        check(screenshot(wall.view, "wall-county-centre-1080p"), 1920, 1080)
    finally:
        wall.stop()
        hall.close()


def test_log_in_refused_and_a_dialog(qtbot: QtBot, hall: HallThread, make_wall: MakeWall) -> None:
    wall = make_wall()
    wall.view.login_button.click()
    wall.view.login.staff_edit.setText("s4")
    wall.view.login.pin_edit.setText("0000")
    wall.view.login.sign_in.click()
    qtbot.waitUntil(lambda: wall.view.login.error.text() == "工号或密码错误")
    check(screenshot(wall.view, "wall-login-refused"), 1920, 1080)
    shots: list[Path] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        dialog.findChildren(QPlainTextEdit)[0].setPlainText(
            "群众反映等候时间过长，已致歉并说明原因"
        )
        shots.append(screenshot(dialog, "wall-dialog-contact"))
        dialog.close()

    QTimer.singleShot(0, look)
    assert dialogs.ask_contact(wall.view, wall.texts, "A004") is None
    assert shots
