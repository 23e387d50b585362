"""Settings from the environment, with the defaults ARCHITECTURE.md promises."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CATALOGUE = PROJECT_ROOT / "data"


class ConfigError(Exception):
    """A setting is wrong; the message names the variable."""


def default_database_url(environ: Mapping[str, str]) -> str:
    """SQLite in the user's data folder: $XDG_DATA_HOME/obligations/obligations.sqlite3."""
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'obligations' / 'obligations.sqlite3'}"


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

    def with_now(self, now: str) -> Settings:
        return replace(self, now=now)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        zone_name = env.get("OBLIGATIONS_TIMEZONE", "Europe/Amsterdam")
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"OBLIGATIONS_TIMEZONE: onbekende tijdzone '{zone_name}'") from exc
        port_text = env.get("OBLIGATIONS_HTTP_PORT", "8080")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigError(f"OBLIGATIONS_HTTP_PORT: '{port_text}' is geen poortnummer")
        host = env.get("OBLIGATIONS_HTTP_HOST", "127.0.0.1")
        admin_text = env.get("OBLIGATIONS_ADMIN_IDS", "")
        try:
            admins = frozenset(int(part) for part in admin_text.replace(",", " ").split())
        except ValueError as exc:
            raise ConfigError(
                "OBLIGATIONS_ADMIN_IDS: gebruik Telegram-id's gescheiden door komma's"
            ) from exc
        return cls(
            catalogue_dir=Path(env.get("OBLIGATIONS_CATALOGUE_DIR") or SHIPPED_CATALOGUE),
            database_url=env.get("OBLIGATIONS_DATABASE_URL") or default_database_url(env),
            now=env.get("OBLIGATIONS_NOW") or None,
            timezone=zone,
            http_host=host,
            http_port=int(port_text),
            public_url=(env.get("OBLIGATIONS_PUBLIC_URL") or f"http://{host}:{port_text}").rstrip(
                "/"
            ),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
            admin_ids=admins,
        )
