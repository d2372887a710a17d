"""Who may assign a case, and to whom. Pure functions of the plan and a few facts.

The rule, as docs/staff.md states it:

* The assigner's role is listed in the plan's ``routing.assigned_by``, is a staff role
  with scope ``team`` or ``all`` (roles with scope ``assigned`` never see a team's
  unassigned cases), reads the case's dataset, and has not expired; the account has
  not expired and, if the role needs it, passed a second factor.
* A ``team``-scoped assigner works on the cases of their own team only; ``all`` reaches
  every case. Closed cases are not reassigned.
* A case always belongs to a team: it may stay in its team or move to another team
  the plan declares. A ``team``-scoped assigner who hands a case to another team
  leaves the choice of person to that team (the case goes to its queue).
* A person assigned a case has an active staff account in the case's (new) team,
  whose role reads the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steward.policy import Decision, decide
from steward.policy.model import ASSIGNING_SCOPES, Action, Plan, Role, Scope


@dataclass(frozen=True)
class Assigner:
    """Who wants to assign: their role and team, and the state of their sign-in."""

    role: Role
    team: str
    expired: bool = False
    mfa_verified: bool = True


@dataclass(frozen=True)
class Case:
    """What the rule looks at on a case."""

    dataset: str
    team: str
    assigned_to: int | None
    closed: bool = False


@dataclass(frozen=True)
class Candidate:
    """A person a case could be assigned to.

    Attributes:
        user_id: their account id.
        role: their plan role, or ``None`` if it left the plan.
        team: their team.
        active: whether the account may act now (not disabled, access not ended).
    """

    user_id: int
    role: Role | None
    team: str
    active: bool = True


@dataclass(frozen=True)
class Change:
    """The case's wished-for state: its team and the person it is assigned to (or none)."""

    team: str
    assignee: Candidate | None


def reads(plan: Plan, role: Role, dataset_id: str, today: date) -> bool:
    """Whether ``role`` may read some stored field of ``dataset_id``."""
    try:
        dataset = plan.dataset(dataset_id)
    except KeyError:
        return False
    return any(
        decide(role, Action.READ, spec, today=today).allowed for spec in dataset.collected_fields
    )


def may_assign(plan: Plan, assigner: Assigner, case: Case, today: date) -> Decision:
    """Whether ``assigner`` may assign or hand on ``case`` at all (see the module rule)."""
    role = assigner.role
    if role.id not in plan.routing.assigned_by:
        return Decision(False, f"the plan does not let the role '{role.id}' assign cases")
    if not role.staff or role.scope not in ASSIGNING_SCOPES:
        return Decision(
            False, "only staff roles that see a team's cases (scope team or all) assign them"
        )
    if assigner.expired:
        return Decision(False, "this account's temporary access has ended")
    if role.mfa and not assigner.mfa_verified:
        return Decision(False, "this role must sign in with a second factor")
    if not reads(plan, role, case.dataset, today):
        return Decision(False, f"the role '{role.id}' reads nothing of this dataset")
    if role.scope is Scope.TEAM and (not assigner.team or case.team != assigner.team):
        return Decision(False, "this case is not in your team")
    if case.closed:
        return Decision(False, "the case is closed")
    return Decision(True, "the plan lets this role assign the cases it sees")


def decide_assignment(
    plan: Plan, assigner: Assigner, case: Case, change: Change, today: date
) -> Decision:
    """Whether ``assigner`` may put ``case`` in ``change.team``, assigned to ``change.assignee``.

    Keeping the case as it is counts as a change (an idempotent one) and follows the
    same rule.
    """
    allowed = may_assign(plan, assigner, case, today)
    if not allowed:
        return allowed
    if not change.team:
        return Decision(False, "a case always belongs to a team; name one")
    if change.team != case.team and change.team not in plan.team_ids():
        return Decision(False, "there is no such team in the plan")
    moving = change.team != case.team
    person = change.assignee
    if person is None:
        if moving:
            return Decision(True, "the case goes to the other team's queue")
        return Decision(True, "the case goes back to its team's queue")
    if moving and assigner.role.scope is Scope.TEAM:
        return Decision(False, "a case handed to another team is assigned to a person by that team")
    return _candidate_fits(plan, person, case.dataset, change.team, today)


def _candidate_fits(
    plan: Plan, person: Candidate, dataset_id: str, team: str, today: date
) -> Decision:
    if not person.active:
        return Decision(False, "that account is disabled or its access has ended")
    role = person.role
    if role is None or not role.staff:
        return Decision(False, "that account holds no staff role of the plan")
    if person.team != team:
        return Decision(False, f"that person is not in team {team}")
    if not reads(plan, role, dataset_id, today):
        return Decision(False, f"the role '{role.id}' of that person reads nothing of this dataset")
    return Decision(True, "the person is in the team and their role reads the dataset")
