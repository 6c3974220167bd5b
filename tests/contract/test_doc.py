"""docs/protocol.md and the contract name the same messages and fields, both ways."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from contract.events import EVENT_TYPES
from contract.replies import REPLY_TYPES
from contract.requests import REQUEST_TYPES

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
COMMON_EVENT_FIELDS = {"seq", "at", "day", "actor", "hall", "prev"}


def documented(section: str) -> dict[str, list[str]]:
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"### {section}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    found = {}
    for line in body.splitlines():
        match = re.match(r"- `(\w+)`: (.*)$", line)
        if match:
            found[match.group(1)] = re.findall(r"`([\w?]+)`", match.group(2))
    return found


def fields(cls: type[msgspec.Struct], skip: set[str]) -> list[str]:
    names = cls.__struct_fields__
    optional = set(names[len(names) - len(cls.__struct_defaults__) :])
    return [
        wire + ("?" if name in optional else "")
        for name, wire in zip(names, cls.__struct_encode_fields__, strict=True)
        if name not in skip
    ]


def test_every_request_and_its_fields_are_documented_and_nothing_else() -> None:
    doc = documented("Requests")
    assert set(doc) == set(REQUEST_TYPES)
    for kind, cls in REQUEST_TYPES.items():
        assert doc[kind] == fields(cls, {"id"}), kind


def test_every_event_and_its_fields_are_documented_and_nothing_else() -> None:
    doc = documented("Events")
    assert set(doc) == set(EVENT_TYPES)
    for kind, cls in EVENT_TYPES.items():
        assert doc[kind] == fields(cls, COMMON_EVENT_FIELDS), kind


def test_every_reply_and_its_fields_are_documented_and_nothing_else() -> None:
    doc = documented("Replies")
    assert set(doc) == set(REPLY_TYPES)
    for kind, cls in REPLY_TYPES.items():
        assert doc[kind] == fields(cls, {"re", "seq"}), kind
