"""Known-answer tests for the check-digit algorithms."""

from __future__ import annotations

import pytest

from steward.deid.scan.checksums import (
    iban_valid,
    luhn_check_digit,
    luhn_valid,
    verhoeff_check_digit,
    verhoeff_valid,
)


@pytest.mark.parametrize(
    "digits", ["79927398713", "4111111111111111", "5555555555554444", "378282246310005"]
)
def test_luhn_accepts_published_numbers(digits: str) -> None:
    assert luhn_valid(digits)


@pytest.mark.parametrize("digits", ["79927398710", "4111111111111112", "", "7", "4111-1111", "١٢"])
def test_luhn_rejects_wrong_or_malformed(digits: str) -> None:
    assert not luhn_valid(digits)


def test_luhn_check_digit_completes_the_number() -> None:
    assert luhn_check_digit("7992739871") == "3"


@pytest.mark.parametrize(
    "iban",
    [
        "GB82WEST12345698765432",
        "DE89370400440532013000",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
    ],
)
def test_iban_accepts_published_numbers(iban: str) -> None:
    assert iban_valid(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "GB82WEST12345698765433",
        "GB82WEST1234569876543",
        "XX82WEST12345698765432",
        "GB8",
        "GBxxWEST12345698765432",
        "GB82 WEST 1234 5698 7654 32",
    ],
)
def test_iban_rejects_wrong_length_country_or_checksum(iban: str) -> None:
    assert not iban_valid(iban)


def test_verhoeff_standard_example() -> None:
    assert verhoeff_valid("2363")
    assert verhoeff_check_digit("236") == "3"
    assert not verhoeff_valid("2364")
    assert not verhoeff_valid("")
    assert not verhoeff_valid("23a3")


@pytest.mark.parametrize("payload", ["12345", "75872", "20000000000", "99999999999"])
def test_verhoeff_check_digit_round_trip(payload: str) -> None:
    assert verhoeff_valid(payload + verhoeff_check_digit(payload))
    wrong = str((int(verhoeff_check_digit(payload)) + 1) % 10)
    assert not verhoeff_valid(payload + wrong)
