"""Whole processes: `obligations serve` on SQLite and PostgreSQL with reminders, and two
replicas sharing one PostgreSQL database that send each reminder exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from obligations.app import App
from obligations.clock import parse_moment
from obligations.config import SHIPPED_CATALOGUE, Settings
from obligations.reminders import plan
from obligations.store import open_database
from obligations.teams import ensure_chat, set_lead_days, subscribe
from tests.conftest import process_env
from tests.fakebotapi import FakeBotAPI
from tests.liveserver import free_port
from tests.test_serve import wait_healthy

# 1 March 2022, just after 09:00 in Amsterdam: the STAP-budget reminder, planned the day
# before, is due the moment serve starts (so no test waits for the next tick).
NOW = "2022-03-01T09:00:02"


LOGS: dict[int, Path] = {}


def prepare(database_url: str, chats: int) -> None:
    settings = Settings.from_env(
        {
            "OBLIGATIONS_DATABASE_URL": database_url,
            "OBLIGATIONS_CATALOGUE_DIR": str(SHIPPED_CATALOGUE),
        }
    )
    moment = parse_moment("2022-02-28T12:00", settings.timezone)
    from obligations.clock import FixedClock

    app = App.start(settings, FixedClock(moment))
    app.sync()
    for index in range(chats):
        chat_id = 10_000 + index
        ensure_chat(app.engine, chat_id, "private", f"Team {index}", moment)
        subscribe(app.engine, chat_id, ["werk-inkomen"], moment)
        set_lead_days(app.engine, chat_id, [0], moment)
    plan(app.engine, app.catalog, moment)  # as the running service did the day before


def start(api: FakeBotAPI, database_url: str, port: int) -> subprocess.Popen[str]:
    env = process_env()
    env.update(
        OBLIGATIONS_DATABASE_URL=database_url,
        OBLIGATIONS_HTTP_PORT=str(port),
        OBLIGATIONS_NOW=NOW,
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_API_BASE_URL=api.base_url,
        OBLIGATIONS_WEBHOOK_URL="https://verplichtingen.example",
        OBLIGATIONS_WEBHOOK_SECRET="een-lang-gedeeld-geheim",
    )
    # The log goes to a file: a pipe nobody reads fills up and blocks the server.
    handle, name = tempfile.mkstemp(prefix="serve-", suffix=".log")
    with os.fdopen(handle, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "obligations.cli", "serve"],
            env=env,
            stdout=log,
            stderr=log,
            text=True,
        )
    LOGS[process.pid] = Path(name)
    return process


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    errors = LOGS.pop(process.pid).read_text()
    assert process.returncode == 0, errors[-3000:]
    return errors


def sent_states(database_url: str) -> Counter[str]:
    with open_database(database_url).connect() as connection:
        rows = connection.execute(
            text("SELECT state FROM reminder WHERE obligation_id = 'stap-budget-aanvragen'")
        )
        return Counter(row[0] for row in rows)


def test_serve_sends_the_due_reminder_and_serves_feeds(database_url: str) -> None:
    prepare(database_url, 3)
    port = free_port()
    with FakeBotAPI() as api:
        process = start(api, database_url, port)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", process)
            assert b"STAP" in httpx.get(f"http://127.0.0.1:{port}/feeds/all.ics").content
            sent = api.wait_for(3, timeout=30)
        finally:
            stop(process)
    assert sorted(int(m["chat_id"]) for m in sent) == [10_000, 10_001, 10_002]
    assert all("STAP-budget" in m["text"] for m in sent)
    assert sent_states(database_url) == Counter({"sent": 3})


@pytest.mark.skipif(
    not os.environ.get("OBLIGATIONS_TEST_DATABASE_URL"),
    reason="two replicas need the shared PostgreSQL database",
)
def test_two_replicas_send_each_reminder_once(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share PostgreSQL")
    prepare(database_url, 500)
    with FakeBotAPI() as api:
        first, second = free_port(), free_port()
        replicas = [start(api, database_url, first), start(api, database_url, second)]
        try:
            for port, process in zip((first, second), replicas, strict=True):
                wait_healthy(f"http://127.0.0.1:{port}", process)
            api.wait_for(500, timeout=120)
        finally:
            for process in replicas:
                stop(process)
        sent = api.sent_messages()
    per_chat = Counter(int(message["chat_id"]) for message in sent)
    assert len(per_chat) == 500 and set(per_chat.values()) == {1}
    assert sent_states(database_url) == Counter({"sent": 500})


def test_sigterm_mid_batch_then_restart_loses_and_repeats_nothing(database_url: str) -> None:
    prepare(database_url, 150)
    port = free_port()
    with FakeBotAPI() as api:
        first = start(api, database_url, port)
        wait_healthy(f"http://127.0.0.1:{port}", first)
        api.wait_for(40, timeout=90)  # in the middle of sending (about 30 a second)
        stop(first)
        states = sent_states(database_url)
        assert states["claimed"] == 0  # nothing left claimed by the stopped process
        assert 40 <= states["sent"] < 150
        second = start(api, database_url, port)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", second)
            api.wait_for(150, timeout=120)
        finally:
            stop(second)
        per_chat = Counter(int(message["chat_id"]) for message in api.sent_messages())
    assert len(per_chat) == 150 and set(per_chat.values()) == {1}
    assert sent_states(database_url) == Counter({"sent": 150})
