"""The browse-and-subscribe page, over HTTP and in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator

import httpx
import icalendar
import pytest

from obligations.app import App
from obligations.clock import FixedClock
from obligations.config import SHIPPED_CATALOGUE, Settings
from obligations.web import create_web_app
from tests.liveserver import free_port, running
from tests.test_feeds import NOW

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    database = tmp_path_factory.mktemp("web") / "web.sqlite3"
    settings = Settings.from_env(
        {
            "OBLIGATIONS_DATABASE_URL": f"sqlite:///{database}",
            "OBLIGATIONS_CATALOGUE_DIR": str(SHIPPED_CATALOGUE),
            "OBLIGATIONS_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
    )
    app = App.start(settings, FixedClock(NOW))
    app.sync()
    with running(create_web_app(app), port) as url:
        yield url


def test_topic_filter_lists_only_that_topic(site: str) -> None:
    page = httpx.get(site, params={"topic": "verkiezingen"}).text
    assert 'href="/obligations/gemeenteraadsverkiezingen-2022"' in page
    assert 'href="/obligations/opkoopbescherming-invoeren"' not in page
    assert f'href="webcal://{site.split("://")[1]}/feeds/topic/verkiezingen.ics"' in page


def test_period_filter_and_its_refusal(site: str) -> None:
    march = httpx.get(site, params={"period": "maart 2022"}).text
    assert "Verplichtingen in maart 2022" in march
    assert "/obligations/gemeenteraadsverkiezingen-2022" in march
    assert "/obligations/opkoopbescherming-invoeren" not in march
    refused = httpx.get(site, params={"period": "Q5 2022"}).text
    assert 'role="alert"' in refused and "vier kwartalen" in refused


def test_search_and_escaping(site: str) -> None:
    found = httpx.get(site, params={"q": "inburgering"}).text
    assert "/obligations/wet-inburgering-inwerkingtreding" in found
    hostile = httpx.get(site, params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in hostile
    assert "&lt;script&gt;" in hostile


def test_obligation_page_shows_source_and_precision(site: str) -> None:
    page = httpx.get(f"{site}/obligations/woo-inwerkingtreding").text
    assert "<h1>Wet open overheid treedt in werking</h1>" in page
    assert "eerste helft 2022 (verwacht)" in page and "op het halfjaar" in page
    assert "ligt momenteel bij de Eerste Kamer" in page
    assert httpx.get(f"{site}/obligations/bestaat-niet").status_code == 404


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it)",
)
def test_browser_filters_a_topic_and_subscribes(site: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page()
            page.goto(site)
            page.get_by_label("Onderwerp").select_option(label="Wonen")
            page.get_by_role("button", name="Toon").click()
            page.wait_for_url(re.compile(r"topic=wonen"))
            heading = page.get_by_role("heading", level=2, name=re.compile("Wonen"))
            assert heading.count() == 1
            listed = {
                href.split("/obligations/")[1]
                for href in page.locator("ul.items a").evaluate_all("els => els.map(e => e.href)")
            }
            feed_url = page.get_by_role("link", name="feedadres (https)").get_attribute("href")
        finally:
            browser.close()
    assert feed_url is not None and feed_url.endswith("/feeds/topic/wonen.ics")
    feed = icalendar.Calendar.from_ical(httpx.get(feed_url).content)
    in_feed = {str(e["UID"]).removesuffix("@obligations-catalogue") for e in feed.walk("VEVENT")}
    assert in_feed == listed and "opkoopbescherming-invoeren" in in_feed
    for event in feed.walk("VEVENT"):
        assert "Wonen" in str(event["CATEGORIES"].to_ical().decode())
