"""Settings from the environment, validated in one place (pydantic-settings).

A wrong value stops the start with one line that names the variable, in Dutch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CATALOGUE = PROJECT_ROOT / "data"


class ConfigError(Exception):
    """A setting is wrong; the message names the variable."""


def default_database_url(environ: Mapping[str, str]) -> str:
    """SQLite in the user's data folder: $XDG_DATA_HOME/obligations/obligations.sqlite3."""
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'obligations' / 'obligations.sqlite3'}"


class _Environment(BaseSettings):
    """The variables as ARCHITECTURE.md names them; empty means "not set"."""

    # Read only from the mapping we are given (tests pass their own), never on our own.
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=False)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: Any, init_settings: Any, *sources: Any, **named: Any
    ) -> Any:
        return (init_settings,)

    catalogue_dir: Path | None = Field(None, alias="OBLIGATIONS_CATALOGUE_DIR")
    database_url: str | None = Field(None, alias="OBLIGATIONS_DATABASE_URL")
    now: str | None = Field(None, alias="OBLIGATIONS_NOW")
    timezone: str | None = Field(None, alias="OBLIGATIONS_TIMEZONE")
    http_host: str | None = Field(None, alias="OBLIGATIONS_HTTP_HOST")
    http_port: int | None = Field(None, alias="OBLIGATIONS_HTTP_PORT", gt=0, lt=65536)
    public_url: str | None = Field(None, alias="OBLIGATIONS_PUBLIC_URL")
    telegram_token: str | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = Field(None, alias="TELEGRAM_API_BASE_URL")
    admin_ids: str | None = Field(None, alias="OBLIGATIONS_ADMIN_IDS")
    log_format: Literal["text", "json"] | None = Field(None, alias="OBLIGATIONS_LOG_FORMAT")
    webhook_url: str | None = Field(None, alias="OBLIGATIONS_WEBHOOK_URL")
    webhook_secret: str | None = Field(None, alias="OBLIGATIONS_WEBHOOK_SECRET")

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"onbekende tijdzone '{value}'") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                make_url(value)
            except ArgumentError as exc:
                raise ValueError(
                    "geen geldige database-URL (bv. postgresql+psycopg://...)"
                ) from exc
        return value

    @field_validator("public_url", "telegram_api_base_url", "webhook_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("moet met http:// of https:// beginnen")
        return value

    @field_validator("admin_ids")
    @classmethod
    def _ids(cls, value: str | None) -> str | None:
        for part in (value or "").replace(",", " ").split():
            if not part.lstrip("-").isdigit():
                raise ValueError("gebruik Telegram-id's gescheiden door komma's")
        return value


_MESSAGES = {"int_parsing": "moet een heel getal zijn", "literal_error": "kies uit {expected}"}


def _describe(error: Any) -> str:
    name = str(error["loc"][0]) if error["loc"] else "?"
    template = _MESSAGES.get(error["type"])
    if template:
        message = template.format(**error.get("ctx", {})).replace(" or ", " of ")
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] in ("greater_than", "less_than"):
        message = f"'{error.get('input')}' is geen poortnummer"
    return f"{name}: {message}"


@dataclass(frozen=True)
class Settings:
    catalogue_dir: Path
    database_url: str
    now: str | None
    timezone: ZoneInfo
    http_host: str
    http_port: int
    public_url: str
    telegram_token: str | None
    telegram_api_base_url: str | None
    admin_ids: frozenset[int]
    log_format: str = "text"
    webhook_url: str | None = None
    webhook_secret: str | None = None

    def with_now(self, now: str) -> Settings:
        return replace(self, now=now)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        try:
            raw = _Environment.model_validate(env)
        except ValidationError as invalid:
            raise ConfigError(_describe(invalid.errors()[0])) from invalid
        host, port = raw.http_host or "127.0.0.1", raw.http_port or 8080
        public = raw.public_url or f"http://{host}:{port}"
        return cls(
            catalogue_dir=raw.catalogue_dir or SHIPPED_CATALOGUE,
            database_url=raw.database_url or default_database_url(env),
            now=raw.now,
            timezone=ZoneInfo(raw.timezone or "Europe/Amsterdam"),
            http_host=host,
            http_port=port,
            public_url=public.rstrip("/"),
            telegram_token=raw.telegram_token,
            telegram_api_base_url=raw.telegram_api_base_url,
            admin_ids=frozenset(int(p) for p in (raw.admin_ids or "").replace(",", " ").split()),
            log_format=raw.log_format or "text",
            webhook_url=raw.webhook_url,
            webhook_secret=raw.webhook_secret,
        )
