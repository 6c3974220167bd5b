"""Request validation: literal messages in, a request or a stable error code out."""

from __future__ import annotations

import json

import pytest

from queue_server.core.model import Role
from queue_server.protocol import MAX_MESSAGE_BYTES, PERMISSIONS, ProtocolError, parse_request


def test_valid_take_ticket():
    msg = parse_request('{"type":"take_ticket","id":7,"service":"SB","request_id":"k1-0001"}')
    assert msg == {"type": "take_ticket", "id": 7, "service": "SB", "request_id": "k1-0001"}


@pytest.mark.parametrize(
    ("raw", "code", "re"),
    [
        ("not json", "bad_json", None),
        (b"\xff\xfe", "bad_json", None),
        ("[1, 2]", "bad_message", None),
        ('{"type": "snapshot"}', "bad_message", None),
        ('{"type": "snapshot", "id": true}', "bad_message", None),
        ('{"type": 5, "id": 1}', "bad_message", 1),
        ('{"type": "launch_rocket", "id": 1}', "unknown_type", 1),
        ('{"type": "take_ticket", "id": "a", "service": "SB"}', "missing_field", "a"),
        ('{"type": "call_next", "id": 2, "window": "3"}', "bad_field", 2),
        ('{"type": "call_next", "id": 2, "window": true}', "bad_field", 2),
        ('{"type": "take_ticket", "id": 3, "service": "", "request_id": "r"}', "bad_field", 3),
        ('{"type": "take_ticket", "id": 3, "service": "SB", "request_id": "r", "class": "vip"}',
         "bad_field", 3),
        ('{"type": "hello", "id": 4, "role": "admin", "device": "d", "token": "t"}', "bad_field", 4),
        ('{"type": "transfer", "id": 5, "window": 1}', "missing_field", 5),
        ('{"type": "device_status", "id": 6, "status": "on fire"}', "bad_field", 6),
    ],
)  # fmt: skip
def test_bad_requests_get_stable_codes(raw, code, re):
    with pytest.raises(ProtocolError) as info:
        parse_request(raw)
    assert info.value.code == code
    assert info.value.re == re
    reply = info.value.to_message()
    assert reply["type"] == "error" and reply["code"] == code and reply["re"] == re
    assert reply["message"] and reply["message_en"]


def test_oversize_is_refused_before_parsing():
    raw = json.dumps({"type": "snapshot", "id": 1, "pad": "x" * MAX_MESSAGE_BYTES})
    with pytest.raises(ProtocolError) as info:
        parse_request(raw)
    assert info.value.code == "too_large"


def test_roles_may_send_only_what_they_need():
    assert "take_ticket" in PERMISSIONS[Role.KIOSK]
    assert "call_next" not in PERMISSIONS[Role.KIOSK]
    assert "rate" not in PERMISSIONS[Role.CLERK]  # the citizen rates, on the evaluator
    assert "rate" in PERMISSIONS[Role.BRIDGE]
    assert PERMISSIONS[Role.DISPLAY] >= {"snapshot", "ping"}
    assert "take_ticket" not in PERMISSIONS[Role.DISPLAY]
