"""One realistic fake answer for one plan field, chosen by its input kind and category."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from faker import Faker

from steward.policy.model import FieldSpec, InputKind
from steward.synthetic import texts
from steward.synthetic.persona import Persona, fake_phone, new_persona

ORGANIZATIONS: Final = (
    "General fund",
    "Journalists' legal defence",
    "Digital safety trainings",
    "Where most needed",
)
AGE_BANDS: Final = ("18-29", "30-44", "45-64", "65+")
_WORD: Final = re.compile(r"[^a-z0-9]+")


def fake_value(field: FieldSpec, faker: Faker, persona: Persona | None = None) -> str:
    """A realistic answer to ``field`` that passes the plan's form rules for its input kind.

    Emails use reserved example domains and phone numbers the fictional 555-01xx range.
    Name, email, phone and address come from ``persona`` when one is given, so that one
    submission's answers belong to one made-up person.

    Raises:
        ValueError: the field is marked ``never``: its answer is never recorded.
    """
    if field.never:
        raise ValueError(f"'{field.name}' is never recorded; it gets no value")
    who = persona or new_persona(faker)
    by_kind = _BY_KIND.get(field.input)
    if by_kind is not None:
        return by_kind(field, faker, who)
    return _text(field, faker, who)


def _has(field: FieldSpec, *words: str) -> bool:
    """Whether a word of the field's name or label starts with one of ``words``."""
    tokens = _WORD.split(f"{field.name} {field.label}".lower())
    return any(token.startswith(word) for token in tokens for word in words)


def _email(field: FieldSpec, faker: Faker, who: Persona) -> str:
    return who.email


def _phone(field: FieldSpec, faker: Faker, who: Persona) -> str:
    return who.phone


def _date(field: FieldSpec, faker: Faker, who: Persona) -> str:
    if _has(field, "birth", "dob"):
        return str(faker.date_of_birth(minimum_age=18, maximum_age=90).isoformat())
    return str(faker.date_between("-2y", "today").isoformat())


def _number(field: FieldSpec, faker: Faker, who: Persona) -> str:
    rand = faker.random
    if _has(field, "household", "size", "people", "children"):
        return str(rand.choice((1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8)))
    if _has(field, "amount", "donation", "price", "cost", "income"):
        return f"{rand.choice((10, 20, 25, 50, 100, 250, 500))}.00"
    if _has(field, "age"):
        return str(rand.randint(18, 90))
    return str(rand.randint(1, 100))


def _choice(field: FieldSpec, faker: Faker, who: Persona) -> str:
    if field.choices:
        return str(faker.random_element(field.choices))
    return str(faker.word())


def _boolean(field: FieldSpec, faker: Faker, who: Persona) -> str:
    return "yes" if faker.random.random() < 0.5 else "no"


def _textarea(field: FieldSpec, faker: Faker, who: Persona) -> str:
    category = field.category
    if category == "security_incident":
        return texts.incident(faker)
    if category == "service_history":
        return texts.history(faker)
    if _has(field, "deliver", "note"):
        return texts.delivery_note(faker)
    if category == "free_text" or _has(field, "problem", "detail", "request"):
        return texts.service_problem(faker, who.street_address)
    return str(faker.paragraph(nb_sentences=2))


def _text(field: FieldSpec, faker: Faker, who: Persona) -> str:
    category = field.category
    if category == "contact":
        return _contact(field, faker, who)
    if category == "location":
        if _has(field, "zip", "postal", "postcode"):
            return who.zip_code
        if _has(field, "city", "town"):
            return who.city
        return who.street_address
    if category == "demographic":
        if _has(field, "language"):
            return str(faker.language_name())
        if _has(field, "age"):
            return str(faker.random_element(AGE_BANDS))
        return str(faker.word())
    if category in ("financial", "government_id", "identity_document"):
        if _has(field, "amount", "income"):
            return _number(field, faker, who)
        return str(faker.bothify("txn_????########")).lower()
    if category == "device":
        return str(faker.user_agent())
    if category in ("free_text", "security_incident", "service_history"):
        return _textarea(field, faker, who)
    if _has(field, "allocation", "organization", "organisation"):
        return str(faker.random_element(ORGANIZATIONS))
    return str(faker.sentence(nb_words=4)).rstrip(".")


def _contact(field: FieldSpec, faker: Faker, who: Persona) -> str:
    if _has(field, "channel", "reach"):
        if faker.random.random() < 0.5:
            return who.email
        return f"Signal {fake_phone(faker)}"
    if _has(field, "email", "mail"):
        return who.email
    if _has(field, "phone", "mobile"):
        return who.phone
    if _has(field, "address", "street"):
        return who.street_address
    if _has(field, "pseudonym") and faker.random.random() < 0.3:
        return str(faker.user_name())
    return who.full_name


_BY_KIND: Final[dict[InputKind, Callable[[FieldSpec, Faker, Persona], str]]] = {
    InputKind.EMAIL: _email,
    InputKind.PHONE: _phone,
    InputKind.DATE: _date,
    InputKind.NUMBER: _number,
    InputKind.CHOICE: _choice,
    InputKind.BOOLEAN: _boolean,
    InputKind.TEXTAREA: _textarea,
}
