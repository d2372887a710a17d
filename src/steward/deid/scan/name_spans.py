"""Person names inside free text, found with the name vocabulary (no language model).

Rules, in order, over each run of adjacent capitalized words:

1. a title (Mr, Mrs, Ms, Miss, Dr, Prof, with or without a period) followed by one or
   two capitalized words: those words are a name (``Dr. Okafor``);
2. a known first name followed by up to two capitalized words that are known names or,
   for the word right after it, any capitalized word that does not mark a company, a
   place or a street (``Maria Kowalczyk``);
3. a known first name alone, unless it is also a common English word (``Will``,
   ``May``, ``Grant``...).

A last name alone (``Lopez called``) is not found, nor are names written in lower case
or in scripts other than Latin. These are the limits of a dictionary method.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

from steward.deid.scan.vocab import NAME_TITLES, STREET_ABBREVIATIONS, first_names, last_names

_WORD: Final = re.compile(r"\b[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:['\-][A-ZÀ-ÖØ-Þ]?[a-zß-öø-ÿ]+)*\b")
_TITLE: Final = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\b\.?")
MAX_WORDS: Final = 3
TITLES: Final = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof"})

COMMON_WORDS: Final = frozenset(
    {"will", "may", "june", "april", "august", "mark", "bill", "grant", "rose", "chase",
     "frank", "guy", "ray", "dean", "hope", "joy", "grace", "faith", "summer", "autumn",
     "dawn", "eve", "art", "jack", "rich", "sky", "lane", "page", "case", "price", "young",
     "king", "hall", "green", "white", "black", "brown", "gray", "grey", "long", "major",
     "miles", "norman", "paris", "jordan", "pat", "sue", "max", "don", "van", "la", "le",
     "del", "de", "da", "sonny", "rusty", "sandy", "carol", "penny", "ivy", "holly",
     "iris", "jade", "ruby", "pearl", "amber", "crystal", "destiny", "harmony", "melody",
     "misty", "stormy", "river", "forest", "reed", "wade", "cliff", "glen", "dale",
     "angel", "christian", "hunter", "carter", "mason", "cooper", "porter", "tucker",
     "parker", "taylor", "victoria", "florence", "lincoln", "austin", "houston", "dallas",
     "virginia", "georgia", "carolina", "china", "india", "israel", "asia", "ireland",
     "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
     "january", "february", "march", "july", "september", "october", "november",
     "december", "thank", "thanks", "please", "hello", "dear", "team", "client",
     "customer", "user", "staff", "office", "support", "service", "center", "centre",
     "help", "desk", "ticket", "note", "account", "bank", "card", "email",
     "phone", "server", "network", "windows", "linux", "mac", "apple", "google", "cisco"}
)  # fmt: skip
"""Lower-case words that are first names in the vocabulary but mostly something else."""

NOT_A_NAME: Final = frozenset(
    {"inc", "llc", "ltd", "plc", "corp", "co", "company", "group", "gmbh", "bank",
     "street", "avenue", "road", "city", "county", "park", "lake", "north", "south",
     "east", "west", "new", "university", "hospital", "school", "foundation", "council",
     "department", "office", "centre", "center", "services", "service", "team", "the",
     "and", "of", "on", "at", "in", "for", "to", "from", "with", "by", "via", "is",
     "was", "has", "had", "called", "said", "asked", "reported", "says", "asks"}
)  # fmt: skip
"""Lower-case words that end a name: companies, places, streets, function words."""


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    return NOT_A_NAME | COMMON_WORDS | STREET_ABBREVIATIONS | NAME_TITLES


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _runs(text: str, tokens: list[tuple[int, int, str]]) -> Iterator[list[tuple[int, int, str]]]:
    """Groups of capitalized words separated by one space (or by a title's period)."""
    run: list[tuple[int, int, str]] = []
    for token in tokens:
        gap = text[run[-1][1] : token[0]] if run else " "
        if gap != " " and not (gap == ". " and run[-1][2] in TITLES):
            yield run
            run = []
        run.append(token)
    if run:
        yield run


def _is_first(word: str) -> bool:
    return word in first_names() and word.lower() not in COMMON_WORDS


def _known(word: str) -> bool:
    base = word.split("-")[0]
    return (base in first_names() or base in last_names()) and word.lower() not in _stop()


def _nameish(word: str) -> bool:
    return word.lower() not in _stop()


def name_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of person names in ``text``, in order (see module)."""
    spans: list[tuple[int, int]] = []
    titled = {m.end() for m in _TITLE.finditer(text)}
    for run in _runs(text, _tokens(text)):
        index = 0
        while index < len(run):
            start, _end, word = run[index]
            after_title = any(text[t:start] in (" ", "") for t in titled if t <= start)
            if word in TITLES:
                index += 1
                continue
            if after_title and _nameish(word):
                length = 1
                while length < 2 and index + length < len(run) and _nameish(run[index + length][2]):
                    length += 1
            elif _is_first(word):
                length = 1
                if index + 1 < len(run) and _nameish(run[index + 1][2]):
                    length = 2
                    while (
                        length < MAX_WORDS
                        and index + length < len(run)
                        and _known(run[index + length][2])
                    ):
                        length += 1
            else:
                index += 1
                continue
            spans.append((start, run[index + length - 1][1]))
            index += length
    return spans


def names_in(value: str) -> bool:
    """True when two adjacent words of ``value`` are a known first name then a known
    last name (the free-text scan's test of a name)."""
    words = value.split(" ")
    firsts, lasts = first_names(), last_names()
    return any(
        first in firsts and last.split("-")[0] in lasts for first, last in itertools.pairwise(words)
    )
