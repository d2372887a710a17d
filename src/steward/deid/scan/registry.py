"""The detectors: one declared :class:`Detector` per kind of structured personal data.

A detector holds everything Steward knows about a kind: its whole-value patterns (for
the column scan), its pattern inside free text (for the free-text scan and for
redaction), its validator (check digit, number plan, date range), the header words that
hint at it, the chance a random look-alike passes the validator, and the placeholder
redaction writes in its place. The column scan (:mod:`.detectors`, :mod:`.text`), the
header hints (:mod:`.headers`) and redaction (:mod:`steward.deid.redact`) all read this
one registry.

Every pattern is written in the subset of regex syntax that both Polars (Rust's regex
crate, used by the scan) and Python's :mod:`re` (used by redaction to find offsets)
read alike: no look-around and no back-references.

The registry is built on first use (:func:`detectors`), because the street-address
pattern needs Faker's street types.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Final

from steward.deid.scan import patterns as p
from steward.deid.scan.name_spans import name_spans, names_in
from steward.deid.scan.vocab import street_types

Validator = Callable[[str, str], bool]
"""``(value, region) -> bool``: whether a candidate is really of the kind."""
SpanFinder = Callable[[str], Iterable[tuple[int, int]]]
"""``text -> (start, end)`` offsets, for kinds a pattern alone cannot delimit (names)."""


class ColumnRule(StrEnum):
    """How the column scan turns a detector's whole-value matches into evidence."""

    COUNT = "count"
    """Every value matching a whole-value pattern counts (the pattern is conclusive)."""
    VALIDATE = "validate"
    """Matching values count when they pass the validator, discounted by ``chance``."""
    OWN = "own"
    """The kind has its own evidence rule (phones, postal codes, coordinates, dates, names)."""


@dataclass(frozen=True)
class Detector:
    """One kind of personal data, declared once.

    Attributes:
        kind: the scan's kind name (``credit_card``, ``email``...).
        placeholder: what redaction writes instead of a span, without brackets.
        whole: anchored patterns for a whole value (the column scan).
        inline: an unanchored pattern for the kind inside free text, or None when the
            kind is not looked for in text.
        validator: the check a candidate must pass, or None when the pattern is enough.
        hints: header words that suggest the kind.
        chance: the share of random look-alikes expected to pass ``validator`` by luck.
        column_rule: how the column scan weighs matches (:class:`ColumnRule`).
        standalone: an inline match glued to a letter or digit (``ORD-2024-001234``,
            ``v4.2.1.7``) is part of a longer token, not of this kind.
        trim: characters cut from the end of an inline match (a URL's closing period).
        finder: finds spans in text itself instead of ``inline`` + ``validator``.
        in_text: whether redaction looks for the kind by default.
        shrink: a text match that fails the validator is tried again without its last
            group (a phone number followed by another number, an IBAN by a code).
        not_after: words that, right before a text match, say it is something else
            (``version 10.2.0.1`` is no IP address).
    """

    kind: str
    placeholder: str
    whole: tuple[str, ...] = ()
    inline: str | None = None
    validator: Validator | None = None
    hints: frozenset[str] = frozenset()
    chance: float = 0.0
    column_rule: ColumnRule = ColumnRule.COUNT
    standalone: bool = False
    trim: str = ""
    finder: SpanFinder | None = field(default=None, compare=False)
    in_text: bool = True
    shrink: bool = False
    not_after: frozenset[str] = frozenset()

    def valid(self, value: str, region: str = "US") -> bool:
        """Whether ``value`` passes this kind's validator (always, when it has none)."""
        return self.validator is None or self.validator(value, region)

    @property
    def label(self) -> str:
        """The placeholder as written in redacted text: ``[EMAIL]``."""
        return f"[{self.placeholder}]"


def _card(value: str, _region: str) -> bool:
    return p.card_valid(value.replace(" ", "").replace("-", ""))


def _region_free(check: Callable[[str], bool]) -> Validator:
    return lambda value, _region: check(value)


def _coordinates_valid(value: str, _region: str) -> bool:
    numbers = re.findall(r"-?\d+\.\d+", value)
    if len(numbers) != 2:
        return False
    lat, lon = (float(n) for n in numbers)
    return abs(lat) <= 90 and abs(lon) <= 180


_DATE_SHAPES: Final = tuple((re.compile(pattern), formats) for pattern, formats in p.DATE_PATTERNS)
YEARS: Final = (1900, 2100)


def date_valid(value: str, _region: str = "US") -> bool:
    """True when ``value`` parses as a calendar date in one of the scan's formats, in
    the years 1900 to 2100."""
    formats = next((f for shape, f in _DATE_SHAPES if shape.match(value)), ())
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return YEARS[0] <= parsed.year <= YEARS[1]
    return False


_MONTHS: Final = (
    "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    "Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_INLINE_DATE: Final = "|".join(
    (
        r"\b\d{4}-\d{2}-\d{2}\b",
        r"\b\d{4}/\d{2}/\d{2}\b",
        r"\b\d{1,2}/\d{1,2}/\d{4}\b",
        r"\b\d{1,2}-\d{1,2}-\d{4}\b",
        r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",
        rf"\b(?:{_MONTHS}) \d{{1,2}}, \d{{4}}\b",
        rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b",
    )
)
_UNIT: Final = r"(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Flat|#)\.? ?[A-Za-z0-9\-]{1,6}\b)?"


def inline_address_pattern(types: frozenset[str]) -> str:
    """``<house number> <1-4 capitalized words> <street type> [, Apt 4]`` inside text."""
    alternation = "|".join(sorted(types, key=len, reverse=True))
    word = r"(?:[A-Z][A-Za-z'\-]*|\d{1,3}(?:st|nd|rd|th))"
    return rf"\b\d{{1,6}}[A-Z]?(?:-\d{{1,4}})? (?:{word} ){{1,4}}(?i:{alternation})\b" + _UNIT


def _declare() -> tuple[Detector, ...]:
    """Every detector, most specific first (the order breaks ties between equal spans)."""
    types = street_types()
    return (
        Detector(
            "us_ssn", "SSN", (p.SSN,), r"\b\d{3}[- ]\d{2}[- ]\d{4}\b",
            _region_free(p.ssn_valid), frozenset({"ssn", "social", "security"}),
            column_rule=ColumnRule.VALIDATE, standalone=True,
        ),
        Detector(
            "credit_card", "CARD", (p.CARD,), r"\b\d(?:[ \-]?\d){11,18}\b", _card,
            frozenset({"card", "cc", "pan", "creditcard", "cardnumber"}), 0.02,
            ColumnRule.VALIDATE, standalone=True,
        ),
        Detector(
            "iban", "IBAN", ("(?i)" + p.IBAN,), r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b",
            _region_free(p.iban_value_valid), frozenset({"iban", "bank", "account"}), 0.01,
            ColumnRule.VALIDATE, standalone=True, shrink=True,
        ),
        Detector(
            "aadhaar", "AADHAAR", (p.AADHAAR,), r"\b[2-9]\d{3}[ \-]?\d{4}[ \-]?\d{4}\b",
            _region_free(p.aadhaar_valid), frozenset({"aadhaar", "aadhar", "uid", "uidai"}),
            0.1, ColumnRule.VALIDATE, standalone=True,
        ),
        Detector(
            "uk_nino", "NINO", (p.NINO,),
            r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
            _region_free(p.nino_valid), frozenset({"nino", "ni", "insurance"}),
            column_rule=ColumnRule.VALIDATE,
        ),
        Detector(
            "india_pan", "PAN", (p.PAN,), r"\b[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]\b",
            hints=frozenset({"pan", "tax", "permanent"}),
        ),
        Detector(
            "email", "EMAIL", (p.EMAIL,),
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
            hints=frozenset({"email", "e-mail", "mail", "emailaddress"}),
        ),
        Detector(
            "url", "URL", (p.URL,), r"(?i)(?:https?://|www\.)[^\s<>\"']+",
            hints=frozenset({"url", "website", "homepage", "link", "uri", "web"}),
            trim=".,;:!?)]}",
        ),
        Detector(
            "ip_address", "IP", (p.IPV4, p.IPV6),
            r"\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}",
            _region_free(p.ip_valid), frozenset({"ip", "ipv4", "ipv6", "ipaddress"}),
            column_rule=ColumnRule.VALIDATE, standalone=True,
            not_after=frozenset({"version", "build", "release", "firmware", "ver"}),
        ),
        Detector(
            "date_of_birth", "DATE", tuple(pattern for pattern, _ in p.DATE_PATTERNS),
            _INLINE_DATE, date_valid,
            frozenset({"dob", "birth", "birthday", "born", "birthdate"}),
            column_rule=ColumnRule.OWN, standalone=True,
        ),
        Detector(
            "phone", "PHONE", (p.PHONE,),
            r"(?:\+\d{1,3}(?:[\s.\-]\d)?[\s.\-]?)?(?:\(\d{1,5}\)[\s.\-]?)?\d{2,12}"
            r"(?:[\s.\-]\d{2,8}){0,4}"
            r"(?: ?(?:x|ext\.?) ?\d{1,6})?\b",
            p.phone_valid,
            frozenset({"phone", "tel", "telephone", "mobile", "cell", "fax", "msisdn"}),
            column_rule=ColumnRule.OWN, standalone=True, shrink=True,
        ),
        Detector(
            "street_address", "ADDRESS", (p.street_address_pattern(types),),
            inline_address_pattern(types),
            hints=frozenset({"address", "street", "addr", "residence"}),
        ),
        Detector(
            "postal_code", "POSTCODE",
            (p.ZIP9, p.UK_POSTCODE, p.CA_POSTCODE, p.ZIP5, p.PIN6),
            r"\b\d{5}-\d{4}\b|\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b"
            r"|\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d\b",
            hints=frozenset({"zip", "zipcode", "postal", "postcode", "pin", "pincode"}),
            column_rule=ColumnRule.OWN, standalone=True,
        ),
        Detector(
            "coordinates", "COORDINATES", (p.COORD_PAIR, p.DECIMAL_COORD),
            r"-?\b\d{1,2}\.\d{3,}\s*,\s*-?\d{1,3}\.\d{3,}\b", _coordinates_valid,
            frozenset({"lat", "latitude", "lon", "lng", "long", "longitude", "geo", "coords"}),
            column_rule=ColumnRule.OWN, standalone=True,
        ),
        Detector(
            "record_id", "ID", (p.UUID,), hints=frozenset(), in_text=False,
        ),
        Detector(
            "person_name", "PERSON", (),
            r"\b[A-Z][a-z]+(?: [A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,3}\b",
            lambda value, _region: names_in(value),
            frozenset(
                {"name", "first", "last", "surname", "forename", "given", "family", "fullname"}
            ),
            column_rule=ColumnRule.OWN, finder=name_spans,
        ),
    )  # fmt: skip


@lru_cache(maxsize=1)
def detectors() -> tuple[Detector, ...]:
    """Every declared detector, most specific first."""
    return _declare()


@lru_cache(maxsize=1)
def by_kind() -> dict[str, Detector]:
    """The detectors by kind name."""
    return {d.kind: d for d in detectors()}


def detector(kind: str) -> Detector:
    """The detector of ``kind``.

    Raises:
        KeyError: no detector has that kind.
    """
    return by_kind()[kind]


def text_kinds() -> tuple[str, ...]:
    """The kinds redaction looks for by default, most specific first."""
    return tuple(d.kind for d in detectors() if d.in_text and (d.inline or d.finder))
