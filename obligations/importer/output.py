"""Candidates as a catalogue YAML file, each marked for review.

The catalogue schema forbids unknown keys, so "review: nodig" is a comment line
above each entry, not a field: the file passes `obligations catalogue check` as it
is, and a reviewer deletes the comment once the entry is right. The comment also
says where the sentence stands in the circular and, with --diff, what changed.
Strings are written as JSON strings, which are valid YAML double-quoted scalars,
so no quote or colon in a sentence can break the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from obligations.importer.candidates import Candidate

REVIEW_MARK = "# review: nodig"
# Vocabulary words and ids need no quotes; words YAML would read as booleans or null do.
_PLAIN = re.compile(r"[a-z][a-z0-9-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _value(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def entry_lines(candidate: Candidate, note: str = "") -> list[str]:
    """One candidate as YAML list item lines, with its review comment."""
    where = f"regel {candidate.line}: {candidate.phrase!r}"
    if candidate.also:
        where += ", ook regel " + ", ".join(str(line) for line in candidate.also)
    lines = [f"  {REVIEW_MARK} ({where}){' · ' + note if note else ''}"]
    for number, (key, value) in enumerate(candidate.record().items()):
        prefix = "  - " if number == 0 else "    "
        text = value if key == "id" else _value(value)
        lines.append(f"{prefix}{key}: {text}")
    return lines


def render(
    candidates: Sequence[Candidate],
    source_id: str,
    source_name: str,
    written: date,
    notes: dict[str, str] | None = None,
    header: Sequence[str] = (),
) -> str:
    """The YAML text of a candidates file."""
    lines = [
        f"# Kandidaat-verplichtingen uit {source_name} (geschreven {written.isoformat()}),",
        "# voorgesteld door `obligations import-circular`. Controleer bij elk item datum,",
        "# soort, onderwerpen, titel en actie tegen het citaat en haal daarna",
        f"# de regel '{REVIEW_MARK}' weg.",
        *(f"# {line}" for line in header),
        f"source: {source_id}",
    ]
    if not candidates:
        lines.append("obligations: []")
        return "\n".join(lines) + "\n"
    lines.append("obligations:")
    for index, candidate in enumerate(candidates):
        if index:
            lines.append("")
        lines.extend(entry_lines(candidate, (notes or {}).get(candidate.id, "")))
    return "\n".join(lines) + "\n"
