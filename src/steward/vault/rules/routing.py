"""Which team a new record goes to, by the plan's routing rule. A pure function."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from steward.policy.model import Plan


@dataclass(frozen=True)
class Route:
    """Where a new record goes, and how that was decided (for the audit log).

    Attributes:
        team: the team id, or ``""`` when the plan does not route the dataset.
        by: the field whose answer picked the team, ``"default"`` when no answer did,
            or ``"none"`` when the plan has no routing rule for the dataset.
    """

    team: str
    by: str

    @property
    def note(self) -> str:
        """The audit purpose of the intake that stored the record: never an answer."""
        if not self.team:
            return "intake; no routing rule, so no team"
        how = "the default team" if self.by == "default" else f"by {self.by}"
        return f"intake; routed to team {self.team} ({how})"


def route(plan: Plan, dataset_id: str, answers: Mapping[str, str | None]) -> Route:
    """The team a new record of ``dataset_id`` with ``answers`` goes to.

    * No routing rule for the dataset: no team (only roles with scope ``all`` see it).
    * A rule without a field: its default team.
    * A rule with a field: the team listed for the record's answer (compared exactly,
      after trimming spaces); the default team for any other answer, or none.
    """
    rule = plan.routing.for_dataset(dataset_id)
    if rule is None:
        return Route("", "none")
    if rule.field is None:
        return Route(rule.default, "default")
    answer = answers.get(rule.field)
    answer = answer.strip() if isinstance(answer, str) else None
    if answer and answer in rule.teams:
        return Route(rule.teams[answer], rule.field)
    return Route(rule.default, "default")
