"""The deploy files, checked with what runs here (there is no Docker engine on these
machines): the image installs exactly as the README does, and the compose file and the
systemd unit start the same command with the settings it needs."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_dockerfile_installs_as_the_readme_does() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    run_command = re.search(r"```sh\n(python3 -m venv .*?)\n```", readme)
    assert run_command is not None
    install = run_command.group(1).split(" && .venv/bin/obligations")[0]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f"RUN {install}" in dockerfile
    assert "USER obligations" in dockerfile and "HEALTHCHECK" in dockerfile
    assert 'CMD ["obligations", "serve"]' in dockerfile


def test_compose_runs_the_app_on_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    app, db = compose["services"]["app"], compose["services"]["db"]
    assert app["environment"]["OBLIGATIONS_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert db["image"].startswith("postgres:")


def test_systemd_unit_starts_serve_and_stops_with_sigterm() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(ROOT / "deploy" / "obligations.service")
    service = unit["Service"]
    assert service["ExecStart"].endswith("/.venv/bin/obligations serve")
    assert service["KillSignal"] == "SIGTERM"
    assert service["EnvironmentFile"] == "/etc/obligations/env"


def test_example_env_names_only_known_settings() -> None:
    known = set(
        re.findall(r"`((?:OBLIGATIONS|TELEGRAM)_[A-Z_]+)`", (ROOT / "README.md").read_text())
    )
    names = set(
        re.findall(
            r"^#?\s*((?:OBLIGATIONS|TELEGRAM)_[A-Z_]+)=",
            (ROOT / "deploy" / "example.env").read_text(),
            re.MULTILINE,
        )
    )
    assert names and names <= known, names - known
