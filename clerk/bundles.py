"""What the clerk reads of a 一件事 or 帮办代办 ticket at the window. No Qt.

A bundle's ticket shows its steps (done, this window's, to come) and what finishing this step
does next: the next step goes on at this window when it serves that service, else the ticket
queues for it keeping its issue time. A ticket an agent took says so, with the agent.
"""

from __future__ import annotations

from contract.records import Ticket

from .texts import Texts

__all__ = ["bundle_lines"]


def bundle_lines(ticket: Ticket, services: tuple[str, ...], t: Texts) -> str:
    """The lines under the current number (empty for a plain ticket)."""
    lines = []
    if ticket.steps:
        names = [t.pick(s.name_zh, s.name_en) or s.service for s in ticket.steps]
        steps = " → ".join(
            t(f"step_{s.state}", name=name) for s, name in zip(ticket.steps, names, strict=True)
        )
        bundle = t.pick(ticket.bundle_name_zh, ticket.bundle_name_en) or ticket.bundle or ""
        lines.append(t("bundle_steps", bundle=bundle, steps=steps))
        following = ticket.step + 1
        if following < len(ticket.steps):
            here = ticket.steps[following].service in services
            where = t("step_here" if here else "step_elsewhere")
            lines.append(t("step_finish_hint", name=names[following], where=where))
    if ticket.proxy:
        lines.append(t("proxy_mark", staff=ticket.proxy))
    return "\n".join(lines)
