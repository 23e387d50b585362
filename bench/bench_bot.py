"""Bot handling figures (issue 5): updates per second end to end, and update-to-reply time.

Run: .venv/bin/python bench/bench_bot.py

The real Application and handlers run against the fake Bot API on loopback (no
Telegram latency). Throughput: 2,000 mixed questions from 200 chats pushed at once,
time until every one is answered, measured twice: with the production rate limiter
(Telegram allows about 30 messages/s per bot, so that is the ceiling there) and
without it (our own handling capacity). Latency: 200 questions one at a time.
The bot runs in the bench process beside the fake server, so both share one GIL:
the figures are a floor for a bot whose Telegram is elsewhere.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from obligations.app import App
from obligations.clock import FixedClock
from obligations.config import SHIPPED_CATALOGUE, Settings
from tests.botharness import running_bot
from tests.fakebotapi import FakeBotAPI

QUESTIONS = (
    "wat moet er dit kwartaal?",
    "/wat maart 2022",
    "wanneer zijn de gemeenteraadsverkiezingen?",
    "/zoek inburgering",
    "what's due next month?",
    "/show woo-inwerkingtreding",
    "/next 5",
    "/topics",
    "blabla",
    "wat moet er vóór 1 april voor wonen?",
)


def core(folder: str) -> App:
    settings = Settings.from_env(
        {
            "OBLIGATIONS_DATABASE_URL": f"sqlite:///{folder}/bot.sqlite3",
            "OBLIGATIONS_CATALOGUE_DIR": str(SHIPPED_CATALOGUE),
        }
    )
    app = App.start(settings, FixedClock(datetime(2022, 1, 10, 8, tzinfo=UTC)))
    app.sync()
    return app


def throughput(app: App, total: int, chats: int, rate_limited: bool) -> float:
    with FakeBotAPI() as api, running_bot(app, api, rate_limited=rate_limited):
        start = time.monotonic()
        for index in range(total):
            api.message(1000 + index % chats, QUESTIONS[index % len(QUESTIONS)])
        api.wait_for(total, timeout=600)
        return total / (time.monotonic() - start)


def latencies(app: App, count: int) -> list[float]:
    found = []
    with FakeBotAPI() as api, running_bot(app, api):
        for index in range(count):
            start = time.monotonic()
            api.message(42, QUESTIONS[index % len(QUESTIONS)])
            api.wait_for(index + 1, chat_id=42, timeout=30)
            found.append(time.monotonic() - start)
    return found


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        app = core(folder)
        raw = throughput(app, 2000, 200, rate_limited=False)
        print(f"2000 questions from 200 chats, no rate limiter: {raw:6.0f} updates/s")
        limited = throughput(app, 300, 200, rate_limited=True)
        print(f"300 questions from 200 chats, with the 30 msg/s limiter: {limited:6.1f} updates/s")
        times = sorted(latencies(app, 200))
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"update to reply, one at a time: median {statistics.median(times) * 1e3:.1f} ms, "
            f"p95 {p95 * 1e3:.1f} ms"
        )
