"""Reports count a 一件事 bundle once and each of its steps; 帮办代办 tickets are counted."""

from __future__ import annotations

from core_hall import BUNDLE_HALL, Clerk, at

from queue_server.core import (
    CallNext,
    Engine,
    Finish,
    NoShow,
    OpenWindow,
    StartDay,
    TakeBundle,
    TakeForCitizen,
    TakeTicket,
)
from queue_server.reports.figures import BundleFigures, Tally


def bundle_morning() -> Clerk:
    """N001 (birth: tax, social, licence) is served in full: tax and social at window 1 (s1),
    licence at window 2 (s2). N002 is a no-show at its first step; N003, taken by the agent
    a1, and B002 (move: social, tax) are left waiting and expire the next day."""
    run = Clerk(Engine(BUNDLE_HALL), now=at(23, 9, 0))
    run(OpenWindow(1, "s1"))
    run(OpenWindow(2, "s2"))
    run(TakeBundle("birth", "r1"), actor="kiosk-1")  # N001
    run(TakeBundle("birth", "r2"), actor="kiosk-1")  # N002
    run(CallNext(1), after=60)  # N001 at tax, 09:01
    run(Finish(1), after=300)  # tax done: social at the same window
    run(Finish(1), after=200)  # social done: waits for licence
    run(CallNext(2), after=10)
    run(Finish(2), after=100)  # licence done: the bundle is complete
    run(CallNext(1), after=5)  # N002 at tax
    run(NoShow(1), after=30)
    run(TakeForCitizen("a1", "p1", "citizen-1", bundle="birth"), actor="agent-1")  # N003
    run(TakeTicket("social", "r3"), actor="kiosk-1")  # B001
    run(TakeBundle("move", "r4"), actor="kiosk-1")  # B002
    run(StartDay(), after=86400)  # the next day: N003 and B002 expire
    return run


def test_a_bundle_is_counted_once_and_each_step_by_its_service() -> None:
    b = Tally("Asia/Shanghai").add_all(bundle_morning().events).figures()
    assert b.bundles == {
        "birth": BundleFigures(
            issued=3,
            completed=1,
            no_show=1,
            expired=1,
            steps={"licence": 1, "social": 1, "tax": 1},
        ),
        "move": BundleFigures(issued=1, expired=1),
    }
    assert b.bundles["birth"].steps_done == 3
    # The ticket once in the total; each step served by its service, window and clerk.
    assert (b.total.issued, b.total.served, b.total.no_show) == (5, 1, 1)
    assert {code: f.served for code, f in b.services.items()} == {
        "licence": 1,
        "social": 1,
        "tax": 1,
    }
    assert (b.windows[1].served, b.windows[2].served) == (2, 1)
    assert (b.staff["s1"].served, b.staff["s2"].served) == (2, 1)
    assert b.services["tax"].service_avg_s == 300
    assert b.services["social"].service_avg_s == 200
    assert b.services["licence"].service_avg_s == 100
    assert b.total.service_avg_s == 100  # the last step's own time
    assert b.total.wait_avg_s == (60 + 675) / 2  # one wait per ticket: issue → its first call


def test_agents_tickets_are_counted_by_agent() -> None:
    b = Tally("Asia/Shanghai").add_all(bundle_morning().events).figures()
    assert (b.proxy, b.proxy_by_agent) == (1, {"a1": 1})


def test_the_waiting_curve_follows_a_bundle_to_its_next_step() -> None:
    run = bundle_morning()
    tally = Tally("Asia/Shanghai")
    upto = next(
        i for i, e in enumerate(run.events) if e["type"] == "ticket_step_done" and not e["stay"]
    )
    tally.add_all(run.events[: upto + 1])
    assert tally.waiting("licence") == 1  # N001 waits for its licence step
    assert tally.waiting("tax") == 1  # N002
