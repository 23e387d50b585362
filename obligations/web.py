"""The HTTP side: calendar feeds, a browse-and-subscribe page, health.

Starlette rather than FastAPI: we serve a handful of routes that return calendar
bytes and server-rendered HTML; FastAPI's request validation and OpenAPI would
add weight to every request and nothing we use. No GZip middleware: Outlook
refuses gzip-encoded feeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from obligations.app import App
from obligations.display import when_label
from obligations.feeds import Feed, FeedService
from obligations.metrics import CONTENT_TYPE
from obligations.periods import PeriodNotUnderstood, parse_period
from obligations.queries import Occurrence
from obligations.render import amount_label, grouped_by_month, occurrence_label
from obligations.search import load_abbreviations, search
from obligations.span import Span
from obligations.teams import chat_for_feed_token
from obligations.vocabulary import KIND_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
CALENDAR_TYPE = "text/calendar; charset=utf-8"
PRECISION_LABELS = {
    "day": "op de dag",
    "month": "op de maand",
    "quarter": "op het kwartaal",
    "half": "op het halfjaar",
    "season": "op het seizoen",
    "year": "op het jaar",
}
MAX_TOKEN_LENGTH = 64


def _not_found() -> Response:
    return PlainTextResponse("Niet gevonden.", status_code=404)


def _not_modified(request: Request, feed: Feed) -> bool:
    tags = request.headers.get("if-none-match")
    if tags is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in tags.split(",")}
        return "*" in wanted or feed.etag in wanted
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return feed.last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def feed_response(request: Request, feed: Feed, private: bool) -> Response:
    headers = {
        "ETag": feed.etag,
        "Last-Modified": format_datetime(feed.last_modified, usegmt=True),
        "Cache-Control": ("private" if private else "public") + ", max-age=3600",
    }
    if _not_modified(request, feed):
        return Response(status_code=304, headers=headers)
    return Response(feed.body, media_type=CALENDAR_TYPE, headers=headers)


def webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]


class WebApp:
    """Routes over one App; kept as a class so tests can build it on any database."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.feeds = FeedService(app.engine, app.settings.public_url)
        app.sync_listeners.append(self.feeds.forget_version)
        self.templates = Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
        )

    def routes(self) -> list[Route]:
        return [
            Route("/", self.index, methods=["GET"]),
            Route("/obligations/{obligation_id}", self.obligation, methods=["GET"]),
            Route("/feeds/all.ics", self.all_feed, methods=["GET"]),
            Route("/feeds/topic/{topic}.ics", self.topic_feed, methods=["GET"]),
            Route("/feeds/{token}.ics", self.team_feed, methods=["GET"]),
            Route("/healthz", self.health, methods=["GET"]),
            Route("/metrics", self.metrics, methods=["GET"]),
        ]

    def starlette(self) -> Starlette:
        return Starlette(routes=self.routes())

    def _counted(self, kind: str, response: Response) -> Response:
        self.app.metrics.feed_requests.labels(kind, str(response.status_code)).inc()
        return response

    async def all_feed(self, request: Request) -> Response:
        # Async on purpose: a cached feed is memory only, and the catalogue version is
        # read at most once a second, so a thread hop would cost more than it saves.
        return self._counted("all", feed_response(request, self.feeds.all_feed(), private=False))

    async def topic_feed(self, request: Request) -> Response:
        feed = self.feeds.topic_feed(request.path_params["topic"])
        found = _not_found() if feed is None else feed_response(request, feed, private=False)
        return self._counted("topic", found)

    def team_feed(self, request: Request) -> Response:
        token = request.path_params["token"]
        chat = (
            None if len(token) > MAX_TOKEN_LENGTH else chat_for_feed_token(self.app.engine, token)
        )
        if chat is None:
            return self._counted("team", _not_found())
        alarms = request.query_params.get("alarms") == "1"
        return self._counted(
            "team", feed_response(request, self.feeds.team_feed(chat, alarms), private=True)
        )

    def metrics(self, request: Request) -> Response:
        return Response(self.app.metrics.render(), media_type=CONTENT_TYPE)

    def health(self, request: Request) -> Response:
        try:
            with self.app.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # any database failure means unhealthy
            return JSONResponse({"status": "fout", "database": str(exc)[:200]}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    def _render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        page = self.templates.get_template(template).render(**values)
        return HTMLResponse(page, status_code=status)

    def obligation(self, request: Request) -> Response:
        item = self.app.catalog.get(request.path_params["obligation_id"])
        if item is None:
            return self._render("base.html", status=404)
        labels = self.feeds.topic_labels()
        sources = self.app.catalog.source_titles()
        return self._render(
            "obligation.html",
            item=item,
            when=when_label(item.span, item.precision, item.certainty),
            precision=PRECISION_LABELS[item.precision],
            kind=KIND_LABELS[item.kind],
            topics=", ".join(labels.get(t, t) for t in item.topics),
            amount=amount_label(item.amount_eur) if item.amount_eur is not None else "",
            source=sources.get(item.source, item.source),
        )

    def index(self, request: Request) -> Response:
        params = request.query_params
        labels = self.feeds.topic_labels()
        topic = params.get("topic") or None
        if topic not in labels:
            topic = None
        period_text = (params.get("period") or "").strip()
        words = (params.get("q") or "").strip()
        problem = ""
        examples: tuple[str, ...] = ()
        heading = "Alle verplichtingen"
        window: Span | None = None
        if period_text:
            try:
                asked = parse_period(period_text, self.app.clock.now(), self.app.settings.timezone)
                window, heading = asked.span, f"Verplichtingen in {asked.label}"
            except PeriodNotUnderstood as refused:
                problem, examples = str(refused), refused.examples
        if window is not None:
            found = self.app.catalog.due(window, topic)
        else:
            found = [Occurrence(o, o.span) for o in self.app.catalog.all(topic)]
        if words:
            abbreviations = load_abbreviations(self.app.settings.catalogue_dir)
            keep = {
                h.obligation.id for h in search([o.obligation for o in found], words, abbreviations)
            }
            found = [o for o in found if o.obligation.id in keep]
            heading += f" over '{words}'"
        if topic:
            heading += f", onderwerp {labels[topic]}"
        base = self.app.settings.public_url
        feed_url = f"{base}/feeds/topic/{topic}.ics" if topic else f"{base}/feeds/all.ics"
        return self._render(
            "index.html",
            topics=[{"id": k, "label": v} for k, v in sorted(labels.items(), key=lambda kv: kv[1])],
            selected_topic=topic or "",
            period=period_text,
            q=words,
            problem=problem,
            examples=examples,
            heading=f"{heading} ({len(found)})",
            groups=grouped_by_month(found),
            occurrence_label=occurrence_label,
            topic_names=lambda o: ", ".join(labels.get(t, t) for t in o.topics),
            feed={
                "label": labels[topic] if topic else "alle onderwerpen",
                "https": feed_url,
                "webcal": webcal(feed_url),
            },
        )


def create_web_app(app: App, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The web app; `extra_routes` lets serve add the bot's webhook without the core
    knowing about Telegram."""
    web = WebApp(app)
    return Starlette(routes=[*web.routes(), *extra_routes])
