"""一件事一次办 on the kiosk: the bundles as tiles of their own 专区, and their steps in words.

A bundle is shown as a service of the category ``BUNDLE_CATEGORY`` (so the home and category
screens show it as any other tile): its name, its steps in place of a location, the waiting
count and open state of its first step. Pure: no Qt, no I/O.
"""

from __future__ import annotations

from typing import Any

from contract.hall import HallModel
from contract.records import Service

from .texts import text

__all__ = ["BUNDLE_CATEGORY", "bundle_services", "step_lines", "steps_summary"]

BUNDLE_CATEGORY = "一件事一次办"


def bundle_services(model: HallModel) -> list[Service]:
    """The hall's bundles as tiles of the 一件事一次办 专区, in their configured order."""
    tiles = []
    for b in model.bundles.values():
        steps = [model.services.get(code) for code in b.services]
        first = steps[0]
        names_zh = [s.name_zh if s else code for s, code in zip(steps, b.services, strict=True)]
        names_en = [s.name_en if s else code for s, code in zip(steps, b.services, strict=True)]
        tiles.append(
            Service(
                code=b.code,
                name_zh=b.name_zh,
                name_en=b.name_en,
                prefix=b.prefix,
                category=BUNDLE_CATEGORY,
                category_en=text("bundle_category", "en"),
                location_zh=" → ".join(names_zh),
                location_en=" → ".join(names_en),
                waiting=first.waiting if first else 0,
                open=b.open and first is not None and first.open,
                closed_reason=first.closed_reason if first else "closed",
                priority=first.priority if first else False,
                appointments=False,
                open_windows=first.open_windows if first else 0,
            )
        )
    return tiles


def step_lines(ticket: dict[str, Any], lang: str) -> list[str]:
    """Each step of a bundle's ticket as a line: its number, service and whether it is done,
    being served now or to come. None for a ticket of one service."""
    lines = []
    for index, step in enumerate(ticket.get("steps") or (), start=1):
        if not isinstance(step, dict):
            continue
        name = step.get("name_en") if lang == "en" else step.get("name_zh")
        state = step.get("state")
        key = f"step_{state}" if state in ("done", "current", "to_come") else "step_to_come"
        lines.append(text(key, lang, n=index, name=name or step.get("service") or ""))
    return lines


def steps_summary(ticket: dict[str, Any], lang: str) -> str:
    """The steps on one line for a screen (the paper prints one line each)."""
    lines = step_lines(ticket, lang)
    return text("steps_intro", lang) + ("  ".join(lines)) if lines else ""
