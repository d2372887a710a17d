"""Routing: every new record reaches a declared team, by a rule that reads no identifier.

A routing rule reads one answer of a new record in clear, at intake, and writes the
team it picks into the record and the audit log. So it may read only a field that is
stored in clear and identifies no one (a district, a request type), it may send
records only to teams the plan declares, and a dataset that team-scoped roles read
needs one, or its records reach only roles that see everything.
"""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.access import covers
from steward.policy.checks.facts import is_personal
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import (
    ASSIGNING_SCOPES,
    Dataset,
    DatasetRouting,
    IdentifierRole,
    InputKind,
    Location,
    Plan,
    Role,
    Scope,
)


def _rules(plan: Plan) -> Iterator[tuple[Location, DatasetRouting, Dataset | None]]:
    """Each routing rule, where it stands, and the dataset it names (None if undeclared)."""
    datasets = {d.id: d for d in plan.datasets}
    for index, rule in enumerate(plan.routing.datasets):
        yield ("routing", "datasets", index), rule, datasets.get(rule.dataset)


def reads_dataset(role: Role, dataset: Dataset) -> bool:
    """Whether ``role``'s read grant reaches any stored field of ``dataset``."""
    return any(covers(role.read, spec) for spec in dataset.collected_fields)


def _unknown_dataset(ctx: CheckContext) -> Iterator[Issue]:
    seen: set[str] = set()
    for at, rule, dataset in _rules(ctx.plan):
        if dataset is None:
            yield Issue(
                (*at, "dataset"),
                f"routing names dataset '{rule.dataset}', which the plan does not declare",
            )
        elif rule.dataset in seen:
            yield Issue(
                (*at, "dataset"),
                f"dataset '{rule.dataset}' is routed twice; only the first rule would apply",
            )
        seen.add(rule.dataset)


def _unknown_field(ctx: CheckContext) -> Iterator[Issue]:
    for at, rule, dataset in _rules(ctx.plan):
        if dataset is None or rule.field is None:
            continue
        names = {spec.name: spec for spec in dataset.fields}
        spec = names.get(rule.field)
        if spec is None:
            yield Issue((*at, "field"), f"dataset '{dataset.id}' has no field '{rule.field}'")
        elif spec.never:
            yield Issue(
                (*at, "field"),
                f"'{rule.field}' is never recorded, so it cannot route '{dataset.id}'",
            )


def _identifying_field(ctx: CheckContext) -> Iterator[Issue]:
    for at, rule, dataset in _rules(ctx.plan):
        if dataset is None or rule.field is None:
            continue
        spec = next((s for s in dataset.collected_fields if s.name == rule.field), None)
        if spec is None:
            continue
        why = []
        if spec.encrypted:
            why.append("it is encrypted (stored only as ciphertext)")
        if spec.identifier is not IdentifierRole.NONE:
            why.append(f"it is a {spec.identifier.value} identifier")
        if is_personal(ctx.plan, spec.category):
            why.append(f"its category '{spec.category}' describes a person")
        if why:
            yield Issue(
                (*at, "field"),
                f"routing '{dataset.id}' by '{spec.name}' would read it in clear and write "
                f"what it implies into the record and the audit log, but {'; '.join(why)}",
            )


def _unknown_team(ctx: CheckContext) -> Iterator[Issue]:
    declared = ctx.plan.team_ids()
    for at, rule, _ in _rules(ctx.plan):
        if rule.default not in declared:
            yield Issue((*at, "default"), _undeclared(rule.default, ctx.plan))
        for answer, team in rule.teams.items():
            if team not in declared:
                yield Issue((*at, "teams", answer), _undeclared(team, ctx.plan))


def _undeclared(team: str, plan: Plan) -> str:
    known = ", ".join(sorted(plan.team_ids())) or "none declared"
    return f"team '{team}' is not declared under 'teams' (teams: {known})"


def _answers_never_given(ctx: CheckContext) -> Iterator[Issue]:
    for at, rule, dataset in _rules(ctx.plan):
        if dataset is None or rule.field is None:
            continue
        spec = next((s for s in dataset.collected_fields if s.name == rule.field), None)
        if spec is None or spec.input is not InputKind.CHOICE:
            continue
        for answer in rule.teams:
            if answer not in spec.choices:
                yield Issue(
                    (*at, "teams", answer),
                    f"'{answer}' is not one of the choices of '{spec.name}' "
                    f"({', '.join(spec.choices)}); no record will ever be routed by it",
                )


def _team_readers_without_routing(ctx: CheckContext) -> Iterator[Issue]:
    routed = {rule.dataset for rule in ctx.plan.routing.datasets}
    for index, dataset in enumerate(ctx.plan.datasets):
        if dataset.id in routed:
            continue
        readers = [
            role.id
            for role in ctx.plan.roles
            if role.staff and role.scope is Scope.TEAM and reads_dataset(role, dataset)
        ]
        if readers:
            yield Issue(
                ("datasets", index),
                f"'{dataset.id}' is read by team-scoped roles ({', '.join(readers)}) but no "
                "routing rule gives its records a team, so they never see a new record",
            )


def _assigners(ctx: CheckContext) -> Iterator[Issue]:
    roles = {role.id: role for role in ctx.plan.roles}
    for index, role_id in enumerate(ctx.plan.routing.assigned_by):
        at: Location = ("routing", "assigned_by", index)
        role = roles.get(role_id)
        if role is None:
            yield Issue(at, f"role '{role_id}' is not declared")
        elif not role.staff:
            yield Issue(at, f"role '{role_id}' is for the people the data is about, not staff")
        elif role.scope not in ASSIGNING_SCOPES:
            yield Issue(
                at,
                f"role '{role_id}' has scope '{role.scope.value}': it never sees a team's "
                "unassigned cases, so it cannot assign them",
            )


def _assigned_readers_without_assigner(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    assigners = [
        role
        for role in plan.roles
        if role.id in plan.routing.assigned_by and role.staff and role.scope in ASSIGNING_SCOPES
    ]
    for index, role in enumerate(plan.roles):
        if not role.staff or role.scope is not Scope.ASSIGNED:
            continue
        stranded = [
            d.id
            for d in plan.datasets
            if reads_dataset(role, d) and not any(reads_dataset(a, d) for a in assigners)
        ]
        if stranded:
            yield Issue(
                ("roles", index, "scope"),
                f"role '{role.id}' sees only cases assigned to them, but no role in "
                f"routing.assigned_by may assign cases of {', '.join(stranded)}",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        id="RTE001",
        title="Routing rules name declared datasets, each once",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Use the id of a dataset under 'datasets'; give each dataset one routing rule.",
        check=_unknown_dataset,
    ),
    Rule(
        id="RTE002",
        title="A routing rule reads a stored field of its dataset",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Name a field of the dataset that is recorded (not 'never').",
        check=_unknown_field,
    ),
    Rule(
        id="RTE003",
        title="Routing reads only a clear field that identifies no one",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Route by a field with encrypted: false, identifier: none and a non-personal "
        "category (for example a district or a request type), or route to the default "
        "team only.",
        check=_identifying_field,
    ),
    Rule(
        id="RTE004",
        title="Routing sends records only to declared teams",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Declare the team under 'teams' (id and label), or correct its id.",
        check=_unknown_team,
    ),
    Rule(
        id="RTE005",
        title="Routing answers are answers the field can have",
        severity=Severity.WARNING,
        area=Area.ACCESS,
        hint="Write each answer exactly as it appears in the field's choices.",
        check=_answers_never_given,
    ),
    Rule(
        id="RTE006",
        title="Datasets that team-scoped roles read are routed to teams",
        severity=Severity.WARNING,
        area=Area.ACCESS,
        hint="Add a rule under routing.datasets for the dataset, with at least a default team.",
        check=_team_readers_without_routing,
    ),
    Rule(
        id="RTE007",
        title="Roles that assign cases are staff roles that see a team's queue",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="List in routing.assigned_by only declared staff roles with scope team or all.",
        check=_assigners,
    ),
    Rule(
        id="RTE008",
        title="Someone can assign the cases of roles that see only their own assignments",
        severity=Severity.WARNING,
        area=Area.ACCESS,
        hint="Add a role with scope team or all that reads the dataset to routing.assigned_by "
        "(for example the supervisor).",
        check=_assigned_readers_without_assigner,
    ),
)
