"""Reminders end to end: planner, dispatcher and the Telegram notifier, over real HTTP to
the fake Bot API, on a real database, with the clock injected."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Bot

from bot.notifier import TelegramNotifier
from obligations.app import App
from obligations.clock import FixedClock
from obligations.config import SHIPPED_CATALOGUE, Settings
from obligations.dispatch import Dispatcher
from obligations.teams import ensure_chat, get_chat, set_lead_days, subscribe
from tests.fakebotapi import FakeBotAPI

# 1 March 2022, 09:00 in Amsterdam (CET): the STAP-budget opens today.
MORNING = datetime(2022, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def core(database_url: str) -> App:
    settings = Settings.from_env(
        {
            "OBLIGATIONS_DATABASE_URL": database_url,
            "OBLIGATIONS_CATALOGUE_DIR": str(SHIPPED_CATALOGUE),
            "OBLIGATIONS_PUBLIC_URL": "https://verplichtingen.example",
        }
    )
    app = App.start(settings, FixedClock(MORNING - timedelta(days=3)))
    app.sync()
    return app


def team(core: App, chat_id: int, topic: str, lead_days: list[int]) -> None:
    now = core.clock.now()
    ensure_chat(core.engine, chat_id, "private", f"Team {chat_id}", now)
    subscribe(core.engine, chat_id, [topic], now)
    set_lead_days(core.engine, chat_id, lead_days, now)


async def run_ticks(api: FakeBotAPI, core: App, moments: list[datetime]) -> None:
    """One process lifetime: a fresh dispatcher (as after a restart) ticking at `moments`."""
    async with Bot(api.token, base_url=api.base_url) as bot:
        dispatcher = Dispatcher(
            core.engine, TelegramNotifier(bot), public_url=core.settings.public_url
        )
        try:
            for moment in moments:
                await dispatcher.tick(moment)
        finally:
            dispatcher.close()


def test_reminder_arrives_once_with_buttons_across_restarts(core: App) -> None:
    team(core, 42, "werk-inkomen", [0])
    with FakeBotAPI() as api:
        asyncio.run(run_ticks(api, core, [MORNING - timedelta(minutes=1)]))
        assert api.sent_messages(42) == []  # not yet due at 08:59
        asyncio.run(run_ticks(api, core, [MORNING, MORNING + timedelta(seconds=30)]))
        asyncio.run(run_ticks(api, core, [MORNING + timedelta(minutes=1)]))  # a restart
        sent = api.sent_messages(42)
    assert len(sent) == 1, [m["text"][:80] for m in sent]
    text = sent[0]["text"]
    assert "STAP-budget" in text and "1 maart 2022" in text
    assert "https://verplichtingen.example/obligations/stap-budget-aanvragen" in text
    labels = [b["text"] for row in sent[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert any("Details" in label for label in labels)


def test_blocked_chat_is_deactivated(core: App) -> None:
    team(core, 43, "werk-inkomen", [0])
    with FakeBotAPI() as api:
        api.block_chat(43)
        asyncio.run(run_ticks(api, core, [MORNING]))
    chat = get_chat(core.engine, 43)
    assert chat is not None and not chat.active


def test_429_waits_and_then_delivers(core: App) -> None:
    team(core, 44, "werk-inkomen", [0])
    with FakeBotAPI() as api:
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        asyncio.run(run_ticks(api, core, [MORNING, MORNING + timedelta(seconds=30)]))
        delivered = api.sent_messages(44)
        attempts = [c for c in api.calls("sendMessage") if c.params.get("chat_id") in (44, "44")]
    assert len(delivered) == 1 and len(attempts) == 2
    assert attempts[1].time - attempts[0].time >= 0.9  # waited as Telegram said


def test_a_week_of_downtime_gives_one_catch_up_message(core: App) -> None:
    # Gemeenteraadsverkiezingen 16 March: with 14 and 7 days lead, the reminders of
    # 2 and 9 March both fall in a week the service was down.
    team(core, 45, "verkiezingen", [14, 7])
    with FakeBotAPI() as api:
        asyncio.run(run_ticks(api, core, [datetime(2022, 3, 1, 8, tzinfo=UTC)]))
        before = len(api.sent_messages(45))
        asyncio.run(run_ticks(api, core, [datetime(2022, 3, 10, 12, tzinfo=UTC)]))
        after = api.sent_messages(45)[before:]
    assert len(after) == 1
    assert "offline" in after[0]["text"] and "Gemeenteraadsverkiezingen" in after[0]["text"]


def test_reminder_names_the_owner(core: App) -> None:
    from obligations.workflow import Actor, set_owner

    team(core, 46, "werk-inkomen", [0])
    set_owner(core.engine, 46, "stap-budget-aanvragen", "@piet", Actor(1, "@an"), core.clock.now())
    with FakeBotAPI() as api:
        asyncio.run(run_ticks(api, core, [MORNING]))
        sent = api.sent_messages(46)
    assert len(sent) == 1 and "Eigenaar: @piet" in sent[0]["text"]
