"""Storage on a real SQLite file and, when configured, a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from obligations.app import App
from obligations.catalogue import CatalogueInvalid, load_catalogue
from obligations.clock import FixedClock
from obligations.config import Settings
from obligations.queries import Catalog
from obligations.span import Span
from obligations.store import ObligationRow, open_database
from obligations.sync import sync_catalogue
from tests.conftest import OBLIGATIONS, write_catalogue

NOW = datetime(2021, 10, 1, 9, 0, tzinfo=UTC)


def snapshot(url: str) -> list[tuple[object, ...]]:
    engine = open_database(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                'SELECT id, title, start, "end", revision, content_hash, withdrawn_at '
                "FROM obligation ORDER BY id"
            )
        )
        topics = connection.execute(
            text("SELECT obligation_id, topic_id FROM obligation_topic ORDER BY 1, 2")
        )
        return [tuple(row) for row in rows] + [tuple(row) for row in topics]


def test_schema_from_migrations_matches_the_models(database_url: str) -> None:
    engine = open_database(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_sync_is_idempotent(database_url: str, catalogue_dir: Path) -> None:
    engine = open_database(database_url)
    catalogue = load_catalogue(catalogue_dir)
    first = sync_catalogue(engine, catalogue, NOW)
    assert sorted(first.added) == [
        "cyberoefening",
        "gemeenteraadsverkiezingen-2022",
        "woo-inwerkingtreding",
    ]
    before = snapshot(database_url)
    second = sync_catalogue(engine, catalogue, NOW.replace(day=2))
    assert second.touched == [] and second.unchanged == 3
    assert snapshot(database_url) == before


def test_changes_raise_the_revision_and_removals_withdraw(
    database_url: str, tmp_path: Path
) -> None:
    engine = open_database(database_url)
    directory = write_catalogue(tmp_path / "c")
    sync_catalogue(engine, load_catalogue(directory), NOW)

    edited = OBLIGATIONS.replace("title: Gemeenteraadsverkiezingen", "title: Raadsverkiezingen")
    edited = edited.split("  - id: cyberoefening")[0]
    write_catalogue(directory, edited)
    report = sync_catalogue(engine, load_catalogue(directory), NOW.replace(day=2))
    assert report.changed == ["gemeenteraadsverkiezingen-2022"]
    assert report.withdrawn == ["cyberoefening"]
    catalog = Catalog(engine)
    assert catalog.get("cyberoefening") is None
    election = catalog.get("gemeenteraadsverkiezingen-2022")
    assert election is not None and election.title == "Raadsverkiezingen"
    assert election.revision == 2

    write_catalogue(directory)  # the withdrawn entry comes back
    report = sync_catalogue(engine, load_catalogue(directory), NOW.replace(day=3))
    assert sorted(report.changed) == ["cyberoefening", "gemeenteraadsverkiezingen-2022"]
    back = catalog.get("cyberoefening")
    assert back is not None and back.revision == 3


def test_broken_catalogue_leaves_the_database_exactly_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    directory = write_catalogue(tmp_path / "c")
    settings = Settings.from_env(
        {"OBLIGATIONS_DATABASE_URL": database_url, "OBLIGATIONS_CATALOGUE_DIR": str(directory)}
    )
    app = App.start(settings, FixedClock(NOW))
    app.sync()
    before = snapshot(database_url)
    broken = OBLIGATIONS.replace("title: Gemeenteraadsverkiezingen", "title: Nieuw").replace(
        "topics: [digitaal]", "topics: [bestaat-niet]"
    )
    write_catalogue(directory, broken)
    with pytest.raises(CatalogueInvalid):
        app.sync()
    assert app.sync_or_keep() is None
    assert snapshot(database_url) == before


def test_failed_sync_midway_rolls_back(database_url: str, catalogue_dir: Path) -> None:
    """A database error halfway (here: an unknown source) must not leave half a catalogue."""
    engine = open_database(database_url)
    catalogue = load_catalogue(catalogue_dir)
    catalogue.sources.clear()  # rows will point at a source that is not stored
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        sync_catalogue(engine, catalogue, NOW)
    with Session(engine) as session:
        assert session.exec(select(ObligationRow)).all() == []


def test_due_finds_overlapping_periods_and_recurring_occurrences(
    database_url: str, catalogue_dir: Path
) -> None:
    engine = open_database(database_url)
    sync_catalogue(engine, load_catalogue(catalogue_dir), NOW)
    catalog = Catalog(engine)

    march = catalog.due(Span(date(2022, 3, 1), date(2022, 3, 31)))
    assert [o.obligation.id for o in march] == [
        "woo-inwerkingtreding",
        "gemeenteraadsverkiezingen-2022",
    ]
    assert march[0].span == Span(date(2022, 1, 1), date(2022, 6, 30))

    year_2023 = catalog.due(Span(date(2023, 1, 1), date(2023, 12, 31)))
    assert [(o.obligation.id, o.span) for o in year_2023] == [
        ("cyberoefening", Span(date(2023, 10, 1), date(2023, 10, 31)))
    ]
    assert catalog.due(Span(date(2022, 7, 1), date(2022, 9, 30))) == []
    only_elections = catalog.due(Span(date(2022, 1, 1), date(2022, 12, 31)), topic="verkiezingen")
    assert [o.obligation.id for o in only_elections] == ["gemeenteraadsverkiezingen-2022"]


def test_upcoming_skips_what_has_ended(database_url: str, catalogue_dir: Path) -> None:
    engine = open_database(database_url)
    sync_catalogue(engine, load_catalogue(catalogue_dir), NOW)
    upcoming = Catalog(engine).upcoming(date(2022, 3, 17), 3)
    assert [(o.obligation.id, o.span.start) for o in upcoming] == [
        ("woo-inwerkingtreding", date(2022, 1, 1)),  # still running until 30 June
        ("cyberoefening", date(2022, 10, 1)),
    ]
