"""[[bundles]] (一件事一次办) and the agent role in the hall's file, refused with their lines."""

from __future__ import annotations

import pytest

from queue_server.config import ConfigError, parse_hall
from queue_server.core.model import Role, StaffRole
from tests.config.test_config_errors import GOOD

GOOD_LINES = len(GOOD.splitlines())
BUNDLE = """
[[bundles]]
code = "BIRTH"
name_zh = "新生儿出生一件事"
name_en = "Newborn: one visit"
prefix = "X"
services = ["SB", "YB"]
"""  # its `code` is on line GOOD_LINES + 3 (after GOOD's last line and a blank one)


def test_a_bundle_and_an_agent_are_read() -> None:
    agent = '\n[[staff]]\nid = "2001"\nname = "何芳"\npin_hash = "{}"\nroles = ["agent"]\n'
    pin_hash = parse_hall(GOOD).staff[0].pin_hash
    tablet = '\n[[devices]]\nid = "agent-1"\nrole = "agent"\ntoken = "a1-0123456789abcdef"\n'
    hall = parse_hall(GOOD + BUNDLE + agent.format(pin_hash) + tablet)
    [bundle] = hall.bundles
    assert (bundle.code, bundle.prefix, bundle.services) == ("BIRTH", "X", ("SB", "YB"))
    assert hall.staff[-1].roles == {StaffRole.AGENT}
    assert hall.devices[-1].role is Role.AGENT
    no_prefix = parse_hall(GOOD + BUNDLE.replace('prefix = "X"\n', ""))
    assert no_prefix.bundles[0].prefix == "A"  # its first service's


@pytest.mark.parametrize(
    ("change", "offset", "field", "problem"),
    [
        (
            ('services = ["SB", "YB"]', 'services = ["SB", "GJJ"]'),
            7,
            "bundles[0].services[1]",
            'unknown service code "GJJ"',
        ),
        (
            ('services = ["SB", "YB"]', 'services = ["SB"]'),
            7,
            "bundles[0].services",
            "at least two services",
        ),
        (
            ('services = ["SB", "YB"]', 'services = ["SB", "SB"]'),
            7,
            "bundles[0].services[1]",
            "duplicate step",
        ),
        (
            ('code = "BIRTH"', 'code = "YB"'),
            3,
            "bundles[0].code",
            'duplicate service or bundle code "YB"',
        ),
        (('prefix = "X"', 'prefix = "B"'), 6, "bundles[0].prefix", 'duplicate ticket prefix "B"'),
        (('prefix = "X"', 'prefix = "x1"'), 6, "bundles[0].prefix", "uppercase Latin letters"),
    ],
)
def test_a_bad_bundle_is_refused_naming_its_line(
    change: tuple[str, str], offset: int, field: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_hall(GOOD + BUNDLE.replace(*change), "hall.toml")
    error = caught.value
    assert (error.field, error.line) == (field, GOOD_LINES + offset), str(error)
    assert problem in error.problem


def test_an_agent_tablet_belongs_to_no_window() -> None:
    tablet = (
        '\n[[devices]]\nid = "agent-1"\nrole = "agent"\ntoken = "a1-0123456789abcdef"\nwindow = 1\n'
    )
    with pytest.raises(ConfigError) as caught:
        parse_hall(GOOD + tablet, "hall.toml")
    assert caught.value.field == "devices[2].window"
    assert "does not belong to a window" in caught.value.problem
