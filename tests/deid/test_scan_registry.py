"""The detector registry: one table of positive, negative and look-alike cases per kind.

Each case runs the kind's text pattern and validator the way redaction does; the
whole-value patterns are checked to compile in Polars and in Python alike.
"""

from __future__ import annotations

import re

import polars as pl
import pytest

from steward.deid.redact import find_spans
from steward.deid.scan.headers import header_hints
from steward.deid.scan.registry import ColumnRule, date_valid, detector, detectors, text_kinds

# kind -> (values the kind finds in text, values it must not find)
TABLE: dict[str, tuple[list[str], list[str]]] = {
    "us_ssn": (
        ["123-45-6789", "078-05-1121", "234 56 7890"],
        ["000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000",
         "078-05-1120"],
    ),
    "credit_card": (
        ["4111111111111111", "4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005"],
        ["4111111111111112", "1234567812345670", "9111111111111119"],
    ),
    "iban": (
        ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "NL91ABNA0417164300"],
        ["GB82 WEST 1234 5698 7654 33", "XX82WEST12345698765432", "DE89370400440532013001"],
    ),
    "aadhaar": (["2345 6789 0124"], ["2345 6789 0125", "1234 5678 9012"]),
    "uk_nino": (["AB 12 34 56 C", "CE123456D"], ["GB123456A", "ZZ 12 34 56 A"]),
    "india_pan": (["ABCPE1234F", "BNZPM2501F"], ["ABCDE1234F", "abcpe1234f"]),
    "email": (["ann.lee@example.org", "x_y+z@test.io"], ["ann@localhost", "@example.org"]),
    "url": (["https://example.org/u/ann", "www.example.com/page"], ["example dot org"]),
    "ip_address": (["192.168.1.20", "10.0.0.7", "2001:db8::1"], ["300.1.1.1", "14:30:00"]),
    "date_of_birth": (
        ["03/14/1956", "1987-11-02", "14.03.1956", "March 5, 2024", "5 March 2024"],
        ["13/13/2024", "2024-02-30", "03/14/1856", "12:30"],
    ),
    "phone": (
        ["(202) 456-1111", "+1 415-555-2671", "+44 20 7946 0958", "202.456.1111 x204"],
        ["(123) 456-7890", "12345", "555-01"],
    ),
    "street_address": (
        ["12 Main Street", "450 Oak Ave", "7 Baker Street, Apt 3", "221 5th Avenue"],
        ["12 apples", "3 cats on the street", "Main Street"],
    ),
    "postal_code": (["SW1A 1AA", "M5V 3L9", "90210-1234"], ["90210", "ABC 123"]),
    "coordinates": (["40.71280, -74.00600", "-33.86880, 151.20930"], ["95.12345, 10.12345"]),
    "person_name": (
        ["Maria Lopez", "John Smith", "Priya"],
        ["Main Street", "Will", "Grant Application", "Monday"],
    ),
}  # fmt: skip


def test_every_text_kind_has_a_table() -> None:
    assert set(text_kinds()) == set(TABLE)


CASES = [
    (kind, value, found)
    for kind, (good, bad) in TABLE.items()
    for values, found in ((good, True), (bad, False))
    for value in values
]


@pytest.mark.parametrize(("kind", "value", "found"), CASES)
def test_detector_table(kind: str, value: str, found: bool) -> None:
    text = f"Note: {value} was given."
    spans = find_spans(text, [kind])
    hit = [text[s.start : s.end] for s in spans]
    assert (hit == [value]) is found, hit


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        ("credit_card", "4111 1111 1111 1111", True),
        ("credit_card", "4111 1111 1111 1112", False),
        ("iban", "GB82 WEST 1234 5698 7654 32", True),
        ("iban", "GB82 WEST 1234 5698 7654 33", False),
        ("us_ssn", "123-45-6789", True),
        ("us_ssn", "666-45-6789", False),
        ("aadhaar", "2345 6789 0124", True),
        ("aadhaar", "2345 6789 0125", False),
        ("ip_address", "2001:db8::1", True),
        ("ip_address", "256.1.1.1", False),
        ("phone", "020 7946 0958", False),
        ("coordinates", "40.7128, -74.0060", True),
        ("coordinates", "40.7128, -194.0060", False),
        ("person_name", "Called Maria Lopez", True),
        ("person_name", "Called Main Street", False),
    ],
)
def test_validators(kind: str, value: str, ok: bool) -> None:
    assert detector(kind).valid(value, "US") is ok


def test_phone_validator_follows_the_region() -> None:
    assert detector("phone").valid("020 7946 0958", "GB")
    assert not detector("phone").valid("020 7946 0958", "US")


def test_date_validator_years() -> None:
    assert date_valid("01/02/2100")
    assert not date_valid("01/02/2101")
    assert not date_valid("not a date")


def test_patterns_compile_alike_in_polars_and_python() -> None:
    values = pl.Series(["x"])
    for spec in detectors():
        for pattern in (*spec.whole, *((spec.inline,) if spec.inline else ())):
            re.compile(pattern)
            values.str.contains(pattern)  # raises if Rust's regex refuses it


def test_registry_declares_each_kind_once_with_a_placeholder() -> None:
    kinds = [d.kind for d in detectors()]
    assert len(kinds) == len(set(kinds))
    placeholders = [d.placeholder for d in detectors()]
    assert len(placeholders) == len(set(placeholders))
    assert all(p.isupper() for p in placeholders)
    assert {d.kind for d in detectors() if d.column_rule is ColumnRule.VALIDATE} >= {
        "credit_card",
        "iban",
        "us_ssn",
    }


def test_header_hints_come_from_the_registry() -> None:
    for spec in detectors():
        for word in spec.hints:
            assert spec.kind in header_hints(word)
    assert header_hints("age") == frozenset({"age"})
