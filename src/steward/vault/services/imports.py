"""Importing a file of rows into a table: all checked first, then stored in one go.

Nothing is stored unless every column and every row passes: the columns by
:func:`~steward.vault.rules.table_rows.import_problems`, each row by
:func:`~steward.vault.rules.intake.check_row` (the intake rules). Then, in one database
transaction, an :class:`~steward.vault.models.ImportProvenance` is written, every row
becomes a record of its own subject (its personal values encrypted under that
subject's key, searchable ones indexed, routed to a team by the plan) pointing to the
provenance, and one ``dataset.import`` audit entry names the provenance, the columns
and the count: never a value. Rows are inserted in batches.

Each row's data key is created in the subject key store (outside the database) as its
values are encrypted; if the transaction then fails, those keys protect nothing and
are simply never used.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db import transaction

from steward import clock
from steward.errors import StewardError
from steward.policy.model import Dataset
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Consent, FieldValue, ImportProvenance, Record, Subject
from steward.vault.rules.intake import check_row, consent_purposes
from steward.vault.rules.routing import route
from steward.vault.rules.table_rows import import_problems
from steward.vault.runtime import Vault
from steward.vault.services.auditing import audit
from steward.vault.services.collect import blind_index_for
from steward.vault.services.import_files import ImportFile

BATCH_ROWS: Final = 500
SHOWN_PROBLEMS: Final = 20
MAX_SOURCE_CHARS: Final = 500
MAX_OPERATOR_CHARS: Final = 100

Progress = Callable[[int, int], None]


class ImportRefused(StewardError):
    """The import breaks the plan or the file is unfit; nothing was stored.

    ``problems`` lists every problem found (a row's problems name the row and column);
    the message shows the first :data:`SHOWN_PROBLEMS` of them.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        shown = list(self.problems[:SHOWN_PROBLEMS])
        if len(self.problems) > SHOWN_PROBLEMS:
            shown.append(f"and {len(self.problems) - SHOWN_PROBLEMS} more problems")
        count = len(self.problems)
        super().__init__(
            f"nothing was imported; {count} problem{'s' if count != 1 else ''}:\n  "
            + "\n  ".join(shown)
        )


@dataclass(frozen=True)
class ImportSource:
    """What the operator states about the data: where it came from, on what legal
    basis, that it was lawfully collected, and who they are."""

    source: str
    legal_basis: str
    lawfully_collected: bool
    operator: str


@dataclass(frozen=True)
class ImportSummary:
    """One import's provenance, as the privacy officer reads it (no personal data)."""

    id: str
    dataset: str
    imported: datetime
    rows: int
    source: str
    legal_basis: str
    lawfully_collected: bool
    operator: str
    sha256: str
    file_format: str
    columns: tuple[str, ...]

    @classmethod
    def of(cls, row: ImportProvenance) -> ImportSummary:
        """The summary of a stored provenance record."""
        return cls(
            id=str(row.id),
            dataset=row.dataset,
            imported=row.imported,
            rows=row.rows,
            source=row.source,
            legal_basis=row.legal_basis,
            lawfully_collected=row.lawfully_collected,
            operator=row.operator,
            sha256=row.sha256,
            file_format=row.file_format,
            columns=tuple(row.columns),
        )


def check_import(vault: Vault, dataset_id: str, file: ImportFile, stated: ImportSource) -> None:
    """Refuse the import unless the statement, the columns and every row pass.

    Rows are numbered from 1, the first row after a CSV's header line.

    Raises:
        ImportRefused: every problem found, each row's naming its row and column.
    """
    problems = _statement_problems(stated)
    problems += import_problems(vault.plan, dataset_id, file.columns, stated.legal_basis)
    if problems:
        raise ImportRefused(problems)
    if not file.rows:
        raise ImportRefused([f"{file.name} has a header but no rows"])
    for number, row in enumerate(file.rows, start=1):
        given = {k: v for k, v in row.items() if v is not None}
        for column, message in sorted(check_row(vault.plan, dataset_id, given).items()):
            where = f"row {number}, column {column}" if column else f"row {number}"
            problems.append(f"{where}: {message}")
    if problems:
        raise ImportRefused(problems)


def import_file(
    vault: Vault,
    dataset_id: str,
    file: ImportFile,
    stated: ImportSource,
    *,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> ImportSummary:
    """Check the whole file (:func:`check_import`), then store every row in one transaction.

    ``progress`` is called with (rows stored, rows in all) after each batch.

    Raises:
        ImportRefused: the statement, a column or a row breaks the plan; nothing stored.
        AuditUnavailable: the import could not be audited; nothing stored.
    """
    check_import(vault, dataset_id, file, stated)
    dataset = vault.plan.dataset(dataset_id)
    total = len(file.rows)
    with transaction.atomic():
        provenance = ImportProvenance.objects.create(
            dataset=dataset.id,
            plan_id=vault.plan_version_id(),
            source=stated.source.strip(),
            legal_basis=stated.legal_basis,
            lawfully_collected=stated.lawfully_collected,
            operator=stated.operator.strip(),
            imported=clock.now(),
            sha256=file.sha256,
            file_format=file.file_format,
            rows=total,
            columns=list(file.columns),
        )
        for start in range(0, total, max(1, batch_rows)):
            batch = file.rows[start : start + max(1, batch_rows)]
            _store_batch(vault, dataset, provenance, batch)
            if progress is not None:
                progress(start + len(batch), total)
        audit(
            vault,
            actor=f"cli/{stated.operator.strip()}",
            action=AuditAction.DATASET_IMPORT,
            obj=f"import/{provenance.id}",
            fields=sorted(file.columns),
            purpose=f"{total} rows on the basis {stated.legal_basis}",
        )
    return ImportSummary.of(provenance)


def list_imports(dataset_id: str | None = None) -> list[ImportSummary]:
    """Every import's provenance, newest first (of one dataset when given)."""
    rows = ImportProvenance.objects.all()
    if dataset_id:
        rows = rows.filter(dataset=dataset_id)
    return [ImportSummary.of(row) for row in rows]


def _statement_problems(stated: ImportSource) -> list[str]:
    problems = []
    if not stated.source.strip():
        problems.append("say where the data came from (--source)")
    elif len(stated.source) > MAX_SOURCE_CHARS:
        problems.append(f"the source is longer than {MAX_SOURCE_CHARS} characters")
    if not stated.operator.strip():
        problems.append("say who is importing (--operator)")
    elif len(stated.operator) > MAX_OPERATOR_CHARS:
        problems.append(f"the operator is longer than {MAX_OPERATOR_CHARS} characters")
    if not stated.lawfully_collected:
        problems.append(
            "Steward imports only data stated to have been lawfully collected "
            "(--lawfully-collected); data collected otherwise must not be kept"
        )
    return problems


def _store_batch(
    vault: Vault,
    dataset: Dataset,
    provenance: ImportProvenance,
    batch: Sequence[dict[str, str | None]],
) -> None:
    """Store checked rows: one subject and one record each, their ciphertexts, blind
    indexes and (unanswered) consent rows, in a few bulk inserts; the subjects' data
    keys are made in one write of the key store."""
    specs = dataset.collected_fields
    purposes = consent_purposes(vault.plan, dataset)
    plan_id = vault.plan_version_id()
    subjects = [Subject(id=uuid.uuid4()) for _ in batch]
    vault.keyring.create_keys([str(subject.id) for subject in subjects])
    records, values, consents = [], [], []
    for row, subject in zip(batch, subjects, strict=True):
        answers = {k: v.strip() for k, v in row.items() if v is not None and v.strip()}
        record = Record(
            id=uuid.uuid4(),
            dataset=dataset.id,
            subject=subject,
            plan_id=plan_id,
            clear_values={
                s.name: answers[s.name] for s in specs if not s.encrypted and s.name in answers
            },
            team=route(vault.plan, dataset.id, answers).team,
            provenance=provenance,
        )
        secret = {
            s.name: answers[s.name].encode("utf-8")
            for s in specs
            if s.encrypted and s.name in answers
        }
        ciphertexts = vault.keyring.encrypt_record(
            str(subject.id), secret, dataset=dataset.id, record=str(record.id)
        )
        for spec in specs:
            if spec.name in ciphertexts:
                index = (
                    blind_index_for(vault, dataset.id, spec.name, answers[spec.name])
                    if spec.searchable
                    else None
                )
                values.append(
                    FieldValue(
                        record=record,
                        field=spec.name,
                        ciphertext=ciphertexts[spec.name],
                        blind_index=index,
                    )
                )
        consents += [
            Consent(subject=subject, record=record, purpose=p, granted=False) for p in purposes
        ]
        records.append(record)
    Subject.objects.bulk_create(subjects)
    Record.objects.bulk_create(records)
    FieldValue.objects.bulk_create(values)
    Consent.objects.bulk_create(consents)
