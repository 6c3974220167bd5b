"""The bridge's TOML file: the shipped demo file loads, bad files name the line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.bridge.config import (
    BridgeConfigError,
    DisplayType,
    load_bridge_config,
    parse_bridge_config,
)
from drivers.bus.evaluator import FIVE_KEY, FOUR_KEY
from queue_server.config import load_hall

ROOT = Path(__file__).resolve().parents[2]

# Line numbers below are literal: keep this text's lines where they are.
GOOD = """\
[server]
url = "ws://127.0.0.1:8765/ws"
device = "bridge-1"
token = "bridge-token-0001-abcdef"

[bus]
port = "/dev/serial/by-id/usb-bus"
baudrate = 9600
local_echo = true

[evaluator_models.best_first]
keys = { "0" = 5, "1" = 4, "2" = 1 }

[[keypads]]
address = 1
window = 1
transfer_to = 2

[[evaluators]]
address = 0x11
window = 1
model = "best_first"

[[evaluators]]
address = 1
window = 1
model = "four_key"

[[displays]]
address = 0x21
window = 1
type = "bus"

[[displays]]
address = 1
window = 2
type = "onbon"
width = 128
"""


def bad(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def with_staff(table: str) -> str:
    """GOOD with a [keypad_staff] table at line 14 (its first entry on line 15)."""
    return bad("[[keypads]]", f"[keypad_staff]\n{table}\n\n[[keypads]]")


def with_codes(table: str) -> str:
    """GOOD with a [prefix_codes] table at line 14 (its first entry on line 15)."""
    return bad("[[keypads]]", f"[prefix_codes]\n{table}\n\n[[keypads]]")


def test_the_good_file_reads_into_settings() -> None:
    config = parse_bridge_config(GOOD, "bridge.toml")
    assert (config.server.url, config.server.device) == ("ws://127.0.0.1:8765/ws", "bridge-1")
    assert (config.bus.port, config.bus.baudrate, config.bus.local_echo) == (
        "/dev/serial/by-id/usb-bus",
        9600,
        True,
    )
    assert [(k.address, k.window, k.transfer_to) for k in config.keypads] == [(1, 1, 2)]
    (custom, builtin) = config.evaluators
    assert dict(custom.model.keys) == {0: 5, 1: 4, 2: 1} and builtin.model is FOUR_KEY
    assert [(d.address, d.window, d.type, d.width) for d in config.displays] == [
        (0x21, 1, DisplayType.BUS, 64),
        (1, 2, DisplayType.ONBON, 128),
    ]
    assert config.windows == [1, 2]
    codes = config.prefix_codes
    assert (codes["A"], codes["B"], codes["Z"]) == (1, 2, 26)  # the default: alphabet places
    assert [k.digits for k in config.keypads] == [6] and config.displays[0].digits == 6


def test_keypad_staff_maps_numbers_typed_on_a_keypad_to_staff_ids() -> None:
    config = parse_bridge_config(with_staff('"1001" = "S001"\n2002 = "wang.fang"'))
    assert dict(config.keypad_staff) == {"1001": "S001", "2002": "wang.fang"}
    assert parse_bridge_config(GOOD).keypad_staff == {}  # numbers typed are the staff ids


def test_prefix_codes_replace_the_default_and_fit_four_digit_displays() -> None:
    text = with_codes("A = 1\nB = 2\nAB = 9").replace(
        "transfer_to = 2", "transfer_to = 2\ndigits = 4"
    )
    config = parse_bridge_config(text.replace('type = "bus"', 'type = "bus"\ndigits = 4'))
    assert dict(config.prefix_codes) == {"A": 1, "B": 2, "AB": 9}
    assert config.keypads[0].digits == config.displays[0].digits == 4


def test_the_demo_file_matches_the_demo_hall() -> None:
    config = load_bridge_config(ROOT / "config/demo-bridge.toml")
    hall = load_hall(ROOT / "config/demo-hall.toml")
    device = next(d for d in hall.devices if d.id == config.server.device)
    assert (device.role.value, device.token) == ("bridge", config.server.token)
    assert {1, 2, 3, 4} <= set(config.windows) <= {w.number for w in hall.windows}
    assert {k.window for k in config.keypads} >= {1, 2, 3, 4}
    assert any(e.model is FIVE_KEY for e in config.evaluators)
    # Every prefix of the hall has its own digits on the keypads and digit boards.
    shown = [config.prefix_codes.get(s.prefix) for s in hall.services]
    assert None not in shown and len(set(shown)) == len(shown)
    # Every clerk can sign in on a keypad: the id is digits, or [keypad_staff] has a number.
    mapped = set(config.keypad_staff.values())
    assert [s.id for s in hall.staff if not (s.id.isdigit() or s.id in mapped)] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            bad("[server]\n", "[sever]\n"),
            (
                "bridge.toml:1: sever: unknown key (typo?); allowed here: bus, displays, "
                "evaluator_models, evaluators, keypad_staff, keypads, prefix_codes, server"
            ),
        ),
        (
            bad('url = "ws://127.0.0.1:8765/ws"', 'url = "http://127.0.0.1:8765/ws"'),
            'bridge.toml:2: server.url: must be a ws:// or wss:// address, got "http://127.0.0.1:8765/ws"',
        ),
        (
            bad('token = "bridge-token-0001-abcdef"\n', ""),
            "bridge.toml:1: server.token: required field is missing",
        ),
        (
            bad('port = "/dev/serial/by-id/usb-bus"', 'port = ""'),
            "bridge.toml:7: bus.port: must not be empty",
        ),
        (
            bad("baudrate = 9600", 'baudrate = "9600"'),
            'bridge.toml:8: bus.baudrate: must be a whole number between 300 and 921600, got "9600"',
        ),
        (
            bad("local_echo = true", 'local_echo = "yes"'),
            'bridge.toml:9: bus.local_echo: must be true or false, got "yes"',
        ),
        (
            bad('"2" = 1 }', '"2" = 6 }'),
            (
                "bridge.toml:12: evaluator_models.best_first.keys.2: must be a level 1-5 "
                "(5 非常满意 … 1 非常不满意), got 6"
            ),
        ),
        (
            bad('"2" = 1 }', '"x" = 1 }'),
            'bridge.toml:12: evaluator_models.best_first.keys.x: "x" is not a key code 0-255',
        ),
        (
            bad("[evaluator_models.best_first]", "[evaluator_models.four_key]"),
            "bridge.toml:11: evaluator_models.four_key: four_key is a built-in model; choose another name",
        ),
        (
            bad("address = 1\nwindow = 1\ntransfer_to", 'address = 1\nwindow = "1"\ntransfer_to'),
            'bridge.toml:16: keypads[0].window: must be a whole number between 1 and 9999, got "1"',
        ),
        (
            bad("transfer_to = 2", "transfer_to = 1"),
            "bridge.toml:17: keypads[0].transfer_to: must be another window than the keypad's own",
        ),
        (
            bad("transfer_to = 2", "transfer_to = 2\nwindw = 3"),
            (
                "bridge.toml:18: keypads[0].windw: unknown key (typo?); allowed here: address, "
                "digits, transfer_to, window"
            ),
        ),
        (
            bad("address = 0x11", "address = 0xAA"),
            "bridge.toml:20: evaluators[0].address: 0xAA is the bus broadcast address",
        ),
        (
            bad("address = 0x11", "address = 256"),
            "bridge.toml:20: evaluators[0].address: must be between 0 and 255, got 256",
        ),
        (
            bad('model = "best_first"', 'model = "six_key"'),
            (
                'bridge.toml:22: evaluators[0].model: unknown model "six_key"; use one of best_first, '
                "five_key, four_key or define [evaluator_models.six_key]"
            ),
        ),
        (
            bad("address = 1\nwindow = 1\nmodel", "address = 1\nwindow = 2\nmodel"),
            (
                "bridge.toml:25: evaluators[1].address: address 1 (0x01) is already used by keypads[0] "
                "of window 1"
            ),
        ),
        (
            bad('type = "bus"', 'type = "lcd"'),
            'bridge.toml:32: displays[0].type: must be "bus" or "onbon", got "lcd"',
        ),
        (
            bad('type = "bus"', 'typ = "bus"'),
            "bridge.toml:29: displays[0].type: required field is missing",
        ),
        (
            bad('type = "bus"', "type = 3"),
            'bridge.toml:32: displays[0].type: must be "bus" or "onbon", got 3',
        ),
        (
            bad('keys = { "0" = 5, "1" = 4, "2" = 1 }', "keys = {}"),
            (
                "bridge.toml:12: evaluator_models.best_first.keys: must be a table like "
                '{ "0" = 2, "1" = 3 }, got a table'
            ),
        ),
        (
            bad("[[keypads]]", "keypad_staff = 5\n[[keypads]]"),
            (
                "bridge.toml:14: evaluator_models.best_first.keypad_staff: unknown key (typo?); "
                "allowed here: keys"
            ),
        ),
        (
            bad('type = "bus"', 'type = "bus"\nwidth = 64'),
            "bridge.toml:33: displays[0].width: only an onbon board takes this setting",
        ),
        (
            bad("width = 128", 'width = 128\nencoding = "utf-8"'),
            'bridge.toml:39: displays[1].encoding: must be "gb2312", "gbk" or "gb18030", got "utf-8"',
        ),
        (
            bad(
                "width = 128", 'width = 128\n[[displays]]\naddress = 1\nwindow = 3\ntype = "onbon"'
            ),
            "bridge.toml:40: displays[2].address: screen address 1 is already used by displays[1]",
        ),
        (
            '[server]\nurl = "ws://x/ws"\ndevice = "b"\ntoken = "t"\n[bus]\nport = "loop://"\n',
            "bridge.toml: keypads: no [[keypads]], [[evaluators]] or [[displays]]: nothing to bridge",
        ),
        (
            with_codes("A = 1\nB = 1"),
            (
                "bridge.toml:16: prefix_codes.B: code 1 is already the code of A: A001 and B001 "
                "would both show as 1001"
            ),
        ),
        (
            with_codes('A = "1"'),
            'bridge.toml:15: prefix_codes.A: must be a whole number between 1 and 999, got "1"',
        ),
        (with_codes("A = 0"), "bridge.toml:15: prefix_codes.A: must be between 1 and 999, got 0"),
        (
            with_codes("a = 1"),
            'bridge.toml:15: prefix_codes.a: "a" is not a ticket prefix (1–2 uppercase Latin letters)',
        ),
        (
            with_codes(""),
            "bridge.toml:14: prefix_codes: is empty: give each ticket prefix a code, A = 1 …",
        ),
        (
            bad("transfer_to = 2", "transfer_to = 2\ndigits = 4"),
            (
                "bridge.toml:18: keypads[0].digits: 4 digits cannot show J001 as 10001; give every "
                "prefix a code of at most 1 digit(s) in [prefix_codes]"
            ),
        ),
        (
            with_codes("A = 1\nB = 100").replace("transfer_to = 2", "transfer_to = 2\ndigits = 5"),
            (
                "bridge.toml:22: keypads[0].digits: 5 digits cannot show B001 as 100001; give every "
                "prefix a code of at most 2 digit(s) in [prefix_codes]"
            ),
        ),
        (
            with_staff('"1001" = "S001"\n"1002" = "S001"'),
            "bridge.toml:16: keypad_staff.1002: S001 already has the number 1001",
        ),
        (
            with_staff('"10a1" = "S001"'),
            (
                'bridge.toml:15: keypad_staff.10a1: "10a1" is not a number typed on a keypad '
                "(1 to 12 digits)"
            ),
        ),
        (
            with_staff('"1001" = 1001'),
            'bridge.toml:15: keypad_staff.1001: must be a string, got 1001 (quote it: "1001")',
        ),
        (
            with_staff('"1001" = "张三"'),
            (
                "bridge.toml:15: keypad_staff.1001: must be a staff id of the hall (letters, digits, "
                '_ . or -), got "张三"'
            ),
        ),
        (
            bad('type = "bus"', 'type = "bus"\ndigits = 7'),
            "bridge.toml:33: displays[0].digits: must be between 4 and 6, got 7",
        ),
        (
            bad("width = 128", "width = 128\ndigits = 6"),
            "bridge.toml:39: displays[1].digits: only a digit board (bus) takes this setting",
        ),
        (
            bad("[[keypads]]\naddress = 1", "[[keypads]]\naddress = 1\naddress = 2"),
            "bridge.toml:16: TOML syntax error: Cannot overwrite a value",
        ),
    ],
)
def test_a_bad_file_is_refused_with_line_and_field(text: str, message: str) -> None:
    with pytest.raises(BridgeConfigError) as caught:
        parse_bridge_config(text, "bridge.toml")
    assert str(caught.value) == message


def test_an_onbon_encoding_is_read_in_any_case() -> None:
    config = parse_bridge_config(bad("width = 128", 'width = 128\nencoding = "GBK"'))
    assert config.displays[1].encoding == "gbk"


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BridgeConfigError, match=r"missing\.toml: cannot read the file"):
        load_bridge_config(tmp_path / "missing.toml")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(GOOD.encode() + b"# caf\xe9\n")
    with pytest.raises(BridgeConfigError, match=r"latin1\.toml:39: the file is not UTF-8"):
        load_bridge_config(latin1)


def test_evaluators_rate_a_moment_or_the_hall() -> None:
    text = GOOD + (
        '\n[[evaluators]]\naddress = 0x30\nmodel = "five_key"\naspect = "guidance"\n'
        '\n[[evaluators]]\naddress = 0x31\nwindow = 2\nmodel = "five_key"\nmoment = "auto"\n'
    )
    config = parse_bridge_config(text, "bridge.toml")
    by_address = {e.address: e for e in config.evaluators}
    assert (by_address[0x30].window, by_address[0x30].aspect) == (None, "guidance")
    assert (by_address[0x31].window, by_address[0x31].moment) == (2, "auto")
    assert all(e.moment == "after" for e in config.evaluators if e.address < 0x30)


@pytest.mark.parametrize(
    ("extra", "field", "phrase"),
    [
        ('address = 0x30\nmodel = "five_key"\nmoment = "during"', "moment", "rates the hall"),
        ('address = 0x30\nwindow = 1\nmodel = "five_key"\naspect = "overall"', "aspect", "only"),
        ('address = 0x30\nwindow = 1\nmodel = "five_key"\nmoment = "later"', "moment", "auto"),
        ('address = 0x30\nmodel = "five_key"\naspect = "toilets"', "aspect", "guidance"),
    ],
)
def test_a_bad_evaluator_moment_or_aspect_is_refused(extra: str, field: str, phrase: str) -> None:
    text = GOOD + "\n[[evaluators]]\n" + extra + "\n"
    with pytest.raises(BridgeConfigError) as caught:
        parse_bridge_config(text, "bridge.toml")
    error = caught.value
    assert error.field is not None and error.field.endswith(f".{field}"), str(error)
    assert error.line == len(text.splitlines()), str(error)
    assert phrase in error.problem, error.problem


def test_a_hall_evaluator_keeps_its_own_bus_address() -> None:
    text = GOOD + '\n[[evaluators]]\naddress = 1\nmodel = "five_key"\n'
    with pytest.raises(BridgeConfigError) as caught:
        parse_bridge_config(text, "bridge.toml")
    assert "already used by keypads[0] of window 1" in caught.value.problem
