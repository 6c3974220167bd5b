"""End to end: a real server with a real SQLite file, the kiosk offscreen, a fake printer on a pty.

One citizen's ticket from the tap to the paper, the printer running out of paper, the server
going away and coming back; then the real `python -m kiosk` process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from kioskkit import HallThread, KioskRig
from pytestqt.qtbot import QtBot

from drivers.printer.stream import Kind, parse, to_text
from kiosk.flow import Stage

ROOT = Path(__file__).resolve().parents[2]


def test_a_tap_prints_the_ticket_paper_out_voids_and_the_server_can_come_and_go(
    kiosk: KioskRig, qtbot: QtBot
) -> None:
    window, server, printer = kiosk.window, kiosk.server, kiosk.printer

    # A tap issues a ticket, and what the server issued is what comes out of the printer.
    window.home.category_buttons["公安服务"].click()
    window.category.service_buttons["HJ"].click()
    qtbot.waitUntil(lambda: kiosk.flow.stage is Stage.DONE, timeout=5000)
    [ticket] = server.tickets()
    assert (ticket["number"], ticket["state"], ticket["service"]) == ("C001", "waiting", "HJ")
    assert printer.wait_for_cut(1, 2)
    [job] = printer.tickets()
    events = parse(job)
    [qr] = [e.qr_data.decode() for e in events if e.kind is Kind.QR and e.qr_function == 80]
    # The hall's public address and the ticket's unguessable token, as the server gave them;
    # not the kiosk's --server or --public-url, and never the ticket's id.
    assert kiosk.flow.ticket is not None
    assert qr == kiosk.flow.ticket["status_url"] == f"{server.hall.public_url}/t/{ticket['token']}"
    assert ticket["id"] not in qr and ticket["number"] not in qr and len(ticket["token"]) >= 16
    text = to_text(job)
    issued = dt.datetime.fromtimestamp(ticket["issued_at"], ZoneInfo("Asia/Shanghai"))
    for line in (
        "测试县政务服务中心",
        "C001",
        "户籍",
        "暂无窗口开放，开放后按顺序叫号",
        "请到：二楼 5 号窗口",
        f"取号时间：{issued:%Y-%m-%d %H:%M:%S}",
        "过号请重新取号",
    ):
        assert line in text, (line, text)
    assert "户籍".encode("gb18030") in job and b"\x1c&" in job  # FS &: Chinese mode, GB18030
    assert window.done.number.text() == "C001"

    # Paper runs out: the next ticket is voided on the server, the kiosk is out of service.
    printer.mode = "paper_out"
    window.done.done_button.click()
    window.home.category_buttons["公安服务"].click()
    window.category.service_buttons["HJ"].click()
    qtbot.waitUntil(lambda: kiosk.flow.stage is Stage.OUT_OF_SERVICE, timeout=5000)
    assert window.screen_now is window.out_of_service
    qtbot.waitUntil(
        lambda: server.ticket(ticket["id"].replace("C001", "C002"))["state"] == "voided",
        timeout=3000,
    )
    [voided] = server.events("ticket_voided")
    assert (voided["number"], voided["reason"]) == ("C002", "printer_paper_out")
    qtbot.waitUntil(
        lambda: (
            [e["status"] for e in server.events("device_status")] == ["ok", "printer_paper_out"]
        ),
        timeout=3000,
    )
    assert server.events("device_status")[-1]["device"] == "kiosk-1"
    assert len(printer.tickets()) == 1  # nothing more came out
    printer.mode = "ok"
    qtbot.waitUntil(lambda: kiosk.flow.stage is Stage.IDLE, timeout=5000)

    # The server dies: the banner says so and no ticket can be taken; it comes back by itself.
    server.stop()
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    assert window.banner.text() == "网络连接中断，暂停取号 / Offline"
    assert not window.home.category_buttons["公安服务"].isEnabled()
    kiosk.controller.tap_category("公安服务")
    kiosk.controller.tap_service("HJ")
    assert kiosk.flow.stage is Stage.OFFLINE
    server.start()  # the same port and the same SQLite file
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=15000)
    window.home.category_buttons["公安服务"].click()
    window.category.service_buttons["HJ"].click()
    qtbot.waitUntil(lambda: kiosk.flow.stage is Stage.DONE, timeout=5000)
    assert window.done.number.text() == "C003"
    assert [t["state"] for t in server.tickets()] == ["waiting", "voided", "waiting"]
    assert printer.wait_for_cut(2, 2)


def test_python_m_kiosk_runs_with_a_fake_printer_and_quits_on_sigterm(
    hall_server: HallThread, tmp_path: Path, qtbot: QtBot
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\ntoken = "{hall_server.token("kiosk-3")}"\nidle_timeout_s = 45\n',
        encoding="utf-8",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--server",
            hall_server.url,
            "--device",
            "kiosk-3",
            "--config",
            str(config),
            "--printer",
            "fake",
            "--orientation",
            "landscape",
            "--windowed",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # It connected, read its (fake) printer and told the server all is well.
        qtbot.waitUntil(
            lambda: any(e["device"] == "kiosk-3" for e in hall_server.events("device_status")),
            timeout=15000,
        )
        assert hall_server.events("device_status")[-1]["status"] == "ok"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0, output
    assert "fake printer (ok) on /dev/pts/" in output


def test_python_m_kiosk_fills_a_landscape_screen_in_landscape(
    hall_server: HallThread, tmp_path: Path, qtbot: QtBot
) -> None:
    """No --orientation: on a 1920×1080 screen the kiosk is a landscape 1920×1080 window."""
    screens = tmp_path / "screens.json"
    screens.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "kiosk",
                        "x": 0,
                        "y": 0,
                        "width": 1920,
                        "height": 1080,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )  # the offscreen platform's screen, as a real one would report it
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screens}",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--server",
            hall_server.url,
            "--device",
            "kiosk-4",
            "--token",
            hall_server.token("kiosk-4"),
            "--printer",
            "fake",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        qtbot.waitUntil(
            lambda: any(e["device"] == "kiosk-4" for e in hall_server.events("device_status")),
            timeout=15000,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0, output
    assert "screen 1920×1080: landscape layout at scale 1.00" in output


def test_python_m_kiosk_refuses_a_bad_setting() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--server",
            "http://nope",
            "--device",
            "k",
            "--token",
            "t",
            "--printer",
            "fake",
        ],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "server must be a ws:// or wss:// url" in result.stderr


def test_58_mm_paper_is_honoured(make_kiosk: Callable[..., KioskRig], qtbot: QtBot) -> None:
    rig = make_kiosk(paper_mm=58)
    rig.wait_ready()
    rig.window.home.category_buttons["社会保障"].click()
    rig.window.category.service_buttons["SB"].click()
    qtbot.waitUntil(lambda: rig.flow.stage is Stage.DONE, timeout=5000)
    assert rig.printer.wait_for_cut(1, 2)
    [size] = [
        e.raw[-1]
        for e in parse(rig.printer.tickets()[0])
        if e.kind is Kind.QR and e.qr_function == 67
    ]
    assert size == 6  # QR module dots for 58 mm paper (8 on 80 mm)
