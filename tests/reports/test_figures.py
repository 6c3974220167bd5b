"""The fold of the event log into figures, on a literal morning driven through the engine."""

from __future__ import annotations

from core_hall import HALL, Clerk, at

from contract.records import Figures
from queue_server.core import (
    CallNext,
    Engine,
    Finish,
    NoShow,
    OpenWindow,
    Rate,
    Recall,
    TakeTicket,
    Transfer,
    VoidTicket,
)
from queue_server.reports.figures import Tally, median, percentile


def morning() -> Clerk:
    """A001 waits 60 s and takes 300 s at window 1 (s1), rated 5; A002 is a no-show there; B001
    is transferred from social to tax at window 2 (s2), then served at window 3 (s3) and rated
    2; A003 is voided; A004 is left waiting."""
    run = Clerk(Engine(HALL), now=at(23, 9, 0))
    run(OpenWindow(1, "s1"))
    run(OpenWindow(2, "s2"))
    run(OpenWindow(3, "s3"))
    run(TakeTicket("tax", "r1"), actor="kiosk-1")  # 09:00:00
    run(TakeTicket("tax", "r2"), actor="kiosk-1")
    run(TakeTicket("social", "r3"), actor="kiosk-1")
    run(CallNext(1), after=60)  # A001 at 09:01
    run(CallNext(2))  # B001 at 09:01
    run(Recall(1), after=10)
    run(Transfer(2, to_service="tax"), after=50)  # B001 → tax, 09:02
    run(Finish(1), after=240)  # A001 done 09:06, 300 s after its call
    run(Rate(1, 5), after=5)
    run(CallNext(1))  # A002 (issued before B001's transfer keeps B001's original time)
    run(NoShow(1), after=30)
    run(CallNext(3))  # B001 again, at window 3
    run(Finish(3), after=120)
    run(Rate(3, 2), after=5)
    issued = run(TakeTicket("tax", "r4"), actor="kiosk-1", after=3600)  # 10:xx
    run(VoidTicket(issued.reply["ticket"]["id"], "paper out"), actor="kiosk-1")
    run(TakeTicket("tax", "r5"), actor="kiosk-1")
    return run


def test_counts_by_service_window_clerk_and_hour() -> None:
    run = morning()
    tally = Tally("Asia/Shanghai").add_all(run.events)
    b = tally.figures()
    assert b.days == ("2026-11-23",)
    total = b.total
    assert (total.issued, total.served, total.no_show, total.transferred, total.voided) == (
        5,
        2,
        1,
        1,
        1,
    )
    assert b.services["tax"].issued == 4 and b.services["social"].issued == 1
    assert b.services["social"].transferred == 1 and b.services["tax"].served == 2
    assert b.windows[1].served == 1 and b.windows[1].no_show == 1
    assert b.windows[2].transferred == 1 and b.windows[3].served == 1
    assert b.staff["s3"].served == 1 and b.staff["s2"].transferred == 1
    assert b.calls == {"windows": {"1": 2, "2": 1, "3": 1}, "staff": {"s1": 2, "s2": 1, "s3": 1}}
    assert b.hours[9].issued == 3 and b.hours[10].issued == 2
    assert sum(b.calls_by_hour[1].values()) == 3  # two calls and a recall


def test_waits_service_times_and_ratings() -> None:
    b = Tally().add_all(morning().events).figures()
    # Waits: A001 60 s, B001 60 s (first call only), A002 60 + 10 + 50 + 240 + 5 = 365 s.
    assert b.total.wait_median_s == 60.0
    assert b.total.wait_p90_s == 365.0
    assert b.services["social"].wait_median_s == 60.0  # B001 waited as social
    # Service: A001 300 s; B001 at window 3, 120 s.
    assert b.total.service_median_s == 210.0
    assert b.staff["s3"].service_median_s == 120.0
    assert b.total.rated == 2
    assert b.total.by_level == {5: 1, 4: 0, 3: 0, 2: 1, 1: 0}
    assert b.total.satisfaction == 0.5
    assert b.windows[3].satisfied == 0 and b.windows[3].satisfaction == 0.0
    assert b.moments["after"].rated == 2


def test_kpis_show_who_waits_now() -> None:
    run = morning()
    tally = Tally(rolling=True).add_all(run.events)
    kpis = tally.kpis(run.now + 100)
    assert kpis.day == "2026-11-23"
    assert kpis.total.waiting == 1 and kpis.services["tax"].waiting == 1
    assert kpis.services["tax"].longest_wait_s == 100.0
    assert kpis.services["social"].waiting == 0
    series = kpis.waiting_series["tax"]
    assert series[0][1] == 1 and series[-1][1] == 1
    assert [n for _, n in series] == [1, 2, 1, 2, 1, 0, 1, 0, 1]  # B001 comes back at 09:02


def test_a_new_day_starts_afresh_when_rolling() -> None:
    run = morning()
    run(TakeTicket("tax", "r9"), actor="kiosk-1", after=86400)
    rolling = Tally(rolling=True).add_all(run.events)
    assert rolling.kpis(run.now).day == "2026-11-24"
    assert rolling.kpis(run.now).total.issued == 1
    assert rolling.unmatched == 1  # yesterday's A005 expired: not today's
    everything = Tally().add_all(run.events).figures()
    assert everything.by_day["2026-11-23"].expired == 1
    assert everything.total.issued == 6


def test_a_range_counts_only_its_tickets() -> None:
    run = morning()
    run(TakeTicket("tax", "r9"), actor="kiosk-1", after=86400)
    first = Tally(first_day="2026-11-23", last_day="2026-11-23").add_all(run.events).figures()
    assert first.total.issued == 5 and first.total.expired == 1
    second = Tally(first_day="2026-11-24").add_all(run.events).figures()
    assert second.total == Figures(issued=1, by_level={5: 0, 4: 0, 3: 0, 2: 0, 1: 0})


def test_hall_ratings_are_apart() -> None:
    tally = Tally()
    base = {"at": at(23, 9), "actor": "evaluator-hall", "day": "2026-11-23"}
    tally.add(
        {
            **base,
            "type": "hall_rated",
            "score": 5,
            "level": "VERY_SATISFIED",
            "bad": False,
            "aspect": "environment",
            "source": "evaluator",
        }
    )
    tally.add(
        {
            **base,
            "type": "hall_rated",
            "score": 1,
            "level": "VERY_DISSATISFIED",
            "bad": True,
            "aspect": "guidance",
            "source": "phone",
        }
    )
    b = tally.figures()
    assert b.total.rated == 0
    assert b.hall_ratings.rated == 2 and b.hall_ratings.satisfaction == 0.5
    assert b.hall_aspects["guidance"].by_level[1] == 1


def test_median_and_nearest_rank_percentile() -> None:
    assert median([]) is None and percentile([], 90) is None
    assert median([3.0, 1.0, 2.0, 10.0]) == 2.5
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 90) == 9.0
    assert percentile([*values, 11.0], 90) == 10.0
    assert percentile([7.0], 90) == 7.0


def test_the_waiting_profile_samples_each_half_hour_of_the_open_day() -> None:
    b = Tally().add_all(morning().events).figures()
    # 09:00 two tax tickets and B001 wait; by 09:30 all are called; A005 comes at 10:08.
    assert b.waiting_profile == {
        "social": ((540, 1.0), (570, 0.0), (600, 0.0), (630, 0.0)),
        "tax": ((540, 2.0), (570, 0.0), (600, 0.0), (630, 1.0)),
    }


def test_the_waiting_profile_averages_the_days() -> None:
    run = morning()
    run(TakeTicket("tax", "r9"), actor="kiosk-1", after=86400 - 3600 * 2)  # next day ~08:08
    b = Tally().add_all(run.events).figures()
    assert len(b.days) == 2
    assert dict(b.waiting_profile["tax"])[540] == 1.0  # (2 + 0) / 2 days


def test_a_hall_rating_alone_makes_a_day() -> None:
    tally = Tally(rolling=True)
    tally.add(
        {
            "type": "hall_rated",
            "at": at(24, 8, 30),
            "actor": "phone",
            "day": "2026-11-24",
            "score": 4,
            "level": "SATISFIED",
            "bad": False,
            "aspect": "environment",
            "source": "phone",
        }
    )
    kpis = tally.kpis(at(24, 8, 31))
    assert kpis.day == "2026-11-24" and kpis.hall_ratings.rated == 1 and kpis.total.issued == 0
