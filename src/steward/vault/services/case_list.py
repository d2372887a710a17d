"""Narrowing and ordering a case list by a :class:`~steward.vault.rules.case_query.CaseQuery`.

Used only by :class:`~steward.vault.services.access.AccessService`, on rows it has
already scoped to the actor and for actors it has already let read: a filter only
narrows, and nothing here decides. Filters read no personal data (status, team and
dates are kept in clear on every record); :func:`matching` decrypts the one searched
field of a search's candidates to drop blind-index collisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from steward.policy.model import Dataset, FieldSpec
from steward.vault.models import Record
from steward.vault.rules.case_query import CaseQuery, StatusFilter
from steward.vault.rules.search import spec_normalization
from steward.vault.runtime import Vault
from steward.vault.services.record_views import (
    RecordView,
    ValueUnreadable,
    decrypt_value,
    load_ciphertexts,
)

MAX_MATCHES = 1000
"""The most records one search looks at (a search that finds more should be narrowed)."""


@dataclass(frozen=True)
class CasePage:
    """One page of cases and how many the whole list holds.

    Attributes:
        total: every match in scope; for a search, at most :data:`MAX_MATCHES`.
        truncated: a search found more than :data:`MAX_MATCHES` candidates.
    """

    items: list[RecordView]
    total: int
    truncated: bool = False


def narrowed(rows: QuerySet[Record], query: CaseQuery | None) -> QuerySet[Record]:
    """``rows`` filtered by ``query`` and put in its order (newest first without one)."""
    if query is None:
        return rows.order_by("-created", "id")
    if query.status is StatusFilter.OPEN:
        rows = rows.filter(status=Record.Status.OPEN)
    elif query.status is StatusFilter.CLOSED:
        rows = rows.filter(status=Record.Status.CLOSED)
    if query.team:
        rows = rows.filter(team=query.team)
    if query.created_after is not None:
        rows = rows.filter(created__gte=query.created_after)
    if query.created_before is not None:
        rows = rows.filter(created__lt=query.created_before)
    return rows.order_by(*query.order_by())


def matching(
    vault: Vault, candidates: list[Record], dataset: Dataset, spec: FieldSpec, value: str
) -> list[Record]:
    """The ``candidates`` (found by the blind index of ``spec``) whose value of ``spec``
    really equals ``value`` after normalization, in their order. A value that cannot
    be read (erased) matches nothing."""
    normalization = spec_normalization(spec)
    wanted = vault.indexer.normalized(value, normalization)
    stored = load_ciphertexts(candidates, [spec])
    found = []
    for row in candidates:
        if spec.encrypted:
            ciphertext = stored.get(row.id, {}).get(spec.name)
            if ciphertext is None:
                continue
            try:
                actual = decrypt_value(
                    vault.keyring, ciphertext, dataset.id, str(row.id), spec.name
                )
            except ValueUnreadable:
                continue
        else:
            actual = str(row.clear_values.get(spec.name, ""))
        if vault.indexer.normalized(actual, normalization) == wanted:
            found.append(row)
    return found


def list_note(unassigned: bool, query: CaseQuery | None) -> str:
    """The audit purpose of a list: the queue, and the filters (never personal data)."""
    parts = (["unassigned queue"] if unassigned else []) + ([query.describe()] if query else [])
    return "; ".join(parts)
