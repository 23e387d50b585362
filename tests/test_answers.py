"""Free questions against the shipped catalogue, answered as the bot and `ask` will."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from obligations.answers import Answer, answer_question, answer_text
from obligations.catalogue import load_catalogue
from obligations.config import SHIPPED_CATALOGUE
from obligations.queries import Catalog
from obligations.search import load_abbreviations
from obligations.store import open_database
from obligations.sync import sync_catalogue

NOW = datetime(2022, 1, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    path: Path = tmp_path_factory.mktemp("answers") / "answers.sqlite3"
    engine = open_database(f"sqlite:///{path}")
    sync_catalogue(engine, load_catalogue(SHIPPED_CATALOGUE), NOW)
    return Catalog(engine)


def ask(catalog: Catalog, question: str, now: datetime = NOW) -> Answer:
    return answer_question(question, now, catalog, load_abbreviations(SHIPPED_CATALOGUE))


def ids(answer: Answer) -> list[str]:
    return [item.obligation.id for item in answer.items]


def test_quarter_question_lists_named_cases(catalog: Catalog) -> None:
    answer = ask(catalog, "wat moet er dit kwartaal?")
    assert answer.understood and answer.grouped
    for expected in (
        "gemeenteraadsverkiezingen-2022",
        "stap-budget-aanvragen",
        "opkoopbescherming-invoeren",
        "wet-inburgering-inwerkingtreding",
        "woo-inwerkingtreding",
    ):
        assert expected in ids(answer)
    assert answer.heading.startswith(f"{len(answer.items)} verplichting(en) voor 1e kwartaal 2022")
    assert all(item.span.start <= datetime(2022, 3, 31).date() for item in answer.items)
    assert all(item.span.end >= datetime(2022, 1, 1).date() for item in answer.items)


def test_english_question_reads_the_same_period(catalog: Catalog) -> None:
    dutch = ask(catalog, "wat komt er volgende maand aan?")
    english = ask(catalog, "what's due next month?")
    assert ids(dutch) == ids(english) and dutch.items
    assert "februari 2022" in english.heading


def test_topic_in_question_narrows_the_period(catalog: Catalog) -> None:
    everything = ids(ask(catalog, "wat moet er dit kwartaal?"))
    housing = ask(catalog, "wat moet er dit kwartaal voor wonen?")
    assert "onderwerp Wonen" in housing.heading
    assert "opkoopbescherming-invoeren" in ids(housing)
    assert set(ids(housing)) < set(everything)
    assert all("wonen" in item.obligation.topics for item in housing.items)


def test_when_question_finds_the_election_first(catalog: Catalog) -> None:
    answer = ask(catalog, "wanneer zijn de gemeenteraadsverkiezingen?")
    assert ids(answer)[0] == "gemeenteraadsverkiezingen-2022"
    assert "16 maart 2022 · Gemeenteraadsverkiezingen" in answer_text(answer)


@pytest.mark.parametrize("question", ["Q5 2022", "32 maart", "blabla", "", "?"])
def test_not_understood_never_becomes_a_guess(catalog: Catalog, question: str) -> None:
    answer = ask(catalog, question)
    assert not answer.understood and answer.items == ()
    assert len(answer.examples) == 3
    assert "Probeer bijvoorbeeld:" in answer_text(answer)


def test_before_april_runs_from_today(catalog: Catalog) -> None:
    answer = ask(catalog, "wat moet er vóór 1 april?")
    assert "10 januari t/m 31 maart 2022" in answer.heading
    assert "opkoopbescherming-invoeren" not in ids(answer)  # 1 januari is already past
    assert "gemeenteraadsverkiezingen-2022" in ids(answer)


def test_what_comes_next_leaves_out_running_programmes(catalog: Catalog) -> None:
    answer = ask(catalog, "wat komt eraan?")
    assert answer.items
    for item in answer.items:
        started = item.span.start < NOW.date()
        assert not started or (item.span.end - item.span.start).days <= 184, item.obligation.id


def test_amsterdam_midnight_decides_the_month(catalog: Catalog) -> None:
    late_march_utc = datetime(2022, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April in Amsterdam
    assert "april 2022" in ask(catalog, "wat moet er deze maand?", late_march_utc).heading
