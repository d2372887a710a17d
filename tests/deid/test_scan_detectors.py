"""Known-answer tests for the whole-value detectors, positive and negative, and look-alikes."""

from __future__ import annotations

import random

import polars as pl
import pytest

from steward.deid.scan import Role, scan_column
from steward.deid.scan.checksums import luhn_check_digit, verhoeff_check_digit
from steward.deid.scan.patterns import (
    aadhaar_valid,
    card_valid,
    ip_valid,
    nino_valid,
    phone_valid,
    ssn_valid,
)


def column(values: list[str], name: str = "c", repeat: int = 20) -> pl.Series:
    return pl.Series(name, values * repeat)


def verdict(values: list[str], name: str = "c") -> tuple[str | None, Role]:
    report = scan_column(name, column(values, name))
    return report.kind, report.role


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("4111111111111111", True),
        ("4111 1111 1111 1111", True),
        ("378282246310005", True),
        ("4111111111111112", False),
        ("9111111111111119", False),
        ("1234567812345670", False),
    ],
)
def test_card_valid(value: str, ok: bool) -> None:
    assert card_valid(value.replace(" ", "")) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("123-45-6789", True),
        ("000-12-3456", False),
        ("666-12-3456", False),
        ("912-12-3456", False),
        ("123-00-4567", False),
        ("123-45-0000", False),
    ],
)
def test_ssn_rules(value: str, ok: bool) -> None:
    assert ssn_valid(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("AB 12 34 56 C", True), ("GB123456A", False), ("ZZ 12 34 56 A", False)]
)
def test_nino_prefix_rules(value: str, ok: bool) -> None:
    assert nino_valid(value) is ok


def test_aadhaar_needs_verhoeff_and_first_digit() -> None:
    good = "23456789012" + verhoeff_check_digit("23456789012")
    assert aadhaar_valid(f"{good[:4]} {good[4:8]} {good[8:]}")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert not aadhaar_valid(bad)
    assert not aadhaar_valid("1" + good[1:])


def test_phone_and_ip_validators() -> None:
    assert phone_valid("(202) 456-1111", "US")
    assert phone_valid("+44 20 7946 0958", "US")
    assert not phone_valid("12345", "US")
    assert not phone_valid("(123) 456-7890", "US")
    assert ip_valid("192.168.1.20")
    assert ip_valid("2001:db8::1")
    assert not ip_valid("300.1.1.1")
    assert not ip_valid("1.2.3")


POSITIVE = {
    "email": ["ann.lee@example.org", "bo@mail.co.uk", "x_y+z@test.io"],
    "phone": ["(202) 456-1111", "+1 415-555-2671", "+44 20 7946 0958"],
    "ip_address": ["192.168.1.20", "10.0.0.7", "2001:db8::1"],
    "url": ["https://example.org/u/ann", "http://www.test.io", "www.example.com/page"],
    "credit_card": ["4111111111111111", "5555 5555 5555 4444", "378282246310005"],
    "iban": ["GB82WEST12345698765432", "DE89 3704 0044 0532 0130 00", "NL91ABNA0417164300"],
    "us_ssn": ["123-45-6789", "234-56-7890", "078-05-1121"],
    "uk_nino": ["AB 12 34 56 C", "CE123456D", "JG 10 37 58 A"],
    "india_pan": ["ABCPE1234F", "BNZPM2501F", "AAACH1234K"],
    "date_of_birth": ["03/14/1956", "11/02/1987", "07/30/1972", "01/01/2001"],
    "street_address": ["12 Main Street", "450 Oak Ave Apt. 3", "7 Baker Street, London"],
    "coordinates": ["40.71280, -74.00600", "51.50740, -0.12780", "-33.86880, 151.20930"],
    "record_id": ["123e4567-e89b-12d3-a456-426614174000", "9b2e0c1a-0d6f-4e8a-9c3b-5f1f2a3b4c5d"],
    "postal_code": ["SW1A 1AA", "EC1A 1BB", "M5V 3L9", "90210-1234"],
}


@pytest.mark.parametrize("kind", sorted(POSITIVE))
def test_detects_kind_by_content_under_a_neutral_header(kind: str) -> None:
    found, _role = verdict(POSITIVE[kind], name="col7")
    assert found == kind


def test_aadhaar_detected_under_a_misleading_header() -> None:
    rng = random.Random(1)
    values = []
    for _ in range(50):
        payload = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
        digits = payload + verhoeff_check_digit(payload)
        values.append(f"{digits[:4]} {digits[4:8]} {digits[8:]}")
    report = scan_column("account", pl.Series(values))
    assert report.kind == "aadhaar"
    assert report.role is Role.DIRECT


LOOK_ALIKES = {
    "order": ["ORD-2023-004512", "ORD-2024-000017", "ORD-2021-993412"],
    "sku": ["AB-1234-XY", "QT-0042-ZZ", "PL-9981-AA"],
    "version": ["1.2.3", "10.0.12", "2.31.0"],
    "invoice": ["INV0001234", "INV0099881", "INV0000012"],
    "timestamp": ["2023-05-01 12:34:56", "2022-11-30T08:00:00", "2024-01-02 00:00:01"],
    "measure": ["72.5", "101.3", "65.0"],
    "boolean": ["true", "false", "true"],
    "codes": ["A1", "B2", "C3"],
}


@pytest.mark.parametrize("kind", sorted(LOOK_ALIKES))
def test_look_alikes_are_not_flagged(kind: str) -> None:
    assert verdict(LOOK_ALIKES[kind], name="id")[1] is Role.NONE


def test_luhn_failing_16_digit_codes_are_not_cards() -> None:
    rng = random.Random(3)
    values = []
    for _ in range(200):
        payload = "4" + "".join(str(rng.randint(0, 9)) for _ in range(14))
        good = int(luhn_check_digit(payload))
        values.append(payload + str((good + 1 + rng.randint(0, 8)) % 10))
    report = scan_column("card", pl.Series(values))
    assert report.role is Role.NONE


def test_uuid_is_a_record_id_with_no_role() -> None:
    kind, role = verdict(POSITIVE["record_id"])
    assert kind == "record_id"
    assert role is Role.NONE


def test_random_five_digit_numbers_are_not_postal_codes_or_phones() -> None:
    rng = random.Random(5)
    values = [str(rng.randint(10000, 99999)) for _ in range(1000)]
    assert scan_column("code", pl.Series(values)).role is Role.NONE


def test_five_digit_codes_need_a_hint_or_a_geographic_cluster() -> None:
    rng = random.Random(6)
    clustered = [f"{94100 + rng.randint(0, 40):05d}" for _ in range(500)]
    assert scan_column("code", pl.Series(clustered)).kind == "postal_code"
    scattered = [f"{rng.randint(10000, 99999)}" for _ in range(50)]
    assert scan_column("zip", pl.Series(scattered)).kind == "postal_code"
    assert scan_column("batch", pl.Series(scattered)).kind is None


def test_recent_dates_are_not_dates_of_birth_without_a_hint() -> None:
    recent = [f"2024-0{m}-1{d}" for m in range(1, 9) for d in range(9)]
    assert scan_column("created", pl.Series(recent)).kind is None
    old = [f"19{y}-0{m}-15" for y in range(40, 99, 3) for m in range(1, 4)]
    assert scan_column("created", pl.Series(old)).kind == "date_of_birth"


def test_plain_decimals_need_a_coordinate_header() -> None:
    values = [f"{40 + i / 1000:.5f}" for i in range(200)]
    assert scan_column("reading", pl.Series(values)).kind is None
    assert scan_column("latitude", pl.Series(values)).kind == "coordinates"
    ratios = [f"{i / 1000:.5f}" for i in range(200)]
    assert scan_column("lat_ratio", pl.Series(ratios)).kind is None


def test_bare_ten_digit_numbers_are_not_phones_without_a_hint() -> None:
    rng = random.Random(8)
    values = [str(rng.randint(10**9, 10**10 - 1)) for _ in range(500)]
    assert scan_column("account_no", pl.Series(values)).role is Role.NONE


@pytest.mark.parametrize("locale", ["pl_PL", "nl_NL", "fi_FI", "tr_TR"])
def test_names_outside_the_vocabulary_are_recognized_by_shape(locale: str) -> None:
    from faker import Faker

    from steward.deid.scan.names import SHAPE_ONLY_FACTOR
    from steward.deid.scan.scan import scan_frame

    fake = Faker(locale)
    fake.seed_instance(5)
    names = [f"{fake.first_name()} {fake.last_name()}" for _ in range(600)]
    (column,) = scan_frame(pl.DataFrame({"c": names})).columns
    assert column.role == "direct identifier"
    (finding,) = column.kinds
    assert finding.kind == "person_name"
    assert finding.confidence <= SHAPE_ONLY_FACTOR + 1e-9


@pytest.mark.parametrize("maker", ["street_name", "company", "city"])
def test_capitalized_look_alikes_are_not_names(maker: str) -> None:
    from faker import Faker

    from steward.deid.scan.scan import scan_frame

    fake = Faker("en_US")
    fake.seed_instance(6)
    values = [getattr(fake, maker)() for _ in range(600)]
    (column,) = scan_frame(pl.DataFrame({"c": values})).columns
    assert "person_name" not in {k.kind for k in column.kinds}
