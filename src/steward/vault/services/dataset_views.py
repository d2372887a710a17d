"""What the access service answers about datasets: what a role may do with each field,
and the rows of an export. Plain values, decided by the service, shown by callers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from steward.policy import decide
from steward.policy.model import Action, Dataset, FieldSpec, Role


@dataclass(frozen=True)
class FieldAccess:
    """A field the actor reads, how it is shown, and what else the actor may do with it."""

    name: str
    label: str
    category: str
    masking: str
    reveal: bool
    write: bool
    export: bool


@dataclass(frozen=True)
class DatasetAccess:
    """A dataset the actor reads something of, with only the fields they read."""

    id: str
    label: str
    kind: str
    fields: tuple[FieldAccess, ...]


@dataclass(frozen=True)
class Export:
    """An export as decided: the fields the role may export, and each record in scope
    with those fields in clear (``id`` first, then one value per field, ``""`` if none)."""

    dataset: str
    fields: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


def describe_access(role: Role, datasets: Iterable[Dataset], today: date) -> list[DatasetAccess]:
    """Each of ``datasets`` with the fields ``role`` reads and what else it may do with
    each (reveal, write, export) on ``today``, by the plan's grants. Reads no record."""

    def allowed(action: Action, spec: FieldSpec) -> bool:
        return decide(role, action, spec, today=today).allowed

    return [
        DatasetAccess(
            id=dataset.id,
            label=dataset.label,
            kind=dataset.kind.value,
            fields=tuple(
                FieldAccess(
                    name=spec.name,
                    label=spec.label,
                    category=spec.category,
                    masking=spec.masking.value,
                    reveal=allowed(Action.REVEAL, spec),
                    write=allowed(Action.WRITE, spec),
                    export=allowed(Action.EXPORT, spec),
                )
                for spec in dataset.collected_fields
                if allowed(Action.READ, spec)
            ),
        )
        for dataset in datasets
    ]
