"""`obligations serve`: web server (and, in later steps, scheduler and bot) in one
asyncio process."""

from __future__ import annotations

import logging

import uvicorn

from obligations.app import App
from obligations.config import Settings
from obligations.web import create_web_app

log = logging.getLogger(__name__)


def build_server(app: App) -> uvicorn.Server:
    config = uvicorn.Config(
        create_web_app(app),
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
    if not settings.telegram_token:
        log.warning("TELEGRAM_BOT_TOKEN is niet gezet: de bot start niet; web en feeds wel.")
    server = build_server(app)
    log.info("web op http://%s:%s", settings.http_host, settings.http_port)
    await server.serve()
