"""Run the real bot (python-telegram-bot Application + our handlers) against the fake
Bot API, on its own event loop in a thread, the way `obligations serve` runs it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bot.application import build_application, start_bot, stop_bot
from obligations.app import App
from tests.fakebotapi import FakeBotAPI


@contextmanager
def running_bot(app: App, api: FakeBotAPI, rate_limited: bool = True) -> Iterator[None]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    application = build_application(app, api.token, api.base_url, rate_limited)
    asyncio.run_coroutine_threadsafe(start_bot(application), loop).result(timeout=15)
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(stop_bot(application), loop).result(timeout=15)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
