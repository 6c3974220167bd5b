"""``device_parts``: a bounded list of named parts, each checked at the edge."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contract.requests import MAX_PARTS, ContractError, ReportParts, decode_request

GOOD = {"part": "evaluator-3", "kind": "evaluator", "status": "silent", "online": False}


def request(*parts: dict[str, Any]) -> bytes:
    return json.dumps({"type": "device_parts", "id": 7, "parts": list(parts)}).encode()


def test_a_good_report() -> None:
    got = decode_request(request(GOOD, {**GOOD, "part": "keypad-3", "kind": "keypad"}))
    assert isinstance(got, ReportParts)
    assert [p.part for p in got.parts] == ["evaluator-3", "keypad-3"]
    assert got.parts[0].online is False and got.parts[0].window is None


@pytest.mark.parametrize(
    "parts",
    [
        [],  # nothing to say
        [GOOD] * 2,  # named twice
        [{**GOOD, "part": f"board-{n}", "kind": "board"} for n in range(MAX_PARTS + 1)],
        [{**GOOD, "part": "evaluator-3/../kiosk-1"}],
        [{**GOOD, "part": "kiosk-1", "kind": "evaluator"}],
        [{**GOOD, "part": "keypad-3"}],  # a keypad's name for an evaluator
        [{**GOOD, "part": "evaluator-1000"}],  # bus addresses are bytes
        [{**GOOD, "kind": "printer"}],
        [{**GOOD, "status": "fine"}],
        [{**GOOD, "window": 0}],
        [{**GOOD, "quiet_s": -1}],
        [{**GOOD, "detail": "长" * 100}],  # 300 bytes
        [{**GOOD, "detail": "a\x00b"}],
        [{**GOOD, "extra": 1}],
    ],
)
def test_hostile_reports_are_refused(parts: list[dict[str, Any]]) -> None:
    with pytest.raises(ContractError) as refused:
        decode_request(request(*parts))
    assert refused.value.code in {"bad_field", "too_large"}
    assert refused.value.re in (7, None)


def test_a_huge_report_is_refused_before_parsing() -> None:
    with pytest.raises(ContractError) as refused:
        decode_request(request(*[{**GOOD, "detail": "x" * 190}] * 60))
    assert refused.value.code == "too_large"
