"""The dispatcher's Notifier, implemented with python-telegram-bot: Telegram's errors
become the core's typed ones, so the core decides what a failure means."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from obligations.dispatch import ChatGone, PermanentFailure, RetryLater, TemporaryFailure
from obligations.reminders import Button


class TelegramNotifier:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, html_text: str, buttons: Sequence[Sequence[Button]]) -> int:
        markup = None
        if buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in row]
                    for row in buttons
                ]
            )
        try:
            message = await self.bot.send_message(
                chat_id,
                html_text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise RetryLater(seconds, str(exc)) from exc
        except Forbidden as exc:
            raise ChatGone(str(exc)) from exc
        except ChatMigrated as exc:
            # The group became a supergroup; the migration update moves its settings.
            raise TemporaryFailure(f"chat moved to {exc.new_chat_id}") from exc
        except BadRequest as exc:  # before NetworkError: BadRequest is a subclass of it
            raise PermanentFailure(str(exc)) from exc
        except NetworkError as exc:
            raise TemporaryFailure(str(exc)) from exc
        except TelegramError as exc:
            raise TemporaryFailure(str(exc)) from exc
        return message.message_id
