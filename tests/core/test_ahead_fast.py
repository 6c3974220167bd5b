"""The counting shortcut for a new ticket's place agrees with the full call order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.core.model import CallPolicy, TicketClass
from queue_server.core.policy import queue_order
from queue_server.core.state import Ticket
from queue_server.core.views import ahead_of_youngest

NOW = 100_000.0
CLASSES = st.sampled_from(list(TicketClass))


def _ticket(n: int, cls: TicketClass, issued_at: float) -> Ticket:
    return Ticket(
        id=f"t{n}",
        number=f"A{n:03d}",
        day="2026-11-22",
        seq=n,
        order=n,
        service="SB",
        ticket_class=cls,
        issued_at=issued_at,
        request_id=f"r{n}",
    )


@settings(max_examples=400, deadline=None)
@given(
    peers=st.lists(st.tuples(CLASSES, st.floats(0, 99_000)), max_size=40),
    cls=CLASSES,
    ratio=st.integers(1, 5),
    max_wait=st.integers(60, 20_000),
)
def test_youngest_ticket_place_matches_queue_order(
    peers: list[tuple[TicketClass, float]], cls: TicketClass, ratio: int, max_wait: int
) -> None:
    policy = CallPolicy(normal_per_priority=ratio, max_wait_s=max_wait)
    tickets = [_ticket(n, c, at) for n, (c, at) in enumerate(sorted(peers, key=lambda p: p[1]))]
    new = _ticket(len(tickets), cls, NOW)
    order = queue_order([*tickets, new], policy, NOW)
    assert ahead_of_youngest(tickets, new, policy, NOW) == order.index(new)


def test_literal_places() -> None:
    policy = CallPolicy(normal_per_priority=2, max_wait_s=3600)
    normal = [_ticket(n, TicketClass.NORMAL, NOW - 10 + n) for n in range(5)]
    one_priority = [_ticket(9, TicketClass.PRIORITY, NOW - 20)]
    # N N P N N N(new): two normals, the priority, three more normals.
    assert (
        ahead_of_youngest(normal + one_priority, _ticket(10, TicketClass.NORMAL, NOW), policy, NOW)
        == 6
    )
    # The second priority follows min(5, 2·2) = 4 normals and the first priority.
    assert (
        ahead_of_youngest(
            normal + one_priority, _ticket(10, TicketClass.PRIORITY, NOW), policy, NOW
        )
        == 5
    )
    assert ahead_of_youngest(normal, _ticket(10, TicketClass.APPOINTMENT, NOW), policy, NOW) == 0
