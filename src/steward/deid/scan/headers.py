"""Hints from column headers.

A header is weak evidence: it can raise or lower the confidence of a kind the content
already shows, and it breaks ties for the weak kinds (names, postal codes, ages, plain
decimal coordinates) whose content alone is ambiguous. It never creates a detection by
itself for the other kinds.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from steward.deid.scan.registry import detectors

# kind -> header words (after splitting on case, digits and punctuation) that suggest it,
# for the kinds that have no detector in the registry (their content rules live in
# categorical.py, names.py and roles.py).
OTHER_HINT_WORDS: Final[dict[str, frozenset[str]]] = {
    "age": frozenset({"age", "years"}),
    "gender": frozenset({"gender", "sex"}),
    "city": frozenset({"city", "town", "municipality"}),
    "occupation": frozenset({"occupation", "job", "profession", "employment", "title"}),
    "marital_status": frozenset({"marital", "married", "spouse"}),
    "health": frozenset({"diagnosis", "condition", "health", "medical", "disease", "icd"}),
    "ethnicity": frozenset({"ethnicity", "race", "ethnic"}),
    "religion": frozenset({"religion", "faith", "religious"}),
    "free_text": frozenset(
        {"notes", "note", "comment", "comments", "description", "text", "message"}
    ),
}


@lru_cache(maxsize=1)
def hint_words() -> dict[str, frozenset[str]]:
    """Every kind's header words: the registry's detectors, then the other kinds."""
    return {**{d.kind: d.hints for d in detectors() if d.hints}, **OTHER_HINT_WORDS}


# Words that name a non-personal column; they lower the confidence of weak kinds.
NEGATIVE_WORDS: Final = frozenset(
    {"product", "sku", "order", "invoice", "version", "item", "price", "amount",
     "qty", "quantity", "count", "total", "file", "host", "server", "company", "brand"}
)  # fmt: skip

_SPLIT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def header_words(name: str) -> frozenset[str]:
    """The lower-case words of a header: ``"dateOfBirth_2"`` -> {date, of, birth, 2}."""
    words = {word.lower() for word in _SPLIT.findall(name)}
    compact = re.sub(r"[^a-z0-9]", "", name.lower())
    if compact:
        words.add(compact)
    return frozenset(words)


def header_hints(name: str) -> frozenset[str]:
    """The kinds the header ``name`` suggests (possibly none)."""
    words = header_words(name)
    return frozenset(kind for kind, hints in hint_words().items() if words & hints)


def header_is_negative(name: str) -> bool:
    """True when the header names something that is usually not personal (SKU, order...)."""
    return bool(header_words(name) & NEGATIVE_WORDS)
