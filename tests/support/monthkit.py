"""A generated month of a small hall, driven through the real engine into a real SQLite file.

:func:`generate` runs every working day of a month: clerks open windows, citizens take
tickets through the day, windows call, recall, serve, mark no-shows, transfer, and citizens
rate; a few printings fail (voided), and those still waiting at closing expire when the next
day starts. The commands go to :class:`queue_server.core.Engine` with a clock the kit moves,
and each day's events are committed to a :class:`queue_server.store.Store`, as the server does.

Beside the database the kit keeps its own :class:`Ledger`: what it asked for and what the
engine answered, ticket by ticket. Report tests compute their expected figures from the
ledger, never from the report code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from queue_server.config import parse_hall
from queue_server.core import (
    CallNext,
    CloseWindow,
    DomainError,
    Engine,
    Finish,
    NoShow,
    OpenWindow,
    Rate,
    Recall,
    StartDay,
    TakeTicket,
    Transfer,
    VoidTicket,
)
from queue_server.core.model import Hall, TicketClass
from queue_server.store import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")

HALL_TOML = """
[hall]
name_zh = "测试县政务服务中心"
name_en = "Test County Service Centre"
id = "test-county"

[policy]
normal_per_priority = 2
max_wait_minutes = 60
day_start = "06:00"
timezone = "Asia/Shanghai"

[ratings]
invite_window_seconds = 120
followup_working_days = 3

[[services]]
code = "BDC"
name_zh = "不动产登记"
name_en = "Real estate registration"
prefix = "A"
category = "不动产"
location_zh = "一楼东区"

[[services]]
code = "SB"
name_zh = "社会保险"
name_en = "Social insurance"
prefix = "B"
category = "社会保障"
location_zh = "一楼西区"

[[services]]
code = "SW"
name_zh = "税务办理"
name_en = "Tax services"
prefix = "C"
category = "税务"
location_zh = "二楼"

[[windows]]
number = 1
name = "综合窗口1"
services = { BDC = 3, SB = 1 }

[[windows]]
number = 2
name = "综合窗口2"
services = { BDC = 1, SB = 3 }

[[windows]]
number = 3
name = "综合窗口3"
services = { SW = 3, SB = 1 }

[[windows]]
number = 4
name = "综合窗口4"
services = { SW = 2, BDC = 2 }

[[staff]]
id = "1001"
name = "张伟"
pin_hash = "scrypt$97ac1c47ee48c48292e89bc5effd550f$d41304ceb9baf0602eb7cd013a182aa4165e51e04a5b8a18b8362216d1b4f8f1"

[[staff]]
id = "1002"
name = "王芳"
pin_hash = "scrypt$97ac1c47ee48c48292e89bc5effd550f$d41304ceb9baf0602eb7cd013a182aa4165e51e04a5b8a18b8362216d1b4f8f1"

[[staff]]
id = "1003"
name = "李娜"
pin_hash = "scrypt$97ac1c47ee48c48292e89bc5effd550f$d41304ceb9baf0602eb7cd013a182aa4165e51e04a5b8a18b8362216d1b4f8f1"

[[staff]]
id = "1004"
name = "刘洋"
pin_hash = "scrypt$97ac1c47ee48c48292e89bc5effd550f$d41304ceb9baf0602eb7cd013a182aa4165e51e04a5b8a18b8362216d1b4f8f1"

[[staff]]
id = "1005"
name = "陈静"
pin_hash = "scrypt$97ac1c47ee48c48292e89bc5effd550f$d41304ceb9baf0602eb7cd013a182aa4165e51e04a5b8a18b8362216d1b4f8f1"
"""

SERVICES = ("BDC", "SB", "SW")
STAFF = ("1001", "1002", "1003", "1004", "1005")
KIOSK = "kiosk-1"
SCORES = (5, 4, 3, 2, 1)
SCORE_WEIGHTS = (60, 22, 9, 5, 4)


def hall() -> Hall:
    return parse_hall(HALL_TOML, "monthkit.toml")


def local(day: dt.date, hour: int, minute: int = 0, second: float = 0.0) -> float:
    start = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)
    return start.timestamp() + second


@dataclass
class Story:
    """One ticket as the kit saw it: what it asked, what the engine answered."""

    id: str
    number: str
    day: str
    service: str  # at issue
    issued_at: float
    citizen_hash: str
    request_id: str
    token: str | None = None
    voided: bool = False
    expired: bool = False
    first_call: tuple[float, int, str, str] | None = None  # at, window, staff, service
    calls: list[tuple[float, int, str]] = field(default_factory=list)  # calls (not recalls)
    recalls: int = 0
    served: tuple[float, int, str, str, float] | None = None  # at, window, staff, service, s
    no_show: tuple[int, str, str] | None = None  # window, staff, service
    transfers: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # window, staff, from, to
    rating: tuple[int, int, str, str, float] | None = None  # score, window, staff, service, at

    @property
    def service_now(self) -> str:
        """The service it ended in (a transfer moves it)."""
        return self.transfers[-1][3] if self.transfers else self.service


@dataclass
class Ledger:
    first_day: str
    last_day: str
    stories: dict[str, Story] = field(default_factory=dict)
    next_day_tickets: int = 0  # tickets of the day after the month (outside the range)

    def in_range(self) -> list[Story]:
        return [s for s in self.stories.values() if self.first_day <= s.day <= self.last_day]


class _Day:
    """One day's driving: the engine, the clock, the ledger, the day's events."""

    def __init__(self, engine: Engine, ledger: Ledger, rng: random.Random) -> None:
        self.engine, self.ledger, self.rng = engine, ledger, rng
        self.events: list[dict[str, Any]] = []

    def run(self, command: Any, now: float, actor: str = "test") -> dict[str, Any]:
        result = self.engine.execute(command, now, actor)
        self.events.extend(result.events)
        for e in result.events:
            if e["type"] == "ticket_expired":
                self.ledger.stories[e["ticket"]].expired = True
        return result.reply

    def take(self, service: str, now: float, serial: int) -> Story | None:
        request_id = f"req-{now:.0f}-{serial}"
        citizen = f"citizen-{self.rng.getrandbits(48):012x}"
        token = f"tok-{self.rng.getrandbits(64):016x}"
        ticket_class = TicketClass.PRIORITY if self.rng.random() < 0.08 else TicketClass.NORMAL
        try:
            reply = self.run(
                TakeTicket(service, request_id, ticket_class, citizen_hash=citizen, token=token),
                now,
                KIOSK,
            )
        except DomainError:
            return None
        t = reply["ticket"]
        story = Story(t["id"], t["number"], t["id"][:10], service, now, citizen, request_id, token)
        self.ledger.stories[story.id] = story
        return story


def _commit(store: Store, engine: Engine, events: list[dict[str, Any]]) -> None:
    tickets = {}
    for event in events:
        ticket_id = event.get("ticket")
        if ticket_id and ticket_id not in tickets:
            ticket = engine.ticket(ticket_id)
            if ticket is not None:
                tickets[ticket_id] = ticket
    store.append(events, tickets)


def _drive_day(
    engine: Engine, ledger: Ledger, rng: random.Random, day: dt.date
) -> list[dict[str, Any]]:
    d = _Day(engine, ledger, rng)
    clerks = list(STAFF)
    rng.shuffle(clerks)
    windows = {w: clerks[i] for i, w in enumerate((1, 2, 3, 4))}
    opening = local(day, 8, 50)
    for number, staff in windows.items():
        d.run(OpenWindow(number, staff), opening)
    # Arrivals through the day, busier in the morning.
    arrivals: list[tuple[float, str]] = []
    count = rng.randint(85, 115)
    for _ in range(count):
        hour = rng.choices(range(9, 17), weights=(25, 22, 12, 5, 8, 10, 9, 7))[0]
        at = local(day, hour, rng.randrange(60), rng.uniform(0, 59))
        arrivals.append((at, rng.choices(SERVICES, weights=(5, 4, 3))[0]))
    arrivals.sort()
    free_at = dict.fromkeys(windows, local(day, 9, 0))
    closing = local(day, 16, 40)  # the last call: later arrivals wait until they expire
    serial = 0
    pending = list(arrivals)
    while True:
        next_arrival = pending[0][0] if pending else None
        window = min(free_at, key=lambda w: free_at[w])
        next_free = free_at[window]
        if next_arrival is not None and next_arrival <= next_free:
            at, service = pending.pop(0)
            serial += 1
            story = d.take(service, at, serial)
            if story is not None and rng.random() < 0.02:  # the printer failed
                d.run(VoidTicket(story.id, "paper_out"), at + 1, KIOSK)
                story.voided = True
            continue
        if next_free >= closing:
            break
        _serve_one(d, window, windows[window], next_free, free_at, next_arrival)
    for number in windows:
        d.run(CloseWindow(number), local(day, 17, 30))
    return d.events


def _serve_one(
    d: _Day,
    window: int,
    staff: str,
    now: float,
    free_at: dict[int, float],
    next_arrival: float | None,
) -> None:
    rng = d.rng
    try:
        reply = d.run(CallNext(window), now)
    except DomainError:  # nothing to call here: wait for the next citizen
        free_at[window] = max(now + 30, next_arrival or now + 30)
        return
    t = reply["ticket"]
    story = d.ledger.stories[t["id"]]
    service = t["service"]
    if story.first_call is None:
        story.first_call = (now, window, staff, service)
    story.calls.append((now, window, staff))
    called_at = now
    if rng.random() < 0.1:
        now += 30
        d.run(Recall(window), now)
        story.recalls += 1
    roll = rng.random()
    if roll < 0.06:
        now += 60
        d.run(NoShow(window), now)
        story.no_show = (window, staff, service)
    elif roll < 0.11:
        now += rng.uniform(60, 180)
        to = rng.choice([s for s in SERVICES if s != service])
        d.run(Transfer(window, to_service=to), now)
        story.transfers.append((window, staff, service, to))
    else:
        now += min(3600.0, rng.lognormvariate(6.2, 0.5))  # about 8 minutes
        d.run(Finish(window), now)
        story.served = (now, window, staff, service, now - called_at)
        if rng.random() < 0.7:
            now += rng.uniform(3, 40)
            score = rng.choices(SCORES, weights=SCORE_WEIGHTS)[0]
            d.run(Rate(window, score), now, f"evaluator-{window}")
            story.rating = (score, window, staff, service, now)
    free_at[window] = now + rng.uniform(5, 60)


NOW = local(dt.date(2026, 12, 2), 10, 0)  # the day a manager makes November's report


@dataclass(frozen=True)
class Month:
    """A generated month on disk: the database, the hall's TOML file, the ledger."""

    db: Path
    config: Path
    ledger: Ledger

    def digest(self) -> str:
        """The database's bytes, its write-ahead log's too if there is one."""
        sha = hashlib.sha256(self.db.read_bytes())
        wal = Path(f"{self.db}-wal")
        if wal.exists():
            sha.update(wal.read_bytes())
        return sha.hexdigest()


def generate(path: Path, year: int = 2026, month: int = 11, seed: int = 2026) -> Ledger:
    """Drive a month (working days) into the SQLite file at ``path``; return the ledger."""
    rng = random.Random(seed)
    engine = Engine(hall())
    first = dt.date(year, month, 1)
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    last = after - dt.timedelta(days=1)
    ledger = Ledger(first.isoformat(), last.isoformat())
    with Store.open(path, hall="test-county") as store:
        day = first
        while day < after:
            if day.isoweekday() <= 5:
                _commit(store, engine, _drive_day(engine, ledger, rng, day))
            day += dt.timedelta(days=1)
        # The next month's first morning: the month's last waiting tickets expire, and one
        # ticket is taken that no report of the month may count.
        d = _Day(engine, ledger, rng)
        d.run(StartDay(), local(after, 8, 0))
        d.take("BDC", local(after, 9, 0), 1)
        ledger.next_day_tickets = 1
        _commit(store, engine, d.events)
    return ledger
