"""Wiring shared by the CLI, the web server and the bot: settings, clock, database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy import Engine

from obligations.catalogue import CatalogueInvalid, load_catalogue
from obligations.clock import Clock, clock_from_setting, local_today
from obligations.config import Settings
from obligations.metrics import Metrics
from obligations.queries import Catalog
from obligations.store import open_database
from obligations.sync import SyncReport, sync_catalogue

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    clock: Clock
    engine: Engine
    # Called after a sync that changed something, e.g. to drop cached feed versions.
    sync_listeners: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def start(cls, settings: Settings, clock: Clock | None = None) -> App:
        engine = open_database(settings.database_url)
        return cls(settings, clock or clock_from_setting(settings.now, settings.timezone), engine)

    @cached_property
    def metrics(self) -> Metrics:
        """One set of metrics per process, shared by web and bot."""
        return Metrics(self.engine, self.clock)

    @property
    def catalog(self) -> Catalog:
        return Catalog(self.engine)

    def today(self) -> date:
        return local_today(self.clock, self.settings.timezone)

    def sync(self) -> SyncReport:
        """Load the catalogue and sync it; raises CatalogueInvalid and then changes nothing."""
        catalogue = load_catalogue(self.settings.catalogue_dir)
        report = sync_catalogue(self.engine, catalogue, self.clock.now())
        if report.touched:
            for listener in self.sync_listeners:
                listener()
        return report

    def sync_or_keep(self) -> SyncReport | None:
        """Sync when the catalogue is valid; otherwise keep what the database holds and say why."""
        try:
            return self.sync()
        except CatalogueInvalid as invalid:
            log.error("catalogus geweigerd, database ongewijzigd: %s", invalid)
            for problem in invalid.problems[:20]:
                log.error("%s", problem)
            return None
