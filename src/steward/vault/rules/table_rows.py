"""Who may add a row to a table, and what an import file must be: pure decisions.

The values themselves are checked by :func:`steward.vault.rules.intake.check_row`, the
same rules as intake answers; here are only the decisions that tables add on top: the
staff member's grants and scope, the columns of a file and the legal basis an import
claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from steward.policy import decide
from steward.policy.model import Action, Dataset, DatasetKind, LegalBasis, Plan, Role, Scope


@dataclass(frozen=True)
class RowDecision:
    """Whether a role may add a row; ``reason`` in plain words, never a value."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def writable_fields(role: Role, dataset: Dataset, *, today: date | None = None) -> list[str]:
    """Names of the fields of ``dataset`` the role may fill in on a new row (a write
    grant, and the sight of the field that :func:`steward.policy.decide` asks for)."""
    return [
        spec.name
        for spec in dataset.collected_fields
        if decide(role, Action.WRITE, spec, today=today).allowed
    ]


def decide_add_row(
    role: Role,
    dataset: Dataset,
    given: Iterable[str],
    *,
    routed_team: str,
    actor_team: str,
    actor_user: int | None = None,
    today: date | None = None,
) -> RowDecision:
    """May ``role`` add a row to ``dataset`` with values for the fields ``given``?

    * Rows are added only to tables (intake forms are filled in by the people themselves).
    * The role must be able to write at least one field, every required field (else it
      could never add a valid row) and every field it gives a value for. Names that are
      not fields of the dataset are left to the value check (a 400, not a 403).
    * The row must land in the role's scope: a team-scoped role adds rows only for its
      own team (the plan's routing decides the team from the values); a role scoped to
      its own records (a data subject) adds none. A role scoped to assigned records gets
      the new row assigned to itself, so it stays in scope.
    """
    if dataset.kind is not DatasetKind.TABLE:
        return RowDecision(False, f"'{dataset.id}' is not a table; people fill it in themselves")
    writable = set(writable_fields(role, dataset, today=today))
    if not writable:
        return RowDecision(False, f"the role '{role.id}' may not write any field of '{dataset.id}'")
    declared = {spec.name for spec in dataset.collected_fields}
    refused = sorted(set(given) & declared - writable)
    if refused:
        return RowDecision(False, f"the role '{role.id}' may not write: {', '.join(refused)}")
    required = sorted(s.name for s in dataset.collected_fields if s.required)
    unwritable = [name for name in required if name not in writable]
    if unwritable:
        return RowDecision(
            False,
            f"the role '{role.id}' may not write the required fields: {', '.join(unwritable)}",
        )
    if role.scope is Scope.OWN:
        return RowDecision(False, "a person's own account adds no rows to a table")
    if role.scope is Scope.ASSIGNED and actor_user is None:
        return RowDecision(
            False, "the role sees only records assigned to a person, and no person is acting"
        )
    if role.scope is Scope.TEAM and routed_team != actor_team:
        return RowDecision(
            False,
            f"the row would belong to team '{routed_team or 'none'}', outside the role's "
            f"scope (team '{actor_team or 'none'}')",
        )
    return RowDecision(True, "a write grant covers the row's fields, and it is in scope")


def allowed_bases(plan: Plan, dataset: Dataset) -> list[LegalBasis]:
    """The legal bases an import into ``dataset`` may claim: those of the purposes its
    collected fields serve, in plan order."""
    served = {p for spec in dataset.collected_fields for p in spec.purposes}
    bases: list[LegalBasis] = []
    for purpose in plan.purposes:
        basis = purpose.legal_basis
        if purpose.id in served and basis is not None and basis not in bases:
            bases.append(basis)
    return bases


def import_problems(
    plan: Plan, dataset_id: str, columns: Sequence[str], legal_basis: str
) -> list[str]:
    """What makes an import of a file with ``columns`` into ``dataset_id`` impossible,
    before any row is read: every problem, in plain words (empty when none).

    Refused: an unknown dataset; a dataset that is not a table (an intake form's data
    comes only from the people themselves, with its notice and opt-ins); no columns;
    a column named twice; columns the dataset does not declare (all named); columns of
    fields marked ``never`` (their answers are never recorded, by any path); a legal
    basis none of the dataset's purposes rests on.
    """
    try:
        dataset = plan.dataset(dataset_id)
    except KeyError:
        known = ", ".join(d.id for d in plan.datasets if d.kind is DatasetKind.TABLE)
        return [f"there is no dataset '{dataset_id}' (tables of this plan: {known or 'none'})"]
    if dataset.kind is not DatasetKind.TABLE:
        return [
            f"'{dataset.id}' is an intake form, not a table: its data comes only from the "
            "people themselves, who see its notice and opt-ins; imports go into tables"
        ]
    problems: list[str] = []
    if not columns:
        problems.append("the file has no columns")
    twice = sorted({c for c in columns if list(columns).count(c) > 1})
    if twice:
        problems.append(f"columns named more than once: {', '.join(twice)}")
    declared = {spec.name: spec for spec in dataset.fields}
    undeclared = sorted(set(columns) - set(declared))
    if undeclared:
        problems.append(
            f"columns not declared in '{dataset.id}': {', '.join(undeclared)} "
            "(add them to the plan, or drop them from the file)"
        )
    never = sorted(c for c in set(columns) if c in declared and declared[c].never)
    if never:
        problems.append(
            f"columns the plan never records: {', '.join(never)} (drop them from the file)"
        )
    bases = allowed_bases(plan, dataset)
    if legal_basis not in {b.value for b in bases}:
        listed = ", ".join(b.value for b in bases) or "none"
        problems.append(
            f"'{legal_basis}' is not a legal basis of the purposes of '{dataset.id}' "
            f"(allowed: {listed})"
        )
    return problems
