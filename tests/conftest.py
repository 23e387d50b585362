"""Shared fixtures: real databases (a SQLite file; PostgreSQL when a URL is given) and a
small catalogue written to disk the way a maintainer would write one."""

from __future__ import annotations

import os
import textwrap
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from obligations.app import App
from obligations.clock import FixedClock
from obligations.config import SHIPPED_CATALOGUE, Settings

PG_URL_VARIABLE = "OBLIGATIONS_TEST_DATABASE_URL"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_URL_VARIABLE) else [])


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    server = make_url(os.environ[PG_URL_VARIABLE])
    name = f"obligations_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


SOURCE_TEXT = """\
Wet open overheid
De Wet open overheid (Woo) ligt momenteel bij de Eerste Kamer en treedt naar verwachting in de
eerste helft van 2022 in werking. Gemeenten bereiden de informatiehuis-
houding voor.
Het kabinet treft voorbereidingen voor de gemeenteraadsverkiezingen op 16 maart 2022.
De overheidsbrede cyberoefening vindt elk jaar in oktober plaats.
"""

TOPICS = """\
topics:
  - id: verkiezingen
    label: Verkiezingen
  - id: informatiehuishouding
    label: Informatiehuishouding
  - id: digitaal
    label: Digitale overheid
"""

SOURCES = """\
sources:
  - id: test-circulaire
    title: Testcirculaire
    publisher: VNG
    written: 2021-09-21
    file: sources/test.txt
"""

OBLIGATIONS = """\
source: test-circulaire
obligations:
  - id: woo-inwerkingtreding
    title: Wet open overheid treedt in werking
    action: Bereid actieve openbaarmaking onder de Woo voor.
    kind: inwerkingtreding
    topics: [informatiehuishouding]
    chapter: 2 Binnenlandse Zaken
    section: Wet open overheid
    start: 2022-01-01
    end: 2022-06-30
    precision: half
    certainty: verwacht
    quote: "De Wet open overheid (Woo) ligt momenteel bij de Eerste Kamer en treedt naar verwachting in de eerste helft van 2022 in werking."
  - id: gemeenteraadsverkiezingen-2022
    title: Gemeenteraadsverkiezingen
    action: Organiseer de gemeenteraadsverkiezingen.
    kind: verkiezing
    topics: [verkiezingen]
    chapter: 2 Binnenlandse Zaken
    section: Verkiezingen
    start: 2022-03-16
    quote: "Het kabinet treft voorbereidingen voor de gemeenteraadsverkiezingen op 16 maart 2022."
  - id: cyberoefening
    title: Overheidsbrede cyberoefening
    action: Doe mee aan de jaarlijkse cyberoefening.
    kind: evenement
    topics: [digitaal]
    chapter: 2 Binnenlandse Zaken
    section: Informatieveiligheid
    start: 2021-10-01
    end: 2021-10-31
    precision: month
    recurrence: FREQ=YEARLY
    quote: "De overheidsbrede cyberoefening vindt elk jaar in oktober plaats."
"""


def write_catalogue(root: Path, obligations: str = OBLIGATIONS) -> Path:
    (root / "obligations").mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(exist_ok=True)
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (root / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "sources" / "test.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    (root / "obligations" / "test.yaml").write_text(textwrap.dedent(obligations), encoding="utf-8")
    return root


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    return write_catalogue(tmp_path / "catalogue")


def process_env(**settings: str) -> dict[str, str]:
    """The environment for a child `obligations` process: this machine's, minus any of our
    own settings (so a developer's shell cannot leak in), plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OBLIGATIONS_", "TELEGRAM_"))}
    env.update(settings)
    return env


def synced_app(database_url: str, now: datetime) -> App:
    """The shipped catalogue in a fresh database, on a clock stopped at `now`."""
    settings = Settings.from_env(
        {
            "OBLIGATIONS_DATABASE_URL": database_url,
            "OBLIGATIONS_CATALOGUE_DIR": str(SHIPPED_CATALOGUE),
            "OBLIGATIONS_PUBLIC_URL": "https://verplichtingen.example",
        }
    )
    app = App.start(settings, FixedClock(now))
    app.sync()
    return app
