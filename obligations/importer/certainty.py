"""How sure a circular is about a date: vast, verwacht or onzeker.

The catalogue's rule: "naar verwachting", "beoogd", "streven" and "onder
voorbehoud" make a date expected; "mogelijk", or depending on a new cabinet, makes
it uncertain. Uncertainty wins over expectation ("het streven is 1 juli 2022, maar
behandeling is pas mogelijk nadat er een nieuw kabinet is"). The cabinet often
comes up in the sentence after the date, so that one is read for it too.
"""

from __future__ import annotations

import re

_EXPECTED = re.compile(
    r"\bnaar verwachting\b|\bverwacht(?:en|e|te)?\b|\bbeoogd(?:e)?\b|\bstreven\b|\bstreeft\b"
    r"|\bnagestreefd\b|\bstreefdatum\b|\bonder voorbehoud\b|\bgepland(?:e)?\b|\bvoorgenomen\b"
    r"|\bvoornemen(?:s)?\b|\bambitie\b|\bwaarschijnlijk\b|\bin voorbereiding\b|\bzou(?:den)?\b",
    re.IGNORECASE,
)
_UNCERTAIN = re.compile(
    r"\bonzeker(?:heid)?\b|\bonduidelijk\b|\bmits\b|\btenzij\b|\beventuele?\b|\bafhankelijk van\b"
    r"|\bnog niet (?:duidelijk|bekend|besloten|vastgesteld|gehonoreerd|zeker)\b"
    r"|\b(?:kan|kunnen) worden verlengd\b|\baanvullende besluitvorming\b|\bcontroversieel\b"
    r"|\bindien\b",
    re.IGNORECASE,
)
_NEW_CABINET = re.compile(
    r"\b(?:nieuwe?|volgende?|komende?) kabinet\b|\bkabinetsformatie\b|\bde formatie\b",
    re.IGNORECASE,
)
# "mogelijk" as a hedge, not in "zo snel mogelijk", "mogelijk maken" or "is het mogelijk om".
_MAYBE = re.compile(r"\bmogelijk(?:e)?\b", re.IGNORECASE)
_NOT_A_HEDGE = re.compile(
    r"(?:\bzo(?:veel)?(?:\s+\w+)?\s+$)|(?:\b(?:is|wordt|worden|zijn|was|het|niet|pas)\s+$)",
    re.IGNORECASE,
)
_NOT_A_HEDGE_AFTER = re.compile(r"^\s+(?:om|te|gemaakt|maken|maakt|is|zijn|nadat)\b", re.IGNORECASE)


def _hedged(text: str) -> bool:
    for m in _MAYBE.finditer(text):
        before, after = text[: m.start()], text[m.end() :]
        if not _NOT_A_HEDGE.search(before) and not _NOT_A_HEDGE_AFTER.match(after):
            return True
    return False


def certainty(sentence: str, following: str = "") -> str:
    """'onzeker', 'verwacht' or 'vast' for a date in `sentence`."""
    if _UNCERTAIN.search(sentence) or _hedged(sentence) or _NEW_CABINET.search(sentence):
        return "onzeker"
    if _NEW_CABINET.search(following):
        return "onzeker"
    if _EXPECTED.search(sentence):
        return "verwacht"
    return "vast"
