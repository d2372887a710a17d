"""The database implementation of the audit store.

Entries are written through the default database connection, so an entry appended
inside ``transaction.atomic()`` commits or rolls back with the action it records.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import DatabaseError, IntegrityError, transaction

from steward.audit.errors import AuditConflictError, AuditReadError, AuditWriteError
from steward.vault.models import AuditCheckpointRow, AuditEntryRow


class DatabaseAuditStore:
    """An :class:`~steward.audit.store.AuditStore` in the vault's database."""

    def append(self, index: int, record: bytes) -> None:
        """Insert entry ``index``; the unique entry number refuses a second writer.

        Raises:
            AuditConflictError: another transaction took this number first.
            AuditWriteError: the database refused the write.
        """
        try:
            with transaction.atomic():
                AuditEntryRow.objects.create(seq=index, record=record)
        except IntegrityError:
            raise AuditConflictError(f"audit entry {index} was written by someone else") from None
        except DatabaseError as error:
            raise AuditWriteError(
                f"the audit log cannot be written ({type(error).__name__})"
            ) from None

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """Yield entries ``start`` to ``stop`` in order.

        Raises:
            AuditReadError: the database cannot be read.
        """
        try:
            rows = AuditEntryRow.objects.filter(seq__gte=start)
            if stop is not None:
                rows = rows.filter(seq__lt=stop)
            for record in rows.order_by("seq").values_list("record", flat=True).iterator(2000):
                yield bytes(record)
        except DatabaseError as error:
            raise AuditReadError(f"the audit log cannot be read ({type(error).__name__})") from None

    def size(self) -> int:
        """How many entries are stored (the next entry number)."""
        try:
            last = AuditEntryRow.objects.order_by("-seq").values_list("seq", flat=True).first()
        except DatabaseError as error:
            raise AuditReadError(f"the audit log cannot be read ({type(error).__name__})") from None
        return 0 if last is None else int(last) + 1

    def tail(self) -> tuple[int, bytes | None]:
        """The next entry number and the last entry, in one query."""
        try:
            last = AuditEntryRow.objects.order_by("-seq").values_list("seq", "record").first()
        except DatabaseError as error:
            raise AuditReadError(f"the audit log cannot be read ({type(error).__name__})") from None
        if last is None:
            return 0, None
        return int(last[0]) + 1, bytes(last[1])

    def save_checkpoint(self, note: str) -> None:
        """Keep a signed checkpoint note."""
        try:
            AuditCheckpointRow.objects.create(note=note)
        except DatabaseError as error:
            raise AuditWriteError(
                f"the checkpoint cannot be saved ({type(error).__name__})"
            ) from None

    def checkpoints(self) -> list[str]:
        """Every checkpoint note, oldest first."""
        try:
            return list(AuditCheckpointRow.objects.values_list("note", flat=True))
        except DatabaseError as error:
            raise AuditReadError(
                f"the checkpoints cannot be read ({type(error).__name__})"
            ) from None
