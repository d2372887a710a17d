"""A seeded, generated table for the scan accuracy benchmark.

About 40 columns: personal columns under MISLEADING headers (emails called "notes",
phones called "id", postal codes called "code", Aadhaar numbers called "account",
names called "col7"...) and LOOK-ALIKE columns that are not personal (order numbers,
SKUs, version strings, 16-digit codes failing Luhn, invoice numbers, UUIDs, random
5-digit numbers, timestamps, measurements...), some under personal-sounding headers.
Each column comes with its ground truth: personal or not, and the expected kind.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
import polars as pl
from faker import Faker

from steward.deid.scan.checksums import luhn_check_digit, verhoeff_check_digit


@dataclass(frozen=True)
class Truth:
    """The ground truth of one generated column."""

    personal: bool
    kind: str | None
    look_alike: bool = False


def _valid_phone(fake: Faker, region: str) -> str:
    while True:
        value = fake.phone_number()
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            if region == "US":
                return str(value)
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _aadhaar(rng: random.Random) -> str:
    payload = str(rng.randint(2, 9)) + "".join(rng.choice(string.digits) for _ in range(10))
    digits = payload + verhoeff_check_digit(payload)
    return f"{digits[:4]} {digits[4:8]} {digits[8:]}"


def _nino(rng: random.Random) -> str:
    first, second = "ABCEGHJKLMNPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = rng.choice(first) + rng.choice(second)
        if prefix not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
            break
    d = "".join(rng.choice(string.digits) for _ in range(6))
    return f"{prefix} {d[:2]} {d[2:4]} {d[4:]} {rng.choice('ABCD')}"


def _pan(rng: random.Random) -> str:
    letters = string.ascii_uppercase
    head = "".join(rng.choice(letters) for _ in range(3))
    entity, fifth, last = rng.choice("PPPPCHFAT"), rng.choice(letters), rng.choice(letters)
    return f"{head}{entity}{fifth}{rng.randint(0, 9999):04d}{last}"


def _luhn_failing(rng: random.Random) -> str:
    payload = "".join(rng.choice(string.digits) for _ in range(15))
    good = int(luhn_check_digit(payload))
    return payload + str((good + rng.randint(1, 9)) % 10)


def _postal_area(rng: random.Random) -> Callable[[], str]:
    bases = (94103, 10001, 60601, 2108)
    codes = [b + rng.randint(0, 90) for b in bases for _ in range(15)]
    weights = [1 / (i + 1) for i in range(len(codes))]
    return lambda: f"{rng.choices(codes, weights)[0]:05d}"


def _remark(fake: Faker, rng: random.Random, us: Faker) -> str:
    roll = rng.random()
    if roll < 0.25:
        who, phone = f"{us.first_name()} {us.last_name()}", _valid_phone(us, "US")
        return f"Called {who} at {phone} about {fake.bs()}."
    if roll < 0.45:
        day = fake.day_of_week()
        return f"Client asked us to write to {us.email()} before {day}; {fake.sentence()}"
    if roll < 0.55:
        card = us.credit_card_number(card_type="visa16")
        return f"Paid with card {card}, see ticket. {fake.sentence()}"
    return str(fake.paragraph(nb_sentences=2))


def generate(rows: int = 5000, seed: int = 7) -> tuple[pl.DataFrame, dict[str, Truth]]:
    """A table of ``rows`` rows and its ground truth, the same for the same seed."""
    rng = random.Random(seed)
    Faker.seed(seed)
    us, gb, india = Faker("en_US"), Faker("en_GB"), Faker("en_IN")
    # Names from locales outside the scan's name vocabulary: recognized by shape only.
    polish, dutch = Faker("pl_PL"), Faker("nl_NL")
    for index, fake in enumerate((us, gb, india, polish, dutch)):
        fake.seed_instance(seed + index)
    postal = _postal_area(rng)
    jobs = [us.job() for _ in range(300)]
    columns: dict[str, tuple[Truth, Callable[[], str]]] = {
        # Personal data under misleading or neutral headers.
        "notes": (Truth(True, "email"), us.email),
        "id": (Truth(True, "phone"), lambda: _valid_phone(us, "US")),
        "code": (Truth(True, "postal_code"), postal),
        "account": (Truth(True, "aadhaar"), lambda: _aadhaar(rng)),
        "col7": (Truth(True, "person_name"), us.name),
        "col8": (
            Truth(True, "person_name"),
            lambda: f"{polish.first_name()} {polish.last_name()}",
        ),
        "col9": (
            Truth(True, "person_name"),
            lambda: f"{dutch.first_name()} {dutch.last_name()}",
        ),
        "place": (Truth(False, None, True), us.street_name),
        "ref": (Truth(True, "us_ssn"), us.ssn),
        "value": (Truth(True, "credit_card"), us.credit_card_number),
        "field_a": (Truth(True, "iban"), gb.iban),
        "host": (Truth(True, "ip_address"), us.ipv4_public),
        "node": (Truth(True, "ip_address"), us.ipv6),
        "x1": (Truth(True, "uk_nino"), lambda: _nino(rng)),
        "member": (Truth(True, "india_pan"), lambda: _pan(rng)),
        "created": (
            Truth(True, "date_of_birth"),
            lambda: us.date_of_birth(minimum_age=18, maximum_age=90).strftime("%m/%d/%Y"),
        ),
        "location": (Truth(True, "street_address"), us.street_address),
        "pos": (
            Truth(True, "coordinates"),
            lambda: f"{float(us.latitude()):.5f}, {float(us.longitude()):.5f}",
        ),
        "c2": (Truth(True, "phone"), lambda: _valid_phone(india, "IN")),
        "type": (Truth(True, "gender"), lambda: rng.choice(["M", "F", "F", "M", "X"])),
        "category": (Truth(True, "occupation"), lambda: rng.choice(jobs)),
        "remarks": (Truth(True, "free_text"), lambda: _remark(us, rng, us)),
        "status": (
            Truth(True, "marital_status"),
            lambda: rng.choice(["Married", "Single", "Divorced", "Widowed", "Separated"]),
        ),
        "group": (
            Truth(True, "ethnicity"),
            lambda: rng.choice(["White", "Black", "Asian", "Hispanic", "Mixed", "Other"]),
        ),
        "flag": (
            Truth(True, "health"),
            lambda: rng.choice(["Diabetes", "Asthma", "Hypertension", "Depression", "None"]),
        ),
        "area": (Truth(True, "postal_code"), gb.postcode),
        "given_name": (Truth(True, "person_name"), us.first_name),
        "age": (Truth(True, "age"), lambda: str(rng.randint(18, 90))),
        "website": (Truth(True, "url"), us.url),
        # Look-alikes: not personal, some under personal-sounding headers.
        "order_no": (
            Truth(False, None, True),
            lambda: f"ORD-{rng.randint(2019, 2024)}-{rng.randint(0, 999999):06d}",
        ),
        "sku": (Truth(False, None, True), lambda: us.bothify("??-####-??").upper()),
        "version": (
            Truth(False, None, True),
            lambda: f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
        ),
        "card_code": (Truth(False, None, True), lambda: _luhn_failing(rng)),
        "invoice": (Truth(False, None, True), lambda: f"INV{rng.randint(0, 9999999):07d}"),
        "uuid": (Truth(False, "record_id", True), us.uuid4),
        "batch": (Truth(False, None, True), lambda: str(rng.randint(10000, 99999))),
        "logged_at": (
            Truth(False, None, True),
            lambda: us.date_time_this_decade().isoformat(sep=" "),
        ),
        "reading": (Truth(False, None, True), lambda: f"{rng.uniform(40, 120):.1f}"),
        "lat_ratio": (Truth(False, None, True), lambda: f"{rng.uniform(0, 1):.5f}"),
        "active": (Truth(False, None, True), lambda: rng.choice(["true", "false"])),
        "tier": (Truth(False, None, True), lambda: rng.choice(["A1", "A2", "B1", "B2", "C"])),
        "description": (Truth(False, None, True), lambda: us.paragraph(nb_sentences=2)),
        "phone_count": (Truth(False, None, True), lambda: str(rng.randint(0, 5))),
        "name": (Truth(False, None, True), us.company),
        "email": (Truth(False, None, True), lambda: us.catch_phrase()),
        "ordered_on": (Truth(False, None, True), lambda: us.date_this_year().isoformat()),
        "account_no": (Truth(False, None, True), lambda: str(rng.randint(10**9, 10**10 - 1))),
    }
    data = {name: [make() for _ in range(rows)] for name, (_truth, make) in columns.items()}
    truth = {name: truth for name, (truth, _make) in columns.items()}
    return pl.DataFrame(data), truth
