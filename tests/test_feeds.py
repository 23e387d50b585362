"""Calendar feeds over real HTTP, parsed by three independent iCalendar parsers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import icalendar
import ics
import pytest
import vobject

from obligations.app import App
from obligations.clock import FixedClock
from obligations.config import SHIPPED_CATALOGUE, Settings
from obligations.teams import ensure_chat, new_feed_token, subscribe
from obligations.web import create_web_app
from tests.liveserver import running

NOW = datetime(2021, 10, 1, 9, 0, tzinfo=UTC)


@dataclass
class Server:
    url: str
    app: App
    catalogue: Path


def start_app(database_url: str, catalogue: Path) -> App:
    settings = Settings.from_env(
        {
            "OBLIGATIONS_DATABASE_URL": database_url,
            "OBLIGATIONS_CATALOGUE_DIR": str(catalogue),
            "OBLIGATIONS_PUBLIC_URL": "https://verplichtingen.example",
        }
    )
    app = App.start(settings, FixedClock(NOW))
    app.sync()
    return app


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(SHIPPED_CATALOGUE, copy)
    return copy


@pytest.fixture
def server(database_url: str, catalogue: Path) -> Iterator[Server]:
    app = start_app(database_url, catalogue)
    with running(create_web_app(app)) as url:
        yield Server(url, app, catalogue)


def events_by_uid(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def day_of(event: icalendar.Event, key: str) -> date:
    value = event.decoded(key)
    assert isinstance(value, date) and not isinstance(value, datetime), (key, value)
    return value


@pytest.mark.parametrize(
    ("identifier", "start", "summary_part", "status"),
    [
        ("woo-inwerkingtreding", date(2022, 1, 1), "(eerste helft 2022, verwacht)", "TENTATIVE"),
        ("opkoopbescherming-invoeren", date(2022, 1, 1), "opkoopbescherming", "CONFIRMED"),
        ("wet-inburgering-inwerkingtreding", date(2022, 1, 1), "Wet inburgering", "CONFIRMED"),
        (
            "gemeenteraadsverkiezingen-2022",
            date(2022, 3, 16),
            "Gemeenteraadsverkiezingen",
            "CONFIRMED",
        ),
        ("stap-budget-aanvragen", date(2022, 3, 1), "STAP", "CONFIRMED"),
    ],
)
def test_named_cases_in_the_full_feed(
    server: Server, identifier: str, start: date, summary_part: str, status: str
) -> None:
    response = httpx.get(f"{server.url}/feeds/all.ics")
    event = events_by_uid(response.content)[f"{identifier}@obligations-catalogue"]
    assert day_of(event, "DTSTART") == start
    assert (day_of(event, "DTEND") - start).days == 1  # one all-day event, never a 181-day block
    assert summary_part in str(event["SUMMARY"])
    assert str(event["STATUS"]) == status
    assert str(event["URL"]) == f"https://verplichtingen.example/obligations/{identifier}"
    assert "Citaat: “" in str(event["DESCRIPTION"])


def test_three_parsers_agree_on_every_event(server: Server) -> None:
    body = httpx.get(f"{server.url}/feeds/all.ics").content
    ours = events_by_uid(body)
    assert len(ours) == server.app.catalog.all().__len__() >= 100
    second = {str(e.uid.value): e.dtstart.value for e in vobject.readOne(body.decode()).vevent_list}
    third = {event.uid: event.begin.date() for event in ics.Calendar(body.decode()).events}
    assert set(second) == set(ours) == set(third)
    for uid, event in ours.items():
        assert second[uid] == day_of(event, "DTSTART") == third[uid], uid


def test_wire_format_and_headers(server: Server) -> None:
    response = httpx.get(f"{server.url}/feeds/all.ics", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "content-encoding" not in response.headers
    assert "content-disposition" not in response.headers
    raw = response.content
    lines = raw.split(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # long lines are folded
    calendar = icalendar.Calendar.from_ical(raw)
    for name in (
        "PRODID",
        "VERSION",
        "CALSCALE",
        "METHOD",
        "NAME",
        "X-WR-CALNAME",
        "X-WR-CALDESC",
        "REFRESH-INTERVAL",
        "X-PUBLISHED-TTL",
    ):
        assert name in calendar, name
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert b"BEGIN:VALARM" not in raw  # public feeds carry no alarms


def test_etag_and_last_modified_give_304_and_head_has_no_body(server: Server) -> None:
    first = httpx.get(f"{server.url}/feeds/all.ics")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = httpx.get(f"{server.url}/feeds/all.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    since = httpx.get(f"{server.url}/feeds/all.ics", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = httpx.get(f"{server.url}/feeds/all.ics", headers={"If-None-Match": '"anders"'})
    assert other.status_code == 200 and other.content == first.content
    head = httpx.head(f"{server.url}/feeds/all.ics")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag


def test_uids_are_stable_across_restarts_and_fresh_databases(
    server: Server, tmp_path: Path
) -> None:
    first = httpx.get(f"{server.url}/feeds/all.ics").content
    fresh = start_app(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", server.catalogue)
    with running(create_web_app(fresh)) as other:
        second = httpx.get(f"{other}/feeds/all.ics").content
    assert sorted(events_by_uid(first)) == sorted(events_by_uid(second))
    assert len(set(events_by_uid(first))) == first.count(b"BEGIN:VEVENT")


def test_catalogue_change_raises_sequence_and_changes_etag(server: Server) -> None:
    before = httpx.get(f"{server.url}/feeds/all.ics")
    path = server.catalogue / "obligations" / "02-binnenlandse-zaken-koninkrijksrelaties.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "title: Gemeenteraadsverkiezingen 2022",
            "title: Gemeenteraadsverkiezingen 2022 (gewijzigd)",
        ),
        "utf-8",
    )
    server.app.clock = FixedClock(datetime(2021, 10, 2, tzinfo=UTC))
    assert server.app.sync().changed == ["gemeenteraadsverkiezingen-2022"]
    after = httpx.get(
        f"{server.url}/feeds/all.ics", headers={"If-None-Match": before.headers["etag"]}
    )
    assert after.status_code == 200
    uid = "gemeenteraadsverkiezingen-2022@obligations-catalogue"
    old, new = events_by_uid(before.content)[uid], events_by_uid(after.content)[uid]
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert new.decoded("LAST-MODIFIED") > old.decoded("LAST-MODIFIED")
    assert "(gewijzigd)" in str(new["SUMMARY"])


def test_recurring_obligation_is_one_event_with_a_rule(server: Server) -> None:
    event = events_by_uid(httpx.get(f"{server.url}/feeds/all.ics").content)[
        "overheidsbrede-cyberoefening-oktober@obligations-catalogue"
    ]
    assert event["RRULE"]["FREQ"] == ["YEARLY"]


def test_topic_feed_holds_only_that_topic(server: Server) -> None:
    body = httpx.get(f"{server.url}/feeds/topic/verkiezingen.ics").content
    expected = {f"{o.id}@obligations-catalogue" for o in server.app.catalog.all("verkiezingen")}
    assert set(events_by_uid(body)) == expected and expected
    assert "Verkiezingen" in str(icalendar.Calendar.from_ical(body)["X-WR-CALNAME"])


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/topic/bestaat-niet.ics",
        "/feeds/" + "A" * 43 + ".ics",
        "/feeds/kort.ics",
        "/feeds/" + "x" * 5000 + ".ics",
        "/feeds/..%2F..%2Fetc%2Fpasswd.ics",
        "/feeds/%00.ics",
        "/feeds/topic/..%2Fall.ics",
    ],
)
def test_wrong_feeds_are_plain_404(server: Server, path: str) -> None:
    response = httpx.get(server.url + path)
    assert response.status_code == 404
    assert response.text in ("Niet gevonden.", "Not Found")


def test_team_feed_follows_subscriptions_and_token_renewal(server: Server) -> None:
    engine = server.app.engine
    ensure_chat(engine, -1001, "supergroup", "Team Wonen", NOW)
    subscribe(engine, -1001, ["wonen"], NOW)
    token = new_feed_token(engine, -1001, NOW)
    assert len(token) == 43  # 256 bits, url-safe base64
    response = httpx.get(f"{server.url}/feeds/{token}.ics")
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("private")
    uids = set(events_by_uid(response.content))
    expected = {f"{o.id}@obligations-catalogue" for o in server.app.catalog.all("wonen")}
    assert uids == expected and "opkoopbescherming-invoeren@obligations-catalogue" in uids
    assert b"BEGIN:VALARM" not in response.content
    alarmed = httpx.get(f"{server.url}/feeds/{token}.ics?alarms=1").content
    event = events_by_uid(alarmed)["opkoopbescherming-invoeren@obligations-catalogue"]
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert [t.days * 24 + t.seconds // 3600 for t in triggers] == [-711, -159, -15, 9]

    renewed = new_feed_token(engine, -1001, NOW)
    assert httpx.get(f"{server.url}/feeds/{token}.ics").status_code == 404
    assert httpx.get(f"{server.url}/feeds/{renewed}.ics").status_code == 200


def test_health_reports_the_database(server: Server) -> None:
    response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"
