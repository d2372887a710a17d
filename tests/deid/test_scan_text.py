"""Names, free text, categorical kinds, roles and misleading headers."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.deid.scan import Role, scan_column
from steward.deid.scan.evidence import Evidence
from steward.deid.scan.headers import header_hints, header_words
from steward.deid.scan.roles import confidence, embedded_confidence, role_of
from steward.deid.scan.text import embedded_evidence, is_free_text


def series(values: list[str], repeat: int = 20) -> pl.Series:
    return pl.Series(values * repeat)


def test_full_names_are_direct_identifiers_under_any_header() -> None:
    report = scan_column("col7", series(["John Smith", "Maria Garcia", "Dr. Emily Johnson"]))
    assert report.kind == "person_name"
    assert report.role is Role.DIRECT


def test_first_names_alone_are_quasi_identifiers() -> None:
    report = scan_column("given_name", series(["John", "Maria", "Emily", "Rahul"]))
    assert report.kind == "person_name"
    assert report.role is Role.QUASI


@pytest.mark.parametrize(
    "values",
    [
        ["Acme Widget Pro", "Blue Steel Bolt", "Green Tea Large"],
        ["Johnson-Smith", "Williams, Brown and Davis", "Smith Inc"],
        ["North Jessicaport", "Lake Andrewfort", "East Brianview"],
    ],
)
def test_product_company_and_place_names_are_not_person_names(values: list[str]) -> None:
    assert scan_column("name", series(values)).kind != "person_name"


def test_header_alone_never_creates_a_detection() -> None:
    for header in ("email", "phone", "ssn", "credit_card", "iban", "dob", "name"):
        assert scan_column(header, series(["alpha", "beta", "gamma"])).role is Role.NONE


def test_misleading_header_does_not_hide_content() -> None:
    assert scan_column("notes", series(["a@b.org", "c.d@e.com"])).kind == "email"
    assert scan_column("id", series(["(202) 456-1111", "(415) 555-2671"])).kind == "phone"


def test_weak_kinds_need_a_header() -> None:
    ages = series([str(a) for a in range(18, 90)], 3)
    assert scan_column("age", ages).kind == "age"
    assert scan_column("score", ages).kind is None
    assert scan_column("city", series(["Springfield", "Portland", "Austin"])).kind == "city"


@pytest.mark.parametrize(
    ("values", "kind", "role"),
    [
        (["M", "F", "X"], "gender", Role.QUASI),
        (["Married", "Single", "Divorced"], "marital_status", Role.QUASI),
        (["Diabetes", "Asthma", "None"], "health", Role.SENSITIVE),
        (["Hindu", "Muslim", "Christian"], "religion", Role.SENSITIVE),
        (["White", "Black", "Asian", "Hispanic"], "ethnicity", Role.SENSITIVE),
    ],
)
def test_categorical_vocabularies(values: list[str], kind: str, role: Role) -> None:
    report = scan_column("type", series(values))
    assert (report.kind, report.role) == (kind, role)


def test_booleans_and_short_codes_are_not_categorical_kinds() -> None:
    assert scan_column("flag", series(["yes", "no"])).role is Role.NONE
    assert scan_column("tier", series(["A1", "B2", "C"])).role is Role.NONE


TEXTS = [
    "Called John Smith at (202) 456-1111 about the late payment on the account.",
    "Client asked us to write to maria.garcia@example.org before Friday, thanks.",
    "Paid with card 4111 1111 1111 1111 at the front desk, receipt attached here.",
    "Visitor said the building on the corner needs a new ramp for wheelchairs now.",
    "Her SSN 123-45-6789 was given over the phone, which it should not have been.",
]


def test_free_text_with_embedded_personal_data() -> None:
    values = pl.Series([f"{text} #{i}" for i in range(40) for text in TEXTS])
    assert is_free_text(values)
    kinds = {e.kind for e in embedded_evidence(values, "US")}
    assert {"email", "phone", "credit_card", "us_ssn", "person_name"} <= kinds
    report = scan_column("remarks", values)
    assert report.kind == "free_text"
    assert report.role is Role.SENSITIVE
    assert any(k.embedded and k.kind == "email" for k in report.kinds)


def test_free_text_without_personal_data_is_not_flagged() -> None:
    values = pl.Series(
        [f"the quick brown fox number {i} jumps over the lazy dog" for i in range(200)]
    )
    report = scan_column("description", values)
    assert report.role is Role.NONE
    assert report.stats["free_text"] is True


def test_free_text_card_needs_luhn() -> None:
    values = pl.Series(
        [f"ticket code 4111 1111 1111 1112 was used on day {i} here" for i in range(200)]
    )
    assert "credit_card" not in {e.kind for e in embedded_evidence(values, "US")}


def test_confidence_rules() -> None:
    full = Evidence("email", 100, 100, 100)
    assert confidence(full, frozenset(), False) == 1.0
    half = Evidence("aadhaar", 100, 55, 100, True, 0.1)
    assert confidence(half, frozenset(), False) == 0.5
    assert confidence(half, frozenset({"aadhaar"}), False) == 0.65
    assert confidence(half, frozenset(), True) == 0.3
    assert confidence(Evidence("age", 9, 9, 9, needs_hint=True), frozenset(), False) == 0.0
    assert confidence(Evidence("email", 0, 0, 0), frozenset({"email"}), False) == 0.0
    assert embedded_confidence(2, 100) == 0.0
    assert embedded_confidence(20, 100) == 1.0


def test_roles() -> None:
    assert role_of("email") is Role.DIRECT
    assert role_of("postal_code") is Role.QUASI
    assert role_of("health") is Role.SENSITIVE
    assert role_of("record_id") is Role.NONE
    assert role_of("person_name", single_word_names=True) is Role.QUASI
    assert role_of("unknown-kind") is Role.NONE


def test_header_words_and_hints() -> None:
    assert header_words("dateOfBirth_2") >= {"date", "of", "birth"}
    assert "date_of_birth" in header_hints("DOB")
    assert header_hints("col7") == frozenset()


def test_empty_and_all_null_columns() -> None:
    report = scan_column("x", pl.Series([None, None, " "], dtype=pl.String))
    assert report.role is Role.NONE
    assert report.stats["sampled"] == 0
    assert report.stats["null_ratio"] == 1.0


@settings(max_examples=60)
@given(st.lists(st.one_of(st.none(), st.text(max_size=60)), max_size=40), st.text(max_size=20))
def test_scan_never_crashes_on_arbitrary_text(values: list[str | None], header: str) -> None:
    report = scan_column(header or "c", pl.Series(values, dtype=pl.String))
    assert isinstance(report.role, Role)
    assert all(0.0 <= k.confidence <= 1.0 for k in report.kinds)
