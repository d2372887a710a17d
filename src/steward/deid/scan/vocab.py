"""Word lists the detectors match against: person names, street types, categorical vocabularies.

Names and street types come from Faker's locale data (first/last names of several
locales, US street suffixes), loaded once on first use. The small categorical lists
(gender, marital status, health, religion, ethnicity) are written here.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Final

NAME_LOCALES: Final = ("en_US", "en_GB", "en_IN", "es_ES", "de_DE", "fr_FR", "it_IT", "pt_BR")

STREET_ABBREVIATIONS: Final = frozenset(
    {"st", "ave", "av", "rd", "blvd", "dr", "ln", "ct", "pl", "ter", "terr", "hwy", "pkwy",
     "cir", "sq", "trl", "way", "lane", "road", "street", "avenue", "drive", "court",
     "place", "close", "crescent", "marg", "nagar", "gali"}
)  # fmt: skip

NAME_TITLES: Final = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "jr", "sr", "ii", "iii", "iv", "md",
     "phd", "dds", "dvm"}
)  # fmt: skip

GENDER: Final = frozenset(
    {"m", "f", "male", "female", "man", "woman", "non-binary", "nonbinary", "other",
     "x", "transgender", "unknown", "prefer not to say", "mujer", "hombre"}
)  # fmt: skip

MARITAL: Final = frozenset(
    {"single", "married", "divorced", "widowed", "separated", "never-married",
     "never married", "married-civ-spouse", "married-spouse-absent", "married-af-spouse",
     "civil partnership", "domestic partner"}
)  # fmt: skip

HEALTH: Final = frozenset(
    {"diabetes", "asthma", "hypertension", "depression", "anxiety", "cancer", "hiv",
     "aids", "covid-19", "influenza", "pneumonia", "arthritis", "obesity", "dementia",
     "alzheimer's", "schizophrenia", "bipolar disorder", "epilepsy", "migraine",
     "stroke", "copd", "tuberculosis", "hepatitis b", "hepatitis c", "ptsd", "adhd",
     "autism", "pregnancy", "substance use disorder", "alcohol dependence",
     "heart failure", "chronic kidney disease", "multiple sclerosis", "none"}
)  # fmt: skip

RELIGION: Final = frozenset(
    {"christian", "christianity", "catholic", "protestant", "orthodox", "muslim",
     "islam", "jewish", "judaism", "hindu", "hinduism", "buddhist", "buddhism", "sikh",
     "sikhism", "atheist", "agnostic", "jain", "bahai", "none", "other"}
)  # fmt: skip

ETHNICITY: Final = frozenset(
    {"white", "black", "asian", "hispanic", "latino", "latina", "latinx",
     "african american", "black or african american", "native american",
     "american indian or alaska native", "pacific islander",
     "native hawaiian or other pacific islander", "asian-pac-islander",
     "amer-indian-eskimo", "mixed", "multiracial", "two or more races", "other"}
)  # fmt: skip


def _words(values: object) -> set[str]:
    return {str(v) for v in values} if values else set()  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """First names from Faker's person providers of :data:`NAME_LOCALES`."""
    return frozenset(_collect("first_names"))


@lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    """Last names from Faker's person providers of :data:`NAME_LOCALES`."""
    return frozenset(_collect("last_names"))


@lru_cache(maxsize=1)
def person_names() -> frozenset[str]:
    """First and last names together, each a single capitalized word."""
    return frozenset(n for n in first_names() | last_names() if " " not in n)


@lru_cache(maxsize=1)
def street_types() -> frozenset[str]:
    """Lower-case street-type words: Faker's US suffixes plus common abbreviations."""
    module = importlib.import_module("faker.providers.address.en_US")
    suffixes = {s.lower() for s in getattr(module.Provider, "street_suffixes", ())}
    return frozenset(suffixes | STREET_ABBREVIATIONS)


@lru_cache(maxsize=1)
def occupations() -> frozenset[str]:
    """Lower-case job titles from Faker's en_US job provider."""
    module = importlib.import_module("faker.providers.job.en_US")
    return frozenset(str(job).lower() for job in getattr(module.Provider, "jobs", ()))


def _collect(attribute: str) -> set[str]:
    names: set[str] = set()
    for locale in NAME_LOCALES:
        try:
            module = importlib.import_module(f"faker.providers.person.{locale}")
        except ImportError:  # pragma: no cover - a Faker without this locale
            continue
        names |= _words(getattr(module.Provider, attribute, ()))
    return {n for n in names if n[:1].isupper()}
