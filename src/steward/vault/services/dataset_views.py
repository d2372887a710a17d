"""What the access service answers about datasets: what a role may do with each field,
and the rows of an export. Plain values, decided by the service, shown by callers."""

from __future__ import annotations

from dataclasses import dataclass


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
