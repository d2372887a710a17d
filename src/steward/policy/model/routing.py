"""Teams, and how new records reach them: routing rules and who assigns cases.

A plan declares its teams once (``teams``), so that routing rules, staff accounts and
service tokens can name them and be checked. ``routing`` says, per dataset, which
team a new record goes to (from the clear answer of one non-identifying field, such
as a district, with a default team for every other answer), and which roles may
assign cases to people and hand them to other teams.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from steward.policy.model.common import Identifier, PlanModel, Text
from steward.policy.model.roles import Scope

ASSIGNING_SCOPES = frozenset({Scope.TEAM, Scope.ALL})
"""Scopes that see a team's unassigned cases, and so may assign them."""


class Team(PlanModel):
    """A group of staff that works a share of the cases (a district office, a desk)."""

    id: Identifier
    label: Text
    description: Text | None = None


class DatasetRouting(PlanModel):
    """Which team a new record of one dataset goes to.

    With ``field``, the record's answer to that field picks the team from ``teams``
    (answer -> team id, compared exactly after trimming spaces); any other answer, or
    none, goes to ``default``. Without ``field``, every record goes to ``default``.
    """

    dataset: Identifier
    field: Identifier | None = Field(
        default=None,
        description="A clear, non-identifying field whose answer picks the team (e.g. a district).",
    )
    teams: dict[Text, Identifier] = Field(
        default_factory=dict, description="Answer of the field -> the team that gets the record."
    )
    default: Identifier = Field(description="The team of every record no answer routes.")

    @model_validator(mode="after")
    def _field_and_teams_go_together(self) -> DatasetRouting:
        if self.teams and self.field is None:
            raise ValueError(
                "'teams' maps answers to teams, but no 'field' says whose answers; "
                "add field: NAME, or remove 'teams' to send every record to the default team"
            )
        if self.field is not None and not self.teams:
            raise ValueError(
                f"routing by '{self.field}' lists no answers under 'teams'; list them "
                "(answer: team), or remove 'field' to send every record to the default team"
            )
        return self


class Routing(PlanModel):
    """Routing rules per dataset, and the roles that assign and reassign cases."""

    assigned_by: list[Identifier] = Field(
        default_factory=list,
        description="Roles that may assign cases to people and hand them to other teams.",
    )
    datasets: list[DatasetRouting] = Field(default_factory=list)

    def for_dataset(self, dataset_id: str) -> DatasetRouting | None:
        """The routing rule of ``dataset_id`` (the first, if a plan lists it twice)."""
        return next((r for r in self.datasets if r.dataset == dataset_id), None)
