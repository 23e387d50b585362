"""Reminder figures (issue 6): planning 10,000 chats x the catalogue, and sending 2,000
reminders due in the same minute.

Run: .venv/bin/python bench/bench_reminders.py [DATABASE_URL]

Without a URL it uses a temporary SQLite file (PostgreSQL e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/bench; the database must exist and is
emptied of our tables first).

Planning: 10,000 chats subscribed to everything ("alles", the worst case: all 178
obligations each), default lead times 30/7/1/0, send time 09:00. Timed: the first run on
an empty outbox, the same run again (idempotent: nothing new), a forced full re-plan (what
a catalogue change costs), and a routine run a day later. Planning covers the next two
days (PLAN_HORIZON), so the cost follows how many reminders fall in them. Two moments: an
ordinary day (2022-02-14) and the busiest of this catalogue (2021-12-30: the window holds
Friday 31 December, the working day before 1 January 2022, when 108 obligations start).
Peak memory: the process's peak RSS
(resource.ru_maxrss, includes the interpreter and the catalogue) and Python's peak
allocation during the run (tracemalloc). Targets: < 5 s, < 300 MB.

Dispatch: 2,000 private chats each with one reminder due at the same moment, a real
RateLimiter on the real monotonic clock, and a Notifier that only records when each send
starts (no network). Printed: sustained send rate as a fraction of 30 msg/s (target >=
0.95), the most messages in any 1-second window (never above 30), and the lateness of the
first message after its moment (target < 2 s; the scheduler's ticks are aligned to :00 and
:30, and send times are whole minutes, so a tick falls on the moment itself).
"""

from __future__ import annotations

import asyncio
import bisect
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, delete, func, insert, select
from sqlmodel import SQLModel

from obligations.catalogue import load_catalogue
from obligations.config import SHIPPED_CATALOGUE
from obligations.dispatch import Button, Dispatcher, RateLimiter
from obligations.queries import Catalog
from obligations.reminders import plan
from obligations.store import ALL_TOPICS, open_database
from obligations.sync import sync_catalogue

CHATS = 10_000
SENDS = 2_000
TABLES = ("reminder", "reminder_planner", "team_status", "subscription", "chat")


def fresh_engine(url: str) -> Engine:
    engine = open_database(url)
    with engine.begin() as connection:
        for name in TABLES:
            connection.execute(delete(SQLModel.metadata.tables[name]))
    return engine


def add_chats(engine: Engine, ids: Sequence[int], topic: str, lead_days: list[int]) -> None:
    """Chats and subscriptions in bulk, as thousands of /start + /abonneer would leave them."""
    moment = datetime(2021, 9, 1, tzinfo=UTC)
    chat = SQLModel.metadata.tables["chat"]
    subscription = SQLModel.metadata.tables["subscription"]
    with engine.begin() as connection:
        connection.execute(
            insert(chat),
            [
                {
                    "id": i,
                    "kind": "private",
                    "title": f"chat {i}",
                    "active": True,
                    "send_time": datetime(2000, 1, 1, 9, 0).time(),
                    "lead_days": lead_days,
                    "digest": False,
                    "everyone_can_update": False,
                    "created_at": moment,
                    "updated_at": moment,
                }
                for i in ids
            ],
        )
        connection.execute(
            insert(subscription),
            [{"chat_id": i, "topic_id": topic, "created_at": moment} for i in ids],
        )


def outbox_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        count: int = connection.execute(
            select(func.count()).select_from(SQLModel.metadata.tables["reminder"])
        ).scalar_one()
    return count


def measured(label: str, action: Callable[[], Any]) -> Any:
    tracemalloc.start()
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  {label:<34} {seconds:6.2f} s   python peak {peak / 2**20:6.1f} MB   "
        f"process peak RSS {rss:6.1f} MB   rows now {outbox_rows(result[0]):>9,}"
    )
    return result


def bench_planning(url: str, now: datetime, label: str) -> None:
    engine = fresh_engine(url)
    sync_catalogue(engine, load_catalogue(SHIPPED_CATALOGUE), datetime(2021, 9, 21, tzinfo=UTC))
    add_chats(engine, range(1, CHATS + 1), ALL_TOPICS, [30, 7, 1, 0])
    catalog = Catalog(engine)
    print(f"\nPlanning, {CHATS:,} chats x {len(catalog.all())} obligations, {label} (now {now}):")

    def run(at: datetime, full: bool = False) -> tuple[Engine, Any]:
        return engine, plan(engine, catalog, at, full=full)

    _, first = measured("first run (empty outbox)", lambda: run(now))
    _, again = measured("same run again", lambda: run(now))
    _, full = measured("full re-plan (catalogue changed)", lambda: run(now, full=True))
    _, later = measured("routine run a day later", lambda: run(now + timedelta(days=1)))
    print(
        f"  rows written: first {first.planned:,}, again {again.planned:,}, "
        f"full {full.planned:,}, a day later {later.planned:,}"
    )
    engine.dispose()


class RecordingNotifier:
    """Telegram without the network: remembers when each send began."""

    def __init__(self) -> None:
        self.times: list[float] = []

    async def send(self, chat_id: int, html_text: str, buttons: Sequence[Sequence[Button]]) -> int:
        self.times.append(time.monotonic())
        await asyncio.sleep(0)
        return len(self.times)


def most_in_one_second(times: list[float]) -> int:
    ordered = sorted(times)
    return max(
        bisect.bisect_right(ordered, start + 1.0) - index for index, start in enumerate(ordered)
    )


def bench_dispatch(url: str) -> None:
    engine = fresh_engine(url)
    sync_catalogue(engine, load_catalogue(SHIPPED_CATALOGUE), datetime(2021, 9, 21, tzinfo=UTC))
    # Lead time 0 for the municipal elections of 16 March 2022: due at 09:00 that day.
    add_chats(engine, range(1, SENDS + 1), "verkiezingen", [0])
    moment = datetime(2022, 3, 16, 8, 0, tzinfo=UTC)
    plan(engine, Catalog(engine), moment - timedelta(hours=20))
    due = outbox_rows(engine)
    notifier = RecordingNotifier()
    dispatcher = Dispatcher(
        engine,
        notifier,
        public_url="https://verplichtingen.example",
        limiter=RateLimiter(),
        plan_every=None,
    )

    async def run() -> float:
        await dispatcher.start(moment - timedelta(seconds=30))  # started earlier, idle
        began = time.monotonic()  # the tick falls on the moment itself
        report = await dispatcher.tick(moment)
        assert report.messages == SENDS, report
        return began

    began = asyncio.run(run())
    dispatcher.close()
    times = notifier.times
    span = times[-1] - times[0]
    rate = (len(times) - 1) / span
    print(f"\nDispatch, {due:,} reminders due at the same moment, one per chat:")
    print(f"  messages sent                    {len(times):,} in {span:.1f} s")
    print(f"  sustained rate                   {rate:.2f} msg/s = {rate / 30:.3f} of 30 msg/s")
    print(f"  most in any 1-second window      {most_in_one_second(times)}")
    print(f"  first message after its moment   {(times[0] - began) * 1000:.0f} ms")
    engine.dispose()


def main() -> None:
    if len(sys.argv) > 1:
        url = sys.argv[1]
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    print(f"database: {url.split('@')[-1]}")
    bench_planning(url, datetime(2022, 2, 14, 6, 0, tzinfo=UTC), "an ordinary day")
    bench_planning(url, datetime(2021, 12, 30, 6, 0, tzinfo=UTC), "the busiest day")
    bench_dispatch(url)


if __name__ == "__main__":
    main()
