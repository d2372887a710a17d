"""Person names inside free text, found with the name vocabulary (no language model).

Rules, in order, over each run of adjacent capitalized words:

1. a title (Mr, Mrs, Ms, Miss, Dr, Prof, with or without a period) followed by one to
   three capitalized words: those words are a name (``Dr. Okafor``, ``Mr. van Dijk``);
2. a known first name followed by up to two capitalized words that are known names or,
   for the word right after it, any capitalized word that does not mark a company, a
   place or a street (``Maria Kowalczyk``);
3. a first name that is also a common English word (``Will``, ``Max``, ``Grant``)
   only when a known last name follows (``Max Williams``, not ``Grant Application``);
4. a known first name alone, when it is not such a common word.

Name particles (``van``, ``de la``, ``von``) are kept inside a name; a possessive
``'s`` is left outside it (``Lopez's office`` becomes ``[PERSON]'s office``).

A last name alone (``Lopez called``) is not found, nor are names written in lower case
or in scripts other than Latin. These are the limits of a dictionary method.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

from steward.deid.scan.names import PARTICLES
from steward.deid.scan.vocab import NAME_TITLES, STREET_ABBREVIATIONS, first_names, last_names

_WORD: Final = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")
MAX_WORDS: Final = 3
POSSESSIVE: Final = "'s"
TITLES: Final = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof"})

COMMON_WORDS: Final = frozenset(
    {"will", "may", "june", "april", "august", "mark", "bill", "grant", "rose", "chase",
     "frank", "guy", "ray", "dean", "hope", "joy", "grace", "faith", "summer", "autumn",
     "dawn", "eve", "art", "jack", "rich", "sky", "lane", "page", "case", "price", "young",
     "king", "hall", "green", "white", "black", "brown", "gray", "grey", "long", "major",
     "miles", "norman", "paris", "jordan", "pat", "sue", "max", "don", "sonny", "rusty",
     "sandy", "carol", "penny", "ivy", "holly",
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
"""Lower-case words that end a name: companies, places, streets, function words.

Common words (:data:`COMMON_WORDS`) only keep a name from starting: inside one they
are names (``Elaine Taylor``, ``Laura Reed``)."""


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    return NOT_A_NAME | STREET_ABBREVIATIONS | NAME_TITLES


Token = tuple[int, int, str]


def _capitalized(word: str) -> bool:
    return word[0].isupper() and (len(word) == 1 or not word[1:].isupper())


def _runs(text: str) -> Iterator[list[Token]]:
    """Groups of capitalized words (and name particles between them) separated by one
    space, or by a title's period."""
    run: list[Token] = []
    for match in _WORD.finditer(text):
        start, end, word = match.start(), match.end(), match.group()
        if word.endswith(POSSESSIVE) and len(word) > len(POSSESSIVE):
            end, word = end - len(POSSESSIVE), word[: -len(POSSESSIVE)]  # "Lopez's" -> "Lopez"
        usable = len(word) > 1 and (_capitalized(word) or word in PARTICLES)
        gap = text[run[-1][1] : start] if run else " "
        joined = gap == " " or (gap == ". " and run[-1][2] in TITLES)
        if run and (not usable or not joined):
            yield _without_trailing_particles(run)
            run = []
        if usable:
            run.append((start, end, word))
    if run:
        yield _without_trailing_particles(run)


def _without_trailing_particles(run: list[Token]) -> list[Token]:
    while run and run[-1][2] in PARTICLES:
        run = run[:-1]
    return run


def _is_first(word: str) -> bool:
    return word in first_names() and word.lower() not in COMMON_WORDS


def _known(word: str) -> bool:
    base = word.split("-")[0]
    return (base in first_names() or base in last_names()) and word.lower() not in _stop()


def _nameish(word: str) -> bool:
    return word in PARTICLES or word.lower() not in _stop()


def _extend(run: list[Token], index: int, first_free: bool) -> int:
    """How many tokens from ``index`` on belong to the name that starts there: at most
    :data:`MAX_WORDS` words, particles not counted; the first word after the start may
    be any name-like word when ``first_free``, later ones must be known names."""
    length, words = 1, 1
    while index + length < len(run) and words < MAX_WORDS:
        word = run[index + length][2]
        if word in PARTICLES:
            if index + length + 1 < len(run):
                length += 1
                continue
            break
        if not (_known(word) or (first_free and words == 1 and _nameish(word))):
            break
        length += 1
        words += 1
    while run[index + length - 1][2] in PARTICLES:
        length -= 1
    return length


def name_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of person names in ``text``, in order (see module)."""
    spans: list[tuple[int, int]] = []
    for run in _runs(text):
        index = 0
        while index < len(run):
            start, _end, word = run[index]
            previous = run[index - 1][2] if index else ""
            if (previous in TITLES and word.lower() not in _stop()) or _is_first(word):
                length = _extend(run, index, first_free=True)
            elif word in first_names() and index + 1 < len(run) and _known(run[index + 1][2]):
                length = _extend(run, index, first_free=False)
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
