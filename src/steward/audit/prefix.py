"""A verified prefix of a log: what a long-running signer has already checked.

Signing a checkpoint should vouch only for a log that verifies, but verifying the
whole log before every checkpoint costs time in proportion to its length. A
:class:`VerifiedPrefix` remembers the first ``size`` entries as checked (their Merkle
compact range and the last leaf hash), and :func:`extend_prefix` checks only what
was appended since: that the entry the prefix ended with is still there, unchanged;
that every new entry is well-formed, numbered by its position and linked to the one
before; and that every checkpoint in the new range has the root of the entries up
to its size. A log now shorter than the prefix was cut short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from steward.audit.checkpoint import Checkpoint
from steward.audit.entry import GENESIS_HASH, check_record
from steward.audit.errors import EntryFormatError, LogIntegrityError
from steward.audit.merkle import RootAccumulator, fold_peaks, leaf_hash
from steward.audit.store import AuditStore


@dataclass(frozen=True)
class VerifiedPrefix:
    """The first ``size`` entries of a log, checked: their compact range and last leaf."""

    size: int = 0
    last_leaf: bytes = GENESIS_HASH
    peaks: tuple[bytes, ...] = ()

    @property
    def root(self) -> bytes:
        """The Merkle root of the prefix."""
        return fold_peaks(self.peaks)


def hash_prefix(store: AuditStore, size: int) -> VerifiedPrefix:
    """The prefix of the first ``size`` entries, hashed WITHOUT checking them.

    For a log that :func:`~steward.audit.verify.verify_log` has just found intact.

    Raises:
        AuditReadError: the store cannot be read.
        LogIntegrityError: the log holds fewer than ``size`` entries.
    """
    accumulator = RootAccumulator()
    last = GENESIS_HASH
    for record in store.read(0, size):
        last = leaf_hash(record)
        accumulator.append(last)
    if accumulator.size != size:
        raise LogIntegrityError(f"the log holds {accumulator.size} entries, not {size}")
    return VerifiedPrefix(size, last, accumulator.peaks)


def extend_prefix(
    store: AuditStore, prefix: VerifiedPrefix, checkpoints: Sequence[tuple[str, Checkpoint]] = ()
) -> VerifiedPrefix:
    """Check the entries appended after ``prefix`` and return the prefix of the whole log.

    ``checkpoints`` (labelled for messages) are compared with the roots at their sizes
    when those fall after ``prefix``; one beyond the end of the log means it was cut.

    Raises:
        LogIntegrityError: the log is shorter than ``prefix`` or a checkpoint, the entry
            ``prefix`` ended with was changed, or a new entry is malformed, misnumbered
            or not linked to the one before, or a checkpoint's root does not match.
            The message names positions only, never entry contents.
        AuditReadError: the store cannot be read.
    """
    wanted = {cp.size: (label, cp) for label, cp in checkpoints if cp.size > prefix.size}
    accumulator = RootAccumulator(prefix.size, prefix.peaks)
    records = iter(store.read(prefix.size - 1 if prefix.size else 0))
    if prefix.size:
        last = next(records, None)
        if last is None:
            size = store.size()
            raise LogIntegrityError(
                f"the log holds {size} entries but {prefix.size} were verified before: "
                f"entries from {size} on were removed"
            )
        if leaf_hash(last) != prefix.last_leaf:
            raise LogIntegrityError(
                f"entry {prefix.size - 1} is not the entry verified before: it was changed"
            )
    previous, position = prefix.last_leaf, prefix.size
    for record in records:
        try:
            entry = check_record(record)
        except EntryFormatError as error:
            raise LogIntegrityError(f"entry {position} is malformed: {error}") from None
        if entry["seq"] != position or entry["prev"] != previous.hex():
            raise LogIntegrityError(
                f"entry {position} does not follow entry {position - 1}: the log was changed"
            )
        previous = leaf_hash(record)
        accumulator.append(previous)
        position += 1
        if position in wanted and wanted[position][1].root_hash != accumulator.root():
            raise LogIntegrityError(
                f"the first {position} entries do not match {wanted[position][0]}"
            )
    longest = max(wanted.values(), key=lambda item: item[1].size, default=None)
    if longest is not None and longest[1].size > position:
        raise LogIntegrityError(
            f"{longest[0]} covers {longest[1].size} entries but the log holds {position}: "
            f"entries from {position} on were removed"
        )
    return VerifiedPrefix(position, previous, accumulator.peaks)
