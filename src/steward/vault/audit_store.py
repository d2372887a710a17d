"""The database implementation of the audit store.

Entries are written through the default database connection, so an entry appended
inside ``transaction.atomic()`` commits or rolls back with the action it records.

Appends are serialized for the whole database, across threads and server processes:

* on PostgreSQL by a transaction-scoped advisory lock (``pg_advisory_xact_lock``),
  taken before the tail is read and held until the action's transaction ends, so
  the next writer reads the tail only after this entry is committed (or rolled back);
* on SQLite by the database's write lock, which every transaction takes when it
  begins (the vault runs SQLite transactions as ``IMMEDIATE``).

A writer waits at most the configured lock timeout (``STEWARD_DB_LOCK_TIMEOUT``,
20 seconds by default) and then fails closed. The unique entry number stays as a
last defence against a writer that does not take the lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max, Min, Q

from steward import clock
from steward.audit import (
    AuditConflictError,
    AuditError,
    AuditReadError,
    AuditWriteError,
    RecordBuilder,
    exactly,
    parse_checkpoint,
)
from steward.vault.models import AuditCheckpointRow, AuditEntryRow

LOCK_KEY: Final = int.from_bytes(b"StAudit1", "big")
"""The PostgreSQL advisory lock key that serializes appends to the audit log."""
DEFAULT_LOCK_TIMEOUT: Final = 20.0
_LOCK_NOT_AVAILABLE: Final = "55P03"


OBJECT_REF_LENGTH: Final = 128
"""Longest object reference kept in the index column (``AuditEntryRow.object_ref``)."""


def lock_timeout() -> float:
    """Seconds a writer waits for the audit log's lock (from the server configuration)."""
    config = getattr(settings, "CONFIG", None)
    return float(getattr(config, "lock_timeout", DEFAULT_LOCK_TIMEOUT))


class DatabaseAuditStore:
    """An :class:`~steward.audit.store.AuditStore` in the vault's database."""

    def __repr__(self) -> str:
        return "DatabaseAuditStore()"

    def append_next(self, build: RecordBuilder) -> int:
        """Store ``build(size, last)`` as the next entry, holding the log's lock; see the
        module and :meth:`~steward.audit.store.AuditStore.append_next`.

        Inside a transaction the lock is held until that transaction ends; outside,
        the append is its own transaction.

        Raises:
            AuditWriteError: the lock was not granted within the lock timeout, or the
                database refused the write (the surrounding transaction is then marked
                for rollback: fail closed).
            AuditConflictError: a writer that does not take the lock took this number.
        """
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            with transaction.atomic():
                return self.append_next(build)
        try:
            self._lock_tail()
            size, last = self._tail()
        except DatabaseError as error:
            transaction.set_rollback(True)
            raise _write_error(error) from None
        record = build(size, last)
        try:
            AuditEntryRow.objects.create(
                seq=size, record=record, object_ref=object_ref_of(record), at=time_of(record)
            )
        except IntegrityError:
            transaction.set_rollback(True)
            raise AuditConflictError(f"audit entry {size} was written by someone else") from None
        except DatabaseError as error:
            transaction.set_rollback(True)
            raise _write_error(error) from None
        return size

    def append(self, index: int, record: bytes) -> None:
        """Insert entry ``index``; see :meth:`~steward.audit.store.AuditStore.append`.

        Raises:
            AuditConflictError: the log does not hold exactly ``index`` entries.
            AuditWriteError: the database refused the write.
        """
        self.append_next(exactly(index, record))

    def _lock_tail(self) -> None:
        """Take the log's lock for the rest of the current transaction (PostgreSQL).

        On SQLite the transaction already holds the database's write lock.
        """
        connection = transaction.get_connection()
        if connection.vendor != "postgresql":
            return
        milliseconds = max(1, round(lock_timeout() * 1000))
        with connection.cursor() as cursor:
            # One round trip: the subquery (volatile, so never flattened) sets the
            # transaction's lock_timeout before the outer query waits for the lock.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s) "
                "FROM (SELECT set_config('lock_timeout', %s, true)) AS timeout",
                [LOCK_KEY, f"{milliseconds}ms"],
            )

    def _tail(self) -> tuple[int, bytes | None]:
        last = AuditEntryRow.objects.order_by("-seq").values_list("seq", "record").first()
        if last is None:
            return 0, None
        return int(last[0]) + 1, bytes(last[1])

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
            raise _read_error(error) from None

    def seq_span(self, low: datetime, high: datetime) -> tuple[int, int]:
        """The numbers ``[start, stop)`` that hold every entry whose own time is in
        ``[low, high)``: from the first such entry to the last (entries of other times
        between them are included; a caller filters by time). ``(0, 0)`` when there is
        none. Entries whose time could not be read are always included.

        Raises:
            AuditReadError: the database cannot be read.
        """
        try:
            rows = AuditEntryRow.objects.filter(
                Q(at__gte=low, at__lt=high) | Q(at__isnull=True)
            ).aggregate(first=Min("seq"), last=Max("seq"))
        except DatabaseError as error:
            raise _read_error(error) from None
        if rows["first"] is None:
            return 0, 0
        return int(rows["first"]), int(rows["last"]) + 1

    def size(self) -> int:
        """How many entries are stored (the next entry number)."""
        return self.tail()[0]

    def tail(self) -> tuple[int, bytes | None]:
        """The next entry number and the last entry, in one query."""
        try:
            return self._tail()
        except DatabaseError as error:
            raise _read_error(error) from None

    def save_checkpoint(self, note: str) -> None:
        """Keep a signed checkpoint note, stamped with the time by :func:`steward.clock.now`.

        Raises:
            AuditWriteError: the database refused the write.
        """
        try:
            with transaction.atomic():
                self._insert_checkpoint(note, clock.now())
        except DatabaseError as error:
            raise AuditWriteError(
                f"the checkpoint cannot be saved ({type(error).__name__})"
            ) from None

    def save_checkpoint_if_newer(self, note: str, size: int, when: datetime) -> bool:
        """Keep ``note`` (a checkpoint of ``size`` entries) unless one as new is stored.

        Checked and written under the log's lock, so two processes signing at once
        store one checkpoint. Returns whether ``note`` was stored.

        Raises:
            AuditWriteError: the database refused the write or the lock.
        """
        try:
            with transaction.atomic():
                self._lock_tail()
                latest = self.latest_checkpoint()
                if latest is not None and _size_of(latest[0]) >= size:
                    return False
                self._insert_checkpoint(note, when)
                return True
        except DatabaseError as error:
            raise _write_error(error) from None

    def _insert_checkpoint(self, note: str, when: datetime) -> None:
        row = AuditCheckpointRow.objects.create(note=note)
        # ``written`` is filled in by the database layer on insert; use the vault's clock.
        AuditCheckpointRow.objects.filter(pk=row.pk).update(written=when)

    def checkpoints(self) -> list[str]:
        """Every checkpoint note, oldest first."""
        try:
            return list(AuditCheckpointRow.objects.order_by("id").values_list("note", flat=True))
        except DatabaseError as error:
            raise AuditReadError(
                f"the checkpoints cannot be read ({type(error).__name__})"
            ) from None

    def checkpoint_times(self) -> list[tuple[str, datetime]]:
        """Every checkpoint note with the time it was stored, oldest first.

        Raises:
            AuditReadError: the database cannot be read.
        """
        try:
            rows = AuditCheckpointRow.objects.order_by("id")
            return [(note, written) for note, written in rows.values_list("note", "written")]
        except DatabaseError as error:
            raise AuditReadError(
                f"the checkpoints cannot be read ({type(error).__name__})"
            ) from None

    def latest_checkpoint(self) -> tuple[str, datetime] | None:
        """The newest checkpoint note and when it was stored, or ``None``.

        Raises:
            AuditReadError: the database cannot be read.
        """
        try:
            row = AuditCheckpointRow.objects.order_by("-id").values_list("note", "written").first()
        except DatabaseError as error:
            raise AuditReadError(
                f"the checkpoints cannot be read ({type(error).__name__})"
            ) from None
        return None if row is None else (row[0], row[1])


def _size_of(note: str) -> int:
    try:
        return parse_checkpoint(note).size
    except AuditError:
        return -1


def _is_lock_timeout(error: DatabaseError) -> bool:
    cause: Any = error.__cause__
    if getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
        return True
    return "database is locked" in str(error)


def _write_error(error: DatabaseError) -> AuditWriteError:
    if _is_lock_timeout(error):
        return AuditWriteError(
            f"the audit log is busy: its lock was not granted within {lock_timeout():g} seconds"
        )
    return AuditWriteError(f"the audit log cannot be written ({type(error).__name__})")


def _read_error(error: DatabaseError) -> AuditReadError:
    return AuditReadError(f"the audit log cannot be read ({type(error).__name__})")


def time_of(record: bytes) -> datetime | None:
    """The time an entry's canonical JSON holds (indexed beside it); ``None`` when the
    bytes are not an entry or the time is malformed (the chain's verifier reports those)."""
    try:
        value = json.loads(record)
        found = value.get("time") if isinstance(value, dict) else None
        moment = datetime.fromisoformat(found) if isinstance(found, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def object_ref_of(record: bytes) -> str:
    """The object reference an entry's canonical JSON holds (indexed beside it); empty
    when the bytes are not an entry (the chain's verifier reports those)."""
    try:
        value = json.loads(record)
    except ValueError:
        return ""
    found = value.get("object", "") if isinstance(value, dict) else ""
    return found if isinstance(found, str) and len(found) <= OBJECT_REF_LENGTH else ""
