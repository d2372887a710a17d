"""Hints from column headers.

A header is weak evidence: it can raise or lower the confidence of a kind the content
already shows, and it breaks ties for the weak kinds (names, postal codes, ages, plain
decimal coordinates) whose content alone is ambiguous. It never creates a detection by
itself for the other kinds.
"""

from __future__ import annotations

import re
from typing import Final

# kind -> header words (after splitting on case, digits and punctuation) that suggest it.
HINT_WORDS: Final[dict[str, frozenset[str]]] = {
    "email": frozenset({"email", "e-mail", "mail", "emailaddress"}),
    "phone": frozenset({"phone", "tel", "telephone", "mobile", "cell", "fax", "msisdn"}),
    "ip_address": frozenset({"ip", "ipv4", "ipv6", "ipaddress"}),
    "url": frozenset({"url", "website", "homepage", "link", "uri", "web"}),
    "credit_card": frozenset({"card", "cc", "pan", "creditcard", "cardnumber"}),
    "iban": frozenset({"iban", "bank", "account"}),
    "us_ssn": frozenset({"ssn", "social", "security"}),
    "uk_nino": frozenset({"nino", "ni", "insurance"}),
    "aadhaar": frozenset({"aadhaar", "aadhar", "uid", "uidai"}),
    "india_pan": frozenset({"pan", "tax", "permanent"}),
    "date_of_birth": frozenset({"dob", "birth", "birthday", "born", "birthdate"}),
    "postal_code": frozenset({"zip", "zipcode", "postal", "postcode", "pin", "pincode"}),
    "coordinates": frozenset(
        {"lat", "latitude", "lon", "lng", "long", "longitude", "geo", "coords"}
    ),
    "street_address": frozenset({"address", "street", "addr", "residence"}),
    "person_name": frozenset(
        {"name", "first", "last", "surname", "forename", "given", "family", "fullname"}
    ),
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
}  # fmt: skip

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
    return frozenset(kind for kind, hints in HINT_WORDS.items() if words & hints)


def header_is_negative(name: str) -> bool:
    """True when the header names something that is usually not personal (SKU, order...)."""
    return bool(header_words(name) & NEGATIVE_WORDS)
