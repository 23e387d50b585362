"""Moving everything from a SQLite file to another database (PostgreSQL when configured)
with `obligations export` and `obligations import`, and nothing lost on the way."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from obligations import transfer
from obligations.app import App
from obligations.clock import FixedClock
from obligations.config import SHIPPED_CATALOGUE, Settings
from obligations.reminders import plan
from obligations.span import Span
from obligations.store import open_database
from obligations.teams import ensure_chat, new_feed_token, set_lead_days, subscribe
from obligations.workflow import Actor, add_deadline, set_owner, set_status
from tests.conftest import process_env

NOW = datetime(2021, 12, 30, 9, 0, tzinfo=UTC)  # reminders for 1 January are due tomorrow


def cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = process_env()
    env["OBLIGATIONS_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "obligations.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def filled_sqlite(path: Path) -> str:
    url = f"sqlite:///{path}"
    app = App.start(Settings.from_env({"OBLIGATIONS_DATABASE_URL": url}), FixedClock(NOW))
    app.sync()
    engine, actor = app.engine, Actor(7, "@piet")
    ensure_chat(engine, -100500, "supergroup", "Team Wonen", NOW)
    subscribe(engine, -100500, ["wonen", "verkiezingen"], NOW)
    set_lead_days(engine, -100500, [14, 1], NOW)
    new_feed_token(engine, -100500, NOW)
    set_status(engine, -100500, "woo-inwerkingtreding", "bezig", actor, NOW)
    set_owner(engine, -100500, "woo-inwerkingtreding", "@piet", actor, NOW)
    add_deadline(
        engine,
        -100500,
        "Verordening in de raad",
        Span.day(datetime(2022, 1, 5).date()),
        "opkoopbescherming-invoeren",
        actor,
        NOW,
    )
    plan(engine, app.catalog, NOW)
    return url


def test_export_then_import_keeps_everything(tmp_path: Path, database_url: str) -> None:
    source = filled_sqlite(tmp_path / "source.sqlite3")
    dump = tmp_path / "export.json"
    exported = cli("export", "-o", str(dump), database_url=source)
    assert exported.returncode == 0, exported.stderr
    imported = cli("import", str(dump), database_url=database_url)
    assert imported.returncode == 0, imported.stderr
    before = transfer.export_all(open_database(source))
    after = transfer.export_all(open_database(database_url))
    assert before == after
    assert len(before["tables"]["reminder"]) > 0 and len(before["tables"]["team_event"]) == 3
    assert before["tables"]["obligation"][0]["revision"] == 1 and SHIPPED_CATALOGUE.exists()

    again = cli("import", str(dump), database_url=database_url)
    assert again.returncode == 1 and "niet leeg" in again.stderr
    assert transfer.export_all(open_database(database_url)) == after  # nothing changed
