"""Webhook mode: Telegram posts updates to our own web server, so several replicas can
sit behind one load balancer (long polling allows only one consumer per bot)."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_routes(application: Any, secret: str) -> list[Route]:
    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return PlainTextResponse("Niet toegestaan.", status_code=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return PlainTextResponse("Ongeldige update.", status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return [Route(WEBHOOK_PATH, receive, methods=["POST"])]
