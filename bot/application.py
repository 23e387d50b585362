"""Wiring python-telegram-bot's Application to the handlers, and running it."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import handlers, team, texts
from bot.handlers import BotCore
from bot.notifier import TelegramNotifier
from bot.webhook import WEBHOOK_PATH, webhook_routes
from obligations.app import App

log = logging.getLogger(__name__)
BotApplication = Application[Any, Any, Any, Any, Any, Any]

# (names, handler): the first name is the one shown in Telegram's menu.
COMMAND_TABLE = (
    (("start",), handlers.start),
    (("help", "hulp"), handlers.help_command),
    (("wat", "due"), handlers.due),
    (("next", "volgende"), handlers.next_command),
    (("zoek", "search"), handlers.search_command),
    (("show", "toon"), handlers.show),
    (("topics", "onderwerpen"), handlers.topics_command),
    (("abonneer", "subscribe"), handlers.subscribe_command),
    (("unsubscribe", "opzeggen"), handlers.unsubscribe_command),
    (("vooraf", "leadtimes"), handlers.leadtimes),
    (("feed", "agenda"), handlers.feed),
    (("digest", "weekoverzicht"), handlers.digest),
    (("done", "klaar", "afgerond"), team.status_command("afgerond")),
    (("busy", "bezig"), team.status_command("bezig")),
    (("nvt",), team.status_command("nvt")),
    (("reopen", "heropen"), team.status_command("open")),
    (("owner", "eigenaar"), team.owner),
    (("mine", "mijn"), team.mine),
    (("add", "nieuw"), team.add),
    (("edit", "wijzig"), team.edit),
    (("remove", "verwijder"), team.remove),
    (("status",), team.status_overview),
    (("settings", "instellingen"), team.settings),
)


def build_application(
    core: App, token: str, base_url: str | None = None, rate_limited: bool = True
) -> BotApplication:
    """The bot; `rate_limited=False` only for measuring our own handling speed."""
    builder: Any = Application.builder().token(token)  # its generics change per option
    if rate_limited:
        builder.rate_limiter(AIORateLimiter(max_retries=3))
    if base_url:
        builder.base_url(base_url).base_file_url(base_url.replace("/bot", "/file/bot"))
    application: BotApplication = builder.build()
    application.bot_data["core"] = BotCore(core)
    application.add_handler(TypeHandler(Update, handlers.count_update), group=-1)
    for names, callback in COMMAND_TABLE:
        application.add_handler(CommandHandler(list(names), callback))
    application.add_handler(CallbackQueryHandler(team.button, pattern=r"^[aksz]:"))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(
        ChatMemberHandler(handlers.membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.migrated))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.question))
    application.add_error_handler(handlers.on_error)
    return application


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


async def start_bot(
    application: BotApplication, webhook_url: str | None = None, secret: str | None = None
) -> None:
    """Start inside the running event loop (serve owns the loop): long polling, or, with a
    webhook URL, register it with Telegram and take updates from our web server."""
    await application.initialize()
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in texts.COMMANDS])
    await application.start()
    if webhook_url:
        await application.bot.set_webhook(
            webhook_url + WEBHOOK_PATH, secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )
        log.info("bot @%s via webhook %s", application.bot.username, webhook_url + WEBHOOK_PATH)
        return
    assert application.updater is not None
    await application.updater.start_polling(
        allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False
    )
    log.info("bot @%s luistert (long polling)", application.bot.username)


async def stop_bot(application: BotApplication) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


def make_notifier(application: BotApplication) -> TelegramNotifier:
    """The reminder dispatcher's way out: sends through this application's bot."""
    return TelegramNotifier(application.bot)


__all__ = ["build_application", "make_notifier", "start_bot", "stop_bot", "webhook_routes"]
