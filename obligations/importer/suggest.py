"""First guesses for a proposal's kind, topics, amount and action.

Guesses, not answers: every candidate is reviewed. Kinds follow the catalogue's
vocabulary (obligations/vocabulary.py) by the verbs circulars use ("treedt in
werking", "loopt af", "kunnen aanvragen"). Topics come from the catalogue's own
topics.yaml: the words of each label and description, plus a few synonyms for the
shipped topic ids, matched in the sentence, the section and the chapter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from obligations.catalogue import Topic

# (kind, pattern) in order of precedence; the first that matches wins.
_KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in [
        ("verkiezing", r"verkiezingen (?:op|van) \d"),
        (
            "afloop",
            r"\bloopt?\b[^.]{0,40}\baf\b|\blopen\b[^.]{0,40}\baf\b|\baflopen\b|\beindigt\b"
            r"|\bten einde\b|\bbeëindig|\bloopt nog tot\b|\bverlengd tot\b|\bniet opvolgend\b",
        ),
        (
            "inwerkingtreding",
            r"\bin werking\b|\binwerkingtreding\b|\bvan kracht\b|\bingevoerd\b"
            r"|\bgaat\b[^.]{0,30}\bin,|\binvoering\b|\bingaat\b|\binvoeren\b",
        ),
        (
            "deadline",
            r"\buiterlijk\b|\bdeadline\b|\b(?:moet|moeten)\b[^.]{0,80}"
            r"\b(?:zijn|hebben|klaar|gereed|gerealiseerd|bereiken)\b|\bklaar\b|\bnagestreefd\b"
            r"|\bdient\b[^.]{0,80}\bte zijn\b|\bambitie\b[^.]{0,30}\bis dat\b",
        ),
        ("aanvraag", r"\baanvra(?:gen|ag)\b|\baan te vragen\b|\boproep\b|\bindienen\b"),
        ("evaluatie", r"\bevaluat|\bevalueren\b|\bgeëvalueerd\b|\bonderzoek\b"),
        (
            "evenement",
            r"\boefening\b|\bbijeenkomst|\bmasterclass|\bcampagne\b|\bcongres\b"
            r"|\bconferentie\b|\bvoortgezet\b|\bprogramma\b[^.]{0,40}\bjaar\b",
        ),
        (
            "financiering",
            r"€|\beuro\b|\bmiljoen\b|\bmiljard\b|\bbudget\b|\bmiddelen\b"
            r"|\buitkering\b|\bbedrag\b|\bsubsidie|\bgereserveerd\b|\binvesteer|\baccres"
            r"|\bvrijval\b|\bsteunmaatregel",
        ),
        (
            "besluitvorming",
            r"\bwetsvoorstel\b|\bwetgeving\b|\bwetswijziging\b|\bkamer\b|\bbesluit"
            r"|\bminister\b|\bagenda\b|\bonderhandel|\bplan van aanpak\b|\bvastgesteld\b"
            r"|\bkabinet\b",
        ),
        # What municipalities do is a task; what others do, they follow as a decision.
        ("taak", r"\bgemeente"),
        ("besluitvorming", r"."),
    ]
]
_ACTIONS = {
    "inwerkingtreding": "Bereid de gemeente voor op de inwerkingtreding en pas werkprocessen "
    "en regels tijdig aan.",
    "deadline": "Zorg dat de gemeente op de genoemde datum aan deze verplichting voldoet.",
    "taak": "Richt de uitvoering van deze taak in de gemeente in.",
    "financiering": "Verwerk de gevolgen van deze middelen in de begroting en meerjarenraming.",
    "aanvraag": "Bepaal of de gemeente een aanvraag doet en dien die tijdig in.",
    "verkiezing": "Organiseer de verkiezing en bereid die tijdig voor.",
    "afloop": "Houd rekening met het aflopen hiervan en bepaal wat daarna nodig is.",
    "verrekening": "Verwerk de verrekening in de begroting zodra de circulaire verschijnt.",
    "besluitvorming": "Volg de besluitvorming en bereid de gemeente voor op de uitkomst.",
    "evaluatie": "Volg de evaluatie en breng de ervaringen van de gemeente in.",
    "evenement": "Bepaal of de gemeente meedoet en plan dit in.",
}
# Extra words for the shipped topic ids ("|" between them); unknown ids simply get none.
_SYNONYMS: dict[str, str] = {
    "financien": (
        "algemene uitkering|accres|btw-compensatiefonds|bcf|meicirculaire|"
        "septembercirculaire|opschalingskorting|integratie-uitkering|uitname"
    ),
    "bestuur": (
        "wethouder|gemeenteraad|integriteit|ambtsdrager|klokkenluider|regeerperiode|"
        "partnerschap|weerbaar"
    ),
    "verkiezingen": "verkiezing|stembiljet|kiesraad",
    "informatiehuishouding": "woo|openbaarheid|archief|plooi|open overheid",
    "digitaal": (
        "digitale|digitaal|brp|cyber|ict|glasvezel|algoritme|telecommunicatie|mobiele|"
        "inlogmiddel|machtig|dienstverlening|informatiebeveiliging|bio|data"
    ),
    "wonen": "woning|huisvesting|opkoopbescherming|verhuurder|dakloos",
    "ruimte": "omgevingswet|binnenstad|binnensteden|winkelgebied|vth|vergunningverlening",
    "klimaat-energie": "energie|klimaat|res|co2|warmte|isolatie|emissie|duurzame",
    "mobiliteit": "verkeer|mobiliteit|vervoer|wegen",
    "water-milieu": "circulaire economie|grondstoffen|asbest|milieu|water|safe-by-design|mvi",
    "economie": (
        "ondernemer|steunmaatregel|steunpakket|groeifonds|aanbested|regio deal|"
        "regiodeal|economische"
    ),
    "veiligheid": (
        "ondermijning|politie|crisis|mensenhandel|huiselijk geweld|criminaliteit|"
        "cyberoefening|veiligheid|prostitu|sekswerk"
    ),
    "justitie": (
        "rechtspraak|rechtsbijstand|gedetineerde|recidive|advocatuur|strafbaarstelling|"
        "justitie|forensische"
    ),
    "integratie": "inburgering|statushouder|asiel",
    "onderwijs": "onderwijs|scholen|laaggeletterd|basisvaardigheden|volwassenen",
    "cultuur-sport": "cultuur|culturele|sport",
    "werk-inkomen": (
        "participatiewet|buig|loonkostensubsidie|wsw|werkgever|werknemer|pensioen|"
        "stap-budget|re-integratie|arbeidsmarkt|banenafspraak|ouderschapsverlof|tozo|"
        "bijstand|arbeidsmigrant|omscholing"
    ),
    "schulden-armoede": "schulden|armoede|bijzondere bijstand|kinderopvangtoeslag|gedupeerde",
    "jeugd": (
        "jeugd|kinderen|minderjarigen|jongeren|gastouderopvang|kinderopvang|diensttijd|"
        "kindermishandeling"
    ),
    "zorg-welzijn": "beschermd wonen|wmo|wlz|pgb|ouderen|zorg|welzijn|verward gedrag|onverzekerden",
    "gezondheid": "ggd|vaccinatie|corona|gezondheid|pandemi|preventie",
}
# Words of topic descriptions that say nothing about a topic ("gemeenten" is in all).
_STOPWORDS = {
    "en", "de", "het", "van", "voor", "een", "in", "op", "met", "zoals", "of", "die", "dat",
    "aan", "bij", "door", "tot", "over", "naar", "andere", "overige", "gemeente", "gemeenten",
    "gemeentelijke", "organiseren", "overheid", "rijk", "beleid", "lokale", "nationale",
}  # fmt: skip
_AMOUNT = re.compile(
    r"€\s?(?P<num>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<dec>\d+))?(?:\s*(?P<unit>miljoen|miljard|mln|mld)\b)?"
    r"|(?P<num2>\d+)(?:,(?P<dec2>\d+))?\s+(?P<unit2>miljoen|miljard)\s+euro\b",
    re.IGNORECASE,
)
_UNITS = {"miljoen": 10**6, "mln": 10**6, "miljard": 10**9, "mld": 10**9}


def fold(text: str) -> str:
    """Lower case without accents, for matching words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def suggest_kind(sentence: str, role: str) -> str:
    """The catalogue kind a sentence most likely describes, given how its date is used."""
    if role == "circular":
        return "verrekening"
    if role == "deadline":
        return "deadline"
    if role == "until" and not re.search(r"\bin werking\b", sentence):
        return "afloop"
    for kind, pattern in _KIND_RULES:
        if pattern.search(sentence):
            return kind
    return "taak"


def action_for(kind: str) -> str:
    return _ACTIONS.get(kind, _ACTIONS["taak"])


def _stem(word: str) -> str:
    for ending in ("en", "s"):
        if len(word) > 6 and word.endswith(ending):
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class TopicMatcher:
    """Keywords per topic id, from the catalogue's topics and the built-in synonyms."""

    keywords: dict[str, tuple[str, ...]]

    @classmethod
    def from_topics(cls, topics: Iterable[Topic]) -> TopicMatcher:
        keywords: dict[str, tuple[str, ...]] = {}
        for topic in topics:
            words = re.findall(r"[\w'-]+", fold(f"{topic.label} {topic.description}"))
            own = {_stem(w) for w in words if w not in _STOPWORDS and len(w) > 2}
            own.update(fold(s) for s in _SYNONYMS.get(topic.id, "").split("|") if s)
            keywords[topic.id] = tuple(sorted(own))
        return cls(keywords)

    def _score(self, text: str) -> dict[str, int]:
        folded = fold(text)
        tokens = re.findall(r"[\w'-]+", folded)
        scores: dict[str, int] = {}
        for topic_id, words in self.keywords.items():
            hits = 0
            for word in words:
                if " " in word:
                    hits += folded.count(word)
                elif len(word) <= 3:
                    hits += sum(1 for t in tokens if t == word)
                elif len(word) < 6:  # "open" must not hit "oplopen"
                    hits += sum(1 for t in tokens if t.startswith(word))
                else:  # compounds: "jeugdzorg" in "tekorten-jeugdzorg", "woning" in "huurwoning"
                    hits += sum(1 for t in tokens if word in t)
            if hits:
                scores[topic_id] = hits
        return scores

    def suggest(self, sentence: str, section: str, chapter: str) -> list[str]:
        """One to three topic ids, best first; never empty while there are topics."""
        total: dict[str, int] = {}
        for text, weight in ((sentence, 3), (section, 2), (chapter, 1)):
            for topic_id, hits in self._score(text).items():
                total[topic_id] = total.get(topic_id, 0) + weight * hits
        if not total:
            return list(self.keywords)[:1]
        ranked = sorted(total.items(), key=lambda kv: (-kv[1], list(self.keywords).index(kv[0])))
        best = ranked[0][1]
        chosen = [topic_id for topic_id, score in ranked[:3] if score * 2 >= best]
        return chosen


def amount_eur(sentence: str) -> int | None:
    """The amount in euros when the sentence names exactly one; otherwise None."""
    amounts: set[int] = set()
    for m in _AMOUNT.finditer(sentence):
        number = (m["num"] or m["num2"] or "").replace(".", "")
        decimals = m["dec"] or m["dec2"] or ""
        unit = (m["unit"] or m["unit2"] or "").lower()
        value = float(f"{number}.{decimals}" if decimals else number)
        amounts.add(round(value * _UNITS.get(unit, 1)))
    return amounts.pop() if len(amounts) == 1 else None
