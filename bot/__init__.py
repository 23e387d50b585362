"""Telegram adapter: translates chat to calls on the core in `obligations`."""

import os

# Opt in to python-telegram-bot's future behaviour: RetryAfter.retry_after as a timedelta,
# without the deprecation warning on every rate-limit answer.
os.environ.setdefault("PTB_TIMEDELTA", "1")
