"""The records an extract is made from: the permitted fields, in clear, of the records
that serve the extract's purpose, as a Polars table.

Like the access service's export, it opens values through the key ring (one key state
for the whole read) and asks :func:`~steward.vault.rules.own_choices.serves_purpose`
whether each record still serves the purpose: a purpose resting on consent is served
only while the person agrees, so a withdrawn consent leaves the record out. Records
purged whole are left out; a value that cannot be read (erased, deleted) is missing.
Records are read in chunks, so a large dataset never builds one huge query. The caller
(:mod:`steward.vault.services.extracts`) audits the read in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import polars as pl
from django.db.models import QuerySet

from steward.policy.model import Dataset, FieldSpec
from steward.vault.models import Record
from steward.vault.rules.own_choices import serves_purpose
from steward.vault.rules.unreadable import Unreadable, shown_as
from steward.vault.runtime import Vault
from steward.vault.services.consents import consent_states_of
from steward.vault.services.record_views import decrypt_row, load_ciphertexts

CHUNK: Final = 2000
"""Records read per query."""
_MARKERS: Final = frozenset(shown_as(reason) for reason in Unreadable)


@dataclass(frozen=True)
class SourceRows:
    """What was read: the table (one column per field, text or null), how many records
    the dataset holds in reach, and how many were left out for not serving the purpose."""

    table: pl.DataFrame
    in_reach: int
    not_serving: int


def read_source(
    vault: Vault,
    records: Iterator[list[Record]],
    dataset: Dataset,
    fields: list[FieldSpec],
    purpose: str,
) -> SourceRows:
    """The clear values of ``fields`` of the records (given in chunks) that serve
    ``purpose``. Never raises for a value that cannot be read: it is missing."""
    columns: dict[str, list[str | None]] = {f.name: [] for f in fields}
    in_reach = not_serving = 0
    plan = vault.plan
    with vault.keyring.one_state_read():
        for rows in records:
            in_reach += len(rows)
            states = consent_states_of(rows)
            serving = [row for row in rows if serves_purpose(plan, purpose, states[row.id])]
            not_serving += len(rows) - len(serving)
            values = load_ciphertexts(serving, fields)
            for row in serving:
                clear = decrypt_row(vault.keyring, row, dataset, fields, values, all_fields=True)
                for name, column in columns.items():
                    value = clear.get(name, "")
                    column.append(value if value and value not in _MARKERS else None)
    table = pl.DataFrame(
        {name: pl.Series(name, column, dtype=pl.String) for name, column in columns.items()}
    )
    return SourceRows(table, in_reach, not_serving)


def chunks(rows: QuerySet[Record], size: int = CHUNK) -> Iterator[list[Record]]:
    """The records of ``rows`` not purged whole, ``size`` at a time, in key order (keyset
    paging, so every chunk is one short query however far in)."""
    ordered = rows.filter(purged__isnull=True).select_related("plan").order_by("pk")
    last = None
    while True:
        page = ordered if last is None else ordered.filter(pk__gt=last)
        batch = list(page[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk
