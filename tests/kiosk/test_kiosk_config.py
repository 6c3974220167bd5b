"""Settings from the command line and the TOML file; the printable ticket. No Qt."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from contract.records import HallInfo
from kiosk.config import ConfigError, load
from kiosk.layout import ScreenFit, fit_screen
from kiosk.ticket import printable_ticket, public_base_from_server, ticket_url
from queue_server.wording import wait_phrase

BASE = [
    "--server",
    "ws://10.0.0.2:8765/ws",
    "--device",
    "kiosk-1",
    "--token",
    "t0k3n",
    "--printer",
    "/dev/ttyUSB0",
]


def test_command_line_defaults_and_the_derived_public_url() -> None:
    config = load(BASE)
    assert (config.baud, config.orientation, config.lang) == (9600, "auto", "zh")
    assert config.public_base == "http://10.0.0.2:8765"
    config = load(
        [
            *BASE,
            "--public-url",
            "https://zwfw.example.gov.cn/q/",
            "--baud",
            "115200",
            "--orientation",
            "landscape",
            "--lang",
            "en",
        ]
    )
    assert config.public_base == "https://zwfw.example.gov.cn/q"
    assert (config.baud, config.orientation, config.lang) == (115200, "landscape", "en")


@pytest.mark.parametrize(
    ("setting", "screen", "fit"),
    [
        ("auto", (1920, 1080), ScreenFit("landscape", 1920, 1080, 1.0)),
        ("auto", (1080, 1920), ScreenFit("portrait", 1080, 1920, 1.0)),
        ("auto", (1366, 768), ScreenFit("landscape", 1366, 768, 0.711)),
        ("auto", (768, 1366), ScreenFit("portrait", 768, 1366, 0.711)),
        ("auto", (3840, 2160), ScreenFit("landscape", 3840, 2160, 2.0)),
        ("portrait", (1920, 1080), ScreenFit("portrait", 1920, 1080, 0.562)),
        ("landscape", (0, 0), ScreenFit("landscape", 1920, 1080, 1.0)),
    ],
)
def test_the_kiosk_fills_its_screen_in_the_screens_orientation_unless_told(
    setting: str, screen: tuple[int, int], fit: ScreenFit
) -> None:
    assert fit_screen(setting, *screen) == fit


def test_the_toml_file_and_the_command_line_over_it(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[kiosk]\nserver = "wss://hall/ws"\ndevice = "kiosk-2"\ntoken = "abc"\n'
        'printer = "fake"\nidle-timeout-s = 45\npaper_mm = 58\n',
        "utf-8",
    )
    config = load(["--config", str(path), "--device", "kiosk-3"])
    assert (config.device, config.idle_timeout_s, config.paper_mm) == ("kiosk-3", 45, 58)
    assert config.public_base == "https://hall"


@pytest.mark.parametrize(
    ("args", "toml", "message"),
    [
        (
            ["--device", "k"],
            "",
            "kiosk settings: server is missing; give --server or set it in the file",
        ),
        (
            [*BASE[:1], "http://x", *BASE[2:]],
            "",
            'kiosk settings: server must be a ws:// or wss:// url, got "http://x"',
        ),
        ([*BASE, "--baud", "0"], "", "kiosk settings: baud must be at least 1, got 0"),
        (BASE, "paper_mm = 57", "{file}:2: paper_mm: must be 58 or 80, got 57"),
        (BASE, "idle_timeout_s = 0", "{file}:2: idle_timeout_s: must be more than 0, got 0"),
        (BASE, "idle-timeout-s = -1", "{file}:2: idle-timeout-s: must be more than 0, got -1"),
        (
            BASE,
            "colour = 'blue'",
            "{file}:2: colour: unknown key (typo?); allowed here: baud, device, done_timeout_s, ",
        ),
        (BASE, "idle_timeout_s = ", "{file}:2: TOML syntax error: "),
        (BASE, 'baud = "9600"', '{file}:2: baud: must be a whole number, got "9600"'),
        (BASE, 'windowed = "yes"', '{file}:2: windowed: must be true or false, got "yes"'),
        (
            BASE,
            'orientation = "sideways"',
            '{file}:2: orientation: must be "auto", "portrait" or "landscape", got "sideways"',
        ),
        (
            BASE,
            'encoding = "utf-8"',
            '{file}:2: encoding: must be "gb18030", "gbk" or "big5", got "utf-8"',
        ),
        (BASE, "device = 7", '{file}:2: device: must be a string, got 7 (quote it: "7")'),
        (BASE, 'timezone = ""', "{file}:2: timezone: must not be empty"),
        (BASE, "[kiosk.extra]", "{file}:2: extra: unknown key (typo?)"),
    ],
)
def test_a_bad_setting_is_named_with_its_line(
    tmp_path: Path, args: list[str], toml: str, message: str
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[kiosk]\n{toml}\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load([*args, "--config", str(path)])
    assert str(caught.value).startswith(message.format(file=path)), str(caught.value)


def test_a_setting_of_the_wrong_type_names_line_and_key_not_a_bare_value_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kiosk.toml"
    lines = ["[kiosk]", 'server = "wss://hall/ws"', 'device = "kiosk-2"', 'token = "abc"']
    lines += ['printer = "fake"', "paper_mm = 58", 'idle_timeout_s = "abc"']
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load(["--config", str(path)])
    assert str(caught.value) == f'{path}:7: idle_timeout_s: must be a number, got "abc"'
    assert (caught.value.line, caught.value.field) == (7, "idle_timeout_s")


def test_settings_made_in_code_are_checked_too() -> None:
    config = dataclasses.replace(load(BASE), idle_timeout_s="abc")  # type: ignore[arg-type]
    with pytest.raises(
        ConfigError, match=r'^kiosk settings: idle_timeout_s must be a number, got "abc"$'
    ):
        config.check()


def test_a_config_file_without_a_kiosk_table_holds_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("paper_mm = 58\nlang = 'en'\n", "utf-8")
    config = load([*BASE, "--config", str(path)])
    assert (config.paper_mm, config.lang) == (58, "en")
    path.write_text("kiosk = 3\n", "utf-8")
    with pytest.raises(ConfigError, match=r"kiosk\.toml:1: kiosk: must be a table, got 3"):
        load([*BASE, "--config", str(path)])


def test_public_base_from_the_server_url() -> None:
    assert public_base_from_server("ws://127.0.0.1:8765/ws") == "http://127.0.0.1:8765"
    assert public_base_from_server("wss://hall.gov.cn/ws") == "https://hall.gov.cn"
    assert ticket_url("http://h/", "2026-11-22-A001") == "http://h/t/2026-11-22-A001"


TICKET = {
    "id": "2026-11-22-A007",
    "number": "A007",
    "service": "SB",
    "service_name_zh": "社保",
    "service_name_en": "Social Insurance",
    "class": "priority",
    "ahead": 3,
    "estimated_wait_s": 610,
    "issued_at": 1795312345.25,
    "location_zh": "一楼 1–4 号窗口",
    "location_en": "Floor 1, windows 1–4",
}
HALL = HallInfo(name_zh="测试县政务服务中心", name_en="Test County Service Center")


def test_the_printed_ticket_in_chinese() -> None:
    t = printable_ticket(TICKET, HALL, "zh", "http://h", ZoneInfo("Asia/Shanghai"))
    assert (t.hall_name, t.number, t.service_name, t.ticket_class) == (
        "测试县政务服务中心",
        "A007",
        "社保",
        "priority",
    )
    assert (t.ahead, t.estimated_wait_s, t.location) == (3, 610, "一楼 1–4 号窗口")
    assert t.issued_at == dt.datetime(
        2026, 11, 22, 9, 52, 25, 250000, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    assert t.qr_url == "http://h/t/2026-11-22-A007"
    assert (t.footer, t.language) == ("过号请重新取号", "zh")


def test_the_printed_ticket_in_english_keeps_the_chinese_too() -> None:
    t = printable_ticket(
        {**TICKET, "class": "weird", "estimated_wait_s": None},
        HALL,
        "en",
        "http://h",
        ZoneInfo("Asia/Shanghai"),
    )
    assert (t.service_name, t.service_name_en, t.language) == ("社保", "Social Insurance", "en")
    assert t.location == "一楼 1–4 号窗口 (Floor 1, windows 1–4)"
    assert t.ticket_class == "normal" and t.estimated_wait_s is None
    assert t.footer.startswith("过号请重新取号 / ")


def test_the_qr_code_is_the_servers_status_url_never_built_from_the_ticket_id() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    url = "https://zwfw.example.gov.cn/t/Zk3qv9XbT0aLr2Yw8sPq1A"
    t = printable_ticket({**TICKET, "status_url": url}, HALL, "zh", "http://h", tz)
    assert t.qr_url == url
    # A ticket without a token has no page: no QR, and no link made up from its id.
    assert (
        printable_ticket({**TICKET, "status_url": None}, HALL, "zh", "http://h", tz).qr_url is None
    )
    # A link no QR code can carry (not ASCII, too long) leaves the QR out, not the ticket.
    for bad in ("https://政务.example.cn/t/abc", "https://h/t/" + "x" * 300):
        assert (
            printable_ticket({**TICKET, "status_url": bad}, HALL, "zh", "http://h", tz).qr_url
            is None
        )
    # Only a server too old to send `status_url` gets the old link.
    assert (
        printable_ticket(TICKET, HALL, "zh", "http://h", tz).qr_url == "http://h/t/2026-11-22-A007"
    )


def test_the_printed_wait_uses_the_halls_one_wording() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    closed = printable_ticket({**TICKET, "open_windows": 0}, HALL, "zh", "http://h", tz)
    assert closed.wait_text == "暂无窗口开放，开放后按顺序叫号"
    open_ = printable_ticket({**TICKET, "open_windows": 2}, HALL, "en", "http://h", tz)
    assert open_.wait_text == wait_phrase(3, 610, 2)[1]
    nonsense = {**TICKET, "ahead": "many", "estimated_wait_s": -5, "open_windows": None}
    assert (
        printable_ticket(nonsense, HALL, "zh", "http://h", tz).wait_text
        == wait_phrase(None, 0, 1)[0]
    )
