"""From a circular's text to candidate catalogue entries that a person reviews.

The pipeline, one module per step:

- `repair`: undo the PDF-to-text damage (page furniture, footnotes, URLs, bullets,
  hyphenated words) while remembering where every kept character stood in the source,
  so a quote can always be cut verbatim from the original.
- `structure`: chapters, sections and paragraphs.
- `sentences`: paragraphs into sentences (Dutch abbreviations do not end one).
- `dates`: Dutch date expressions into periods with a precision.
- `certainty`: the words that make a date expected or uncertain.
- `suggest`: a kind, topics and an amount for a proposal.
- `candidates`: the proposals themselves; `output` writes them as catalogue YAML.
- `diff`: new, changed or already known against an existing catalogue.
- `command`: the `obligations import-circular` sub-command.
"""

from obligations.importer.candidates import Candidate, import_circular

__all__ = ["Candidate", "import_circular"]
