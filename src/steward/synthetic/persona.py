"""A made-up person, so that one submission's name, email and phone belong together."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from faker import Faker

EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
"""Domains reserved for examples (RFC 2606): mail sent to them reaches nobody."""


@dataclass(frozen=True)
class Persona:
    """One fictional person's identifying details."""

    first_name: str
    last_name: str
    email: str
    phone: str
    street_address: str
    city: str
    zip_code: str

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


def new_faker(seed: int | None = None, locale: str = "en_US") -> Faker:
    """A Faker for ``locale``; seeded, it makes the same values in the same order."""
    faker = Faker(locale)
    if seed is not None:
        faker.seed_instance(seed)
    return faker


def new_persona(faker: Faker) -> Persona:
    """A fictional person: email at an example domain, phone in the fictional 555-01xx range."""
    first, last = faker.first_name(), faker.last_name()
    local = f"{_ascii(first)}.{_ascii(last)}".lower() or "resident"
    if faker.random.random() < 0.3:
        local += str(faker.random.randint(1, 99))
    return Persona(
        first_name=first,
        last_name=last,
        email=f"{local}@{faker.random_element(EXAMPLE_DOMAINS)}",
        phone=fake_phone(faker),
        street_address=faker.street_address(),
        city=faker.city(),
        zip_code=faker.zipcode(),
    )


def fake_phone(faker: Faker) -> str:
    """A North American number in the 555-0100..0199 range set aside for fiction."""
    area = faker.random.randint(201, 989)
    line = faker.random.randint(100, 199)
    style = faker.random.randint(0, 2)
    if style == 0:
        return f"({area}) 555-0{line}"
    if style == 1:
        return f"+1 {area} 555 0{line}"
    return f"{area}-555-0{line}"


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded if ch.isalnum())
