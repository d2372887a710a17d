"""Datasets (intake forms and tables) and their fields."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from steward.policy.model.common import Identifier, PlanModel, Text
from steward.policy.model.processing import DataSource


class IdentifierRole(StrEnum):
    """How a field identifies a person (used by masking and de-identification)."""

    DIRECT = "direct"
    QUASI = "quasi"
    SENSITIVE = "sensitive"
    NONE = "none"


class Masking(StrEnum):
    """How a field is shown before anyone reveals it."""

    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


class InputKind(StrEnum):
    """The form control an intake form uses for a field."""

    TEXT = "text"
    TEXTAREA = "textarea"
    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"
    BOOLEAN = "boolean"


class DatasetKind(StrEnum):
    """Whether people fill the dataset in themselves or staff keep it."""

    INTAKE_FORM = "intake_form"
    TABLE = "table"


class FieldSpec(PlanModel):
    """One field of a dataset: what it holds, why, and how it is protected."""

    name: Identifier
    label: Text
    category: Identifier
    purposes: list[Identifier] = Field(default_factory=list)
    required: bool = False
    identifier: IdentifierRole = IdentifierRole.NONE
    masking: Masking = Masking.FULL
    encrypted: bool = True
    searchable: bool = Field(default=False, description="Gets a blind index for look-ups.")
    never: bool = Field(
        default=False, description="The question may be discussed but the answer never recorded."
    )
    never_reason: Text | None = None
    input: InputKind = InputKind.TEXT
    choices: list[Text] = Field(default_factory=list)
    help: Text | None = None

    @property
    def collected(self) -> bool:
        """Whether an answer to this field is ever stored."""
        return not self.never


class Dataset(PlanModel):
    """An intake form or table, the people it is about and its fields."""

    id: Identifier
    label: Text
    kind: DatasetKind = DatasetKind.INTAKE_FORM
    description: Text | None = None
    subjects: list[Identifier] = Field(default_factory=list)
    sealed: bool = Field(
        default=False, description="Submissions are encrypted to a key the server does not hold."
    )
    fields: list[FieldSpec] = Field(default_factory=list)
    source: DataSource | None = Field(
        default=None, description="Where its data comes from: the person or someone else."
    )

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``.

        Raises:
            KeyError: no field has that name.
        """
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def collected_fields(self) -> list[FieldSpec]:
        """Fields whose answers are stored (every field not marked ``never``)."""
        return [spec for spec in self.fields if spec.collected]
