"""The data management plan: the root model every part of Steward reads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Literal, TypeVar

from pydantic import Field

from steward.policy.model.assessment import Consultation, Harm, SignOff
from steward.policy.model.cases import Cases
from steward.policy.model.common import Identifier, PlanModel, Text
from steward.policy.model.datasets import Dataset, FieldSpec
from steward.policy.model.operations import Operations
from steward.policy.model.organization import Governance, Organization
from steward.policy.model.purposes import Purpose, Subject
from steward.policy.model.questionnaire import Questionnaire
from steward.policy.model.rights import Minors, Rights
from steward.policy.model.roles import Role
from steward.policy.model.routing import Routing, Team
from steward.policy.model.sharing import Disclosure, Recipient
from steward.policy.taxonomy import Category, build_taxonomy
from steward.policy.tiers import Tier

Location = tuple[str | int, ...]
"""A path into the plan document, e.g. ``("datasets", 0, "fields", 2, "purposes", 0)``."""


class CategoryDefinition(PlanModel):
    """A category a plan adds to the built-in taxonomy."""

    id: Identifier
    label: Text
    tier: Literal["public", "internal", "confidential", "restricted"] = "internal"
    special: bool = False
    status: bool = False
    children: bool = False
    personal: bool = True
    description: Text | None = None

    def to_category(self) -> Category:
        """The taxonomy entry this definition describes."""
        return Category(
            id=self.id,
            label=self.label,
            tier=Tier.from_label(self.tier),
            special=self.special,
            status=self.status,
            children=self.children,
            personal=self.personal,
            description=self.description or "",
        )


class Plan(PlanModel):
    """An organization's data management plan.

    Build one with :func:`steward.policy.load_plan`, which also checks that every
    reference (to a purpose, category, subject or role) names something declared.
    """

    steward: Literal[1] = Field(description="The plan format version; currently 1.")
    version: Text = Field(description="This plan's own version, recorded with every record.")
    organization: Organization
    governance: Governance = Field(default_factory=Governance)
    questionnaire: Questionnaire = Field(default_factory=Questionnaire)
    categories: list[CategoryDefinition] = Field(
        default_factory=list, description="Categories added to the built-in taxonomy."
    )
    subjects: list[Subject] = Field(default_factory=list)
    purposes: list[Purpose] = Field(default_factory=list)
    datasets: list[Dataset] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    recipients: list[Recipient] = Field(default_factory=list)
    teams: list[Team] = Field(
        default_factory=list, description="The teams cases are routed to and staff belong to."
    )
    routing: Routing = Field(
        default_factory=Routing, description="Which team new records reach, and who assigns."
    )
    cases: Cases = Field(
        default_factory=Cases, description="How long a closed case may be reopened."
    )
    disclosure: Disclosure | None = None
    rights: Rights = Field(default_factory=Rights)
    minors: Minors | None = None
    operations: Operations = Field(default_factory=Operations)
    consultation: list[Consultation] = Field(
        default_factory=list, description="Who the impact assessment consulted, and what they said."
    )
    harms: list[Harm] = Field(
        default_factory=list, description="Harms to people the organization foresees."
    )
    sign_off: SignOff | None = Field(
        default=None, description="Who approved the impact assessment; none: it is a draft."
    )

    @cached_property
    def taxonomy(self) -> Mapping[str, Category]:
        """Built-in categories plus the plan's own."""
        return build_taxonomy(c.to_category() for c in self.categories)

    def category(self, category_id: str) -> Category:
        """The taxonomy entry for ``category_id``.

        Raises:
            KeyError: the category is neither built in nor declared by the plan.
        """
        return self.taxonomy[category_id]

    def purpose(self, purpose_id: str) -> Purpose:
        """The purpose called ``purpose_id``.

        Raises:
            KeyError: no purpose has that id.
        """
        return _by_id(self.purposes, purpose_id)

    def dataset(self, dataset_id: str) -> Dataset:
        """The dataset called ``dataset_id``.

        Raises:
            KeyError: no dataset has that id.
        """
        return _by_id(self.datasets, dataset_id)

    def role(self, role_id: str) -> Role:
        """The role called ``role_id``.

        Raises:
            KeyError: no role has that id.
        """
        return _by_id(self.roles, role_id)

    def team_ids(self) -> frozenset[str]:
        """Ids of the teams the plan declares."""
        return frozenset(team.id for team in self.teams)

    def fields(self) -> Iterator[tuple[int, Dataset, int, FieldSpec]]:
        """Every field of every dataset, with their positions in the plan."""
        for d_index, dataset in enumerate(self.datasets):
            for f_index, spec in enumerate(dataset.fields):
                yield d_index, dataset, f_index, spec

    def collected_categories(self) -> set[str]:
        """Ids of categories some stored field holds."""
        return {spec.category for _, _, _, spec in self.fields() if spec.collected}

    def purposes_of_category(self, category_id: str) -> set[str]:
        """Ids of purposes that some stored field of ``category_id`` serves."""
        return {
            purpose
            for _, _, _, spec in self.fields()
            if spec.collected and spec.category == category_id
            for purpose in spec.purposes
        }

    def reference_errors(self) -> list[tuple[Location, str]]:
        """Every reference to something undeclared, and every duplicated id.

        Returns a list of (location, message) pairs; empty when the plan is consistent.
        """
        from steward.policy.model.references import find_reference_errors

        return find_reference_errors(self)


_Item = TypeVar("_Item", Purpose, Dataset, Role)


def _by_id(items: list[_Item], item_id: str) -> _Item:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(item_id)
