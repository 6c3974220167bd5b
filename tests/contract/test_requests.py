"""Request validation by the contract: literal messages in, a typed request or a stable code out."""

from __future__ import annotations

import json

import pytest

from contract.requests import (
    MAX_MESSAGE_BYTES,
    CallNext,
    ContractError,
    TakeForCitizen,
    TakeTicket,
    decode_request,
    encode_request,
)
from queue_server.core.model import Role
from queue_server.protocol import PERMISSIONS, ProtocolError


def test_valid_take_ticket() -> None:
    msg = decode_request('{"type":"take_ticket","id":7,"service":"SB","request_id":"k1-0001"}')
    assert msg == TakeTicket(id=7, service="SB", request_id="k1-0001")


def test_a_client_builds_what_the_server_reads() -> None:
    request = TakeTicket(id="x", service="SB", request_id="r", ticket_class="priority")
    wire = encode_request(request)
    assert b'"type":"take_ticket"' in wire and b'"class":"priority"' in wire
    assert decode_request(wire) == request
    assert decode_request(encode_request(CallNext(id=1, window=3))) == CallNext(id=1, window=3)


def test_text_is_normalised_and_unknown_fields_dropped() -> None:
    msg = decode_request(
        '{"type":"take_ticket","id":1,"service":"SB","request_id":"e\u0301","extra":[[[1]]]}'
    )
    assert isinstance(msg, TakeTicket) and msg.request_id == "\u00e9"


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
        (
            '{"type": "take_ticket", "id": 3, "service": "SB", "request_id": "r", "class": "vip"}',
            "bad_field",
            3,
        ),
        (
            '{"type": "hello", "id": 4, "role": "admin", "device": "d", "token": "t"}',
            "bad_field",
            4,
        ),
        ('{"type": "transfer", "id": 5, "window": 1}', "missing_field", 5),
        ('{"type": "device_status", "id": 6, "status": "on fire"}', "bad_field", 6),
        ('{"type": "ping", "id": "\\ud800"}', "bad_message", None),
        (
            '{"type": "take_ticket", "id": 8, "service": "SB", "request_id": "\\udfff"}',
            "bad_field",
            8,
        ),
        ('{"type": "call_next", "id": 9, "window": 1e400}', "bad_field", 9),
        (
            '{"type": "rate", "id": 9, "window": 1, "score": 1000000000000000000000000000000}',
            "bad_field",
            9,
        ),
        ("[" * 5000, "bad_json", None),
        ('{"type": "pause", "id": 10, "window": 1, "reason": "nap"}', "bad_field", 10),
        (
            '{"type": "take_for_citizen", "id": 11, "request_id": "p", "citizen_id": "12345"}',
            "bad_citizen_id",
            11,
        ),
    ],
)
def test_bad_requests_get_stable_codes(raw: str, code: str, re: int | None) -> None:
    with pytest.raises(ContractError) as info:
        decode_request(raw)
    assert info.value.code == code
    assert info.value.re == re
    reply = ProtocolError(info.value.code, info.value.detail, info.value.re).to_message()
    assert reply["type"] == "error" and reply["code"] == code and reply["re"] == re
    assert reply["message"] and reply["message_en"]


def test_oversize_is_refused_before_parsing() -> None:
    raw = json.dumps({"type": "snapshot", "id": 1, "pad": "x" * MAX_MESSAGE_BYTES})
    with pytest.raises(ContractError) as info:
        decode_request(raw)
    assert info.value.code == "too_large"


def test_roles_may_send_only_what_they_need() -> None:
    assert "take_ticket" in PERMISSIONS[Role.KIOSK]
    assert "call_next" not in PERMISSIONS[Role.KIOSK]
    assert "rate" not in PERMISSIONS[Role.CLERK]  # the citizen rates, on the evaluator
    assert "rate" in PERMISSIONS[Role.BRIDGE]
    assert PERMISSIONS[Role.DISPLAY] >= {"snapshot", "ping"}
    assert "take_ticket" not in PERMISSIONS[Role.DISPLAY]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("110105 19491231 002x", "11010519491231002X"),
    ],
)
def test_a_citizens_number_is_checked_and_normalised_at_the_edge(typed: str, kept: str) -> None:
    raw = json.dumps({"type": "take_for_citizen", "id": 1, "request_id": "p", "citizen_id": typed})
    request = decode_request(raw)
    assert isinstance(request, TakeForCitizen) and request.citizen_id == kept


@pytest.mark.parametrize(
    "typed", ["23812345678", "1381234567", "110105194912310021", "11010519491231002", "x"]
)
def test_a_bad_citizens_number_is_refused_without_repeating_it(typed: str) -> None:
    raw = json.dumps({"type": "take_for_citizen", "id": 2, "request_id": "p", "citizen_id": typed})
    with pytest.raises(ContractError) as info:
        decode_request(raw)
    assert (info.value.code, info.value.re) == ("bad_citizen_id", 2)
    assert typed not in str(info.value)
