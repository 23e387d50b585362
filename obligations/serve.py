"""`obligations serve`: web server, scheduler and (with a token) the bot in one asyncio
process.

The core never imports Telegram: the bot adapter is loaded by module name, only when
TELEGRAM_BOT_TOKEN is set, and driven through three functions (build, start, stop).
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from obligations.app import App
from obligations.config import ConfigError, Settings
from obligations.dispatch import Dispatcher, schedule
from obligations.web import create_web_app

log = logging.getLogger(__name__)
BOT_MODULE = "bot.application"


def build_server(app: App, extra_routes: Any = ()) -> uvicorn.Server:
    config = uvicorn.Config(
        create_web_app(app, extra_routes),
        host=app.settings.http_host,
        port=app.settings.http_port,
        lifespan="off",
        log_level="info",
        access_log=False,
    )
    return uvicorn.Server(config)


async def serve(settings: Settings) -> None:
    app = App.start(settings)
    app.sync_or_keep()
    bot_module: Any = None
    application: Any = None
    dispatcher: Dispatcher | None = None
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    routes: list[Any] = []
    if settings.telegram_token:
        bot_module = importlib.import_module(BOT_MODULE)
        application = bot_module.build_application(
            app, settings.telegram_token, settings.telegram_api_base_url
        )
        if settings.webhook_url:
            if not settings.webhook_secret:
                raise ConfigError("OBLIGATIONS_WEBHOOK_SECRET: nodig bij OBLIGATIONS_WEBHOOK_URL")
            routes = bot_module.webhook_routes(application, settings.webhook_secret)
        await bot_module.start_bot(application, settings.webhook_url, settings.webhook_secret)
        dispatcher = Dispatcher(
            app.engine,
            bot_module.make_notifier(application),
            public_url=settings.public_url,
            zone=settings.timezone,
        )
        schedule(scheduler, dispatcher, app.clock)
        scheduler.start()
    else:
        log.warning(
            "TELEGRAM_BOT_TOKEN is niet gezet: de bot en de herinneringen starten niet; "
            "web en feeds wel."
        )
    server = build_server(app, routes)
    log.info("web op http://%s:%s", settings.http_host, settings.http_port)
    try:
        await server.serve()  # returns on SIGINT/SIGTERM
    finally:
        # Order matters: first let the dispatcher finish the message in flight and hand
        # back unsent claims (the scheduler's shutdown would cancel a running tick between
        # Telegram's answer and the "sent" record), then stop the scheduler, then the bot.
        if dispatcher is not None:
            await dispatcher.stop()
        if scheduler.running:
            scheduler.shutdown(wait=False)
        if application is not None:
            await bot_module.stop_bot(application)
        if dispatcher is not None:
            dispatcher.close()
        log.info("gestopt")
