"""`obligations serve` as an operator runs it: a real process, real HTTP, the fake Bot API."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import process_env
from tests.fakebotapi import FakeBotAPI
from tests.liveserver import free_port


def wait_healthy(url: str, process: subprocess.Popen[str], timeout: float = 20) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise AssertionError(
                f"serve exited early: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError("serve did not become healthy")


def test_serve_runs_web_and_bot_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    with FakeBotAPI() as api:
        env = process_env()
        env.update(
            OBLIGATIONS_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
            OBLIGATIONS_HTTP_PORT=str(port),
            OBLIGATIONS_NOW="2022-01-10",
            TELEGRAM_BOT_TOKEN=api.token,
            TELEGRAM_API_BASE_URL=api.base_url,
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "obligations.cli", "serve"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, process)
            assert b"BEGIN:VCALENDAR" in httpx.get(f"{url}/feeds/all.ics").content
            api.message(42, "wat moet er dit kwartaal?")
            reply = api.wait_for(1, chat_id=42, timeout=15)[-1]
            assert "1e kwartaal 2022" in reply["text"]  # OBLIGATIONS_NOW reached the bot
        finally:
            process.send_signal(signal.SIGTERM)
            _, errors = process.communicate(timeout=20)
        assert process.returncode == 0, errors
        assert "Traceback" not in errors


def test_serve_without_token_says_so(tmp_path: Path) -> None:
    port = free_port()
    env = process_env()
    env.update(
        OBLIGATIONS_DATABASE_URL=f"sqlite:///{tmp_path / 's.sqlite3'}",
        OBLIGATIONS_HTTP_PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "obligations.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "TELEGRAM_BOT_TOKEN is niet gezet" in errors


def test_webhook_mode_checks_the_secret(tmp_path: Path) -> None:
    port = free_port()
    with FakeBotAPI() as api:
        env = process_env()
        env.update(
            OBLIGATIONS_DATABASE_URL=f"sqlite:///{tmp_path / 'hook.sqlite3'}",
            OBLIGATIONS_HTTP_PORT=str(port),
            OBLIGATIONS_NOW="2022-01-10",
            TELEGRAM_BOT_TOKEN=api.token,
            TELEGRAM_API_BASE_URL=api.base_url,
            OBLIGATIONS_WEBHOOK_URL="https://verplichtingen.example",
            OBLIGATIONS_WEBHOOK_SECRET="geheim-en-lang-genoeg",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "obligations.cli", "serve"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, process)
            registered = api.calls("setWebhook")[-1].params
            assert registered["url"] == "https://verplichtingen.example/telegram/webhook"
            assert registered["secret_token"] == "geheim-en-lang-genoeg"
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 5,
                    "date": 1641800000,
                    "text": "/wat maart 2022",
                    "chat": {"id": 42, "type": "private", "first_name": "Piet"},
                    "from": {"id": 42, "is_bot": False, "first_name": "Piet"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
                },
            }
            hook = f"{url}/telegram/webhook"
            wrong = httpx.post(
                hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nee"}
            )
            assert wrong.status_code == 403
            right = httpx.post(
                hook,
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "geheim-en-lang-genoeg"},
            )
            assert right.status_code == 200
            reply = api.wait_for(1, chat_id=42, timeout=15)[-1]
            assert "maart 2022" in reply["text"]
            assert api.calls("getUpdates") == []  # no polling in webhook mode
        finally:
            process.send_signal(signal.SIGTERM)
            _, errors = process.communicate(timeout=20)
        assert process.returncode == 0, errors
