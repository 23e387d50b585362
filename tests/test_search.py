"""Word search over the shipped catalogue, as staff would type their questions."""

from __future__ import annotations

import pytest

from obligations.catalogue import Obligation, load_catalogue
from obligations.config import SHIPPED_CATALOGUE
from obligations.search import fold, load_abbreviations, search, trim


@pytest.fixture(scope="module")
def items() -> list[Obligation]:
    return load_catalogue(SHIPPED_CATALOGUE).obligations


def ids(items: list[Obligation], query: str) -> list[str]:
    abbreviations = load_abbreviations(SHIPPED_CATALOGUE)
    return [hit.obligation.id for hit in search(items, query, abbreviations)]


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("inburgering", "wet-inburgering-inwerkingtreding"),
        ("Wet inburgering", "wet-inburgering-inwerkingtreding"),
        ("Woo", "woo-inwerkingtreding"),
        ("wet open overheid", "woo-inwerkingtreding"),
        ("gemeenteraadsverkiezingen", "gemeenteraadsverkiezingen-2022"),
        ("opkoopbescherming", "opkoopbescherming-invoeren"),
        ("STAP", "stap-budget-aanvragen"),
        ("stap-budget", "stap-budget-aanvragen"),
        ("cyberoefening", "overheidsbrede-cyberoefening-oktober"),
    ],
)
def test_the_obvious_entry_comes_first(
    items: list[Obligation], query: str, expected_first: str
) -> None:
    found = ids(items, query)
    assert found and found[0] == expected_first, found[:5]


def test_abbreviation_does_not_match_inside_other_words(items: list[Obligation]) -> None:
    # "stap" stands inside "stapsgewijs" and "overstap"; the abbreviation must not.
    assert ids(items, "STAP") == ["stap-budget-aanvragen"]


def test_accents_and_inflection_are_ignored(items: list[Obligation]) -> None:
    assert fold("Financiën") == "financien"
    assert trim("verkiezingen") == "verkiez" and trim("woningen") == "woning"
    with_accent = set(ids(items, "reëel accres"))
    without = set(ids(items, "reeel accres"))
    assert with_accent and with_accent == without
    singular = set(ids(items, "verkiezing"))
    assert "gemeenteraadsverkiezingen-2022" in singular


def test_only_stopwords_or_nonsense_find_nothing(items: list[Obligation]) -> None:
    assert ids(items, "wat is de") == []
    assert ids(items, "qwxzy") == []
