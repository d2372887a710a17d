"""Span-level redaction: placeholders, validators, overlaps, kinds, regions, columns."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.deid import DeidError
from steward.deid.redact import (
    Span,
    find_spans,
    redact_expr,
    redact_series,
    redact_text,
    resolve_kinds,
)
from steward.deid.redact.text import resolve_overlaps

NOTE = (
    "Dr. Okafor spoke with Maria Lopez (maria.lopez@example.org, (202) 456-1111) about "
    "card 4111 1111 1111 1111; she lives at 12 Main Street. SSN 123-45-6789, IBAN "
    "GB82 WEST 1234 5698 7654 32, login from 192.168.1.20 on 03/14/2024."
)
REDACTED = (
    "Dr. [PERSON] spoke with [PERSON] ([EMAIL], [PHONE]) about card [CARD]; she lives at "
    "[ADDRESS]. SSN [SSN], IBAN [IBAN], login from [IP] on [DATE]."
)


def test_every_kind_becomes_its_placeholder() -> None:
    result = redact_text(NOTE)
    assert result.text == REDACTED
    assert result.counts() == {
        "person_name": 2,
        "email": 1,
        "phone": 1,
        "credit_card": 1,
        "street_address": 1,
        "us_ssn": 1,
        "iban": 1,
        "ip_address": 1,
        "date_of_birth": 1,
    }
    assert [NOTE[s.start : s.end] for s in result.spans][:2] == ["Okafor", "Maria Lopez"]


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("The laptop was in Maria Lopez's office.", "The laptop was in [PERSON]'s office."),
        ("Dr. Okafor's notes were read.", "Dr. [PERSON]'s notes were read."),
        ("Ask O'Brien.", "Ask O'Brien."),  # a last name alone is not found
    ],
)
def test_a_possessive_stays_outside_the_name(text: str, redacted: str) -> None:
    assert redact_text(text).text == redacted


@pytest.mark.parametrize(
    "text",
    [
        "Refused code 4111 1111 1111 1112 at the desk.",  # fails Luhn
        "Order ORD-2024-001234 shipped.",  # glued to a word: not a phone
        "Upgrade to v4.2.1.7 tonight.",  # a version, not an IP
        "The meeting is at 14:30 in room 12.",
        "SSN-like 666-12-3456 is never issued.",
        "Will you check the Grant Application by Monday?",
        "IBAN GB82 WEST 1234 5698 7654 33 has a bad check digit.",
        "Call (123) 456-7890, which no phone plan has.",
    ],
)
def test_look_alikes_stay(text: str) -> None:
    assert redact_text(text).text == text


def test_kinds_restrict_by_name_or_placeholder() -> None:
    text = "Mail maria.lopez@example.org or call (202) 456-1111."
    assert redact_text(text, ["email"]).text == "Mail [EMAIL] or call (202) 456-1111."
    assert redact_text(text, ["PHONE"]).text == "Mail maria.lopez@example.org or call [PHONE]."
    assert resolve_kinds(["card", "[SSN]", "credit_card"]) == ("us_ssn", "credit_card")


@pytest.mark.parametrize("kinds", [["nope"], [], ["record_id"]])
def test_unknown_kinds_are_refused(kinds: list[str]) -> None:
    with pytest.raises(DeidError):
        redact_text("x", kinds)


def test_region_decides_national_numbers() -> None:
    text = "Ring 020 7946 0958 today."
    assert redact_text(text, region="GB").text == "Ring [PHONE] today."
    assert redact_text(text, region="US").text == text
    with pytest.raises(DeidError, match="unknown phone region"):
        redact_text(text, region="XX")


def test_overlaps_longest_then_most_specific_wins() -> None:
    spans = [Span("phone", 0, 10), Span("credit_card", 0, 19), Span("person_name", 20, 25)]
    assert resolve_overlaps(spans) == [Span("credit_card", 0, 19), Span("person_name", 20, 25)]
    same = [Span("phone", 3, 14), Span("us_ssn", 3, 14)]
    assert resolve_overlaps(same) == [Span("us_ssn", 3, 14)]
    assert resolve_overlaps(reversed(same)) == [Span("us_ssn", 3, 14)]


def test_address_beats_the_name_inside_it() -> None:
    assert redact_text("Lives at 45 Washington Avenue now.").text == "Lives at [ADDRESS] now."


def test_find_spans_are_ordered_and_disjoint() -> None:
    spans = find_spans(NOTE)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_series_keeps_order_and_nulls() -> None:
    series = pl.Series("notes", [NOTE, None, "nothing here", ""])
    out = redact_series(series)
    assert out.name == "notes"
    assert out.to_list() == [REDACTED, None, "nothing here", ""]


def test_series_must_be_text() -> None:
    with pytest.raises(DeidError, match="not text"):
        redact_series(pl.Series("n", [1, 2]))


def test_expression_runs_lazily_in_a_frame() -> None:
    frame = pl.LazyFrame({"id": [1, 2], "note": [NOTE, "ok"]})
    out = frame.with_columns(redact_expr("note")).collect()
    assert out["note"].to_list() == [REDACTED, "ok"]
    assert out["id"].to_list() == [1, 2]


@given(st.text(max_size=200))
def test_redaction_never_fails_and_is_stable(text: str) -> None:
    first = redact_text(text)
    assert redact_text(text) == first
    assert redact_series(pl.Series([text])).to_list() == [first.text]
    position = 0
    for span in first.spans:
        assert position <= span.start < span.end <= len(text)
        position = span.end
