"""Shared building blocks of the plan models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
    Field(description="A lower-case identifier: letters, digits and underscores."),
]
"""An id that other parts of the plan refer to, e.g. ``service_delivery``."""

Jurisdiction = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"),
    Field(description="An ISO 3166 code: a country (US) or a subdivision (US-CA)."),
]
"""A country or subdivision, e.g. ``US`` or ``US-CA``."""

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
"""Non-empty text."""


class PlanModel(BaseModel):
    """Base of every plan model: unknown keys are errors and values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Contact(PlanModel):
    """A person or office people can write to."""

    name: Text
    email: Text | None = None
    phone: Text | None = None
    title: Text | None = None


def country_of(jurisdiction: str) -> str:
    """The country part of a jurisdiction code: ``US-CA`` -> ``US``."""
    return jurisdiction.split("-", 1)[0]
