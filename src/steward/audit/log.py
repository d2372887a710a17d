"""The audit log: appends chained entries to any :class:`AuditStore`, signs checkpoints
and builds Merkle proofs. It holds no state of its own beyond the store, so several
``AuditLog`` objects (or processes) can share one store; the store builds each entry
under its write lock, which keeps the chain from forking.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from steward.audit.checkpoint import Checkpoint, sign_checkpoint
from steward.audit.entry import GENESIS_HASH, AuditEntry, AuditEvent, ReferenceHasher
from steward.audit.errors import (
    AuditEventError,
    AuditReadError,
    AuditWriteError,
    CanonicalEncodingError,
    ProofError,
)
from steward.audit.keys import SigningKey
from steward.audit.merkle import leaf_hash, root_hash
from steward.audit.proofs import consistency_path, inclusion_path
from steward.audit.store import AuditStore


@dataclass(frozen=True)
class InclusionProof:
    """Evidence that entry ``index`` is in the log of ``size`` entries whose root is ``root``."""

    index: int
    size: int
    leaf_hash: bytes
    path: tuple[bytes, ...]
    root: bytes


@dataclass(frozen=True)
class ConsistencyProof:
    """Evidence that the log of ``old_size`` entries is a prefix of that of ``new_size``."""

    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    path: tuple[bytes, ...]


class AuditLog:
    """An append-only, hash-chained, Merkle-committed log of audit entries.

    Each entry stores the RFC 6962 leaf hash of the previous entry's record (32
    zero bytes for the first), and every record is a leaf of the Merkle tree whose
    signed root is a checkpoint.
    """

    def __init__(self, store: AuditStore, hasher: ReferenceHasher | None = None) -> None:
        """Log to ``store``, turning actors and objects into references with ``hasher``.

        Without a hasher the log can be read, checkpointed and proved, but not appended to.
        """
        self.store = store
        self.hasher = hasher

    def __repr__(self) -> str:
        return f"AuditLog({self.store!r})"

    def size(self) -> int:
        """How many entries the log holds.

        Raises:
            AuditReadError: the store cannot be read.
        """
        return self.store.size()

    def append(self, event: AuditEvent) -> AuditEntry:
        """Record ``event`` as the next entry and return it once it is durably stored.

        The entry is numbered, timed and chained while the store holds its write
        lock (:meth:`AuditStore.append_next`), so concurrent appends wait for each
        other instead of failing, and entry times never go backwards along the chain.

        Raises:
            AuditEventError: the event is malformed, or the log has no reference key;
                nothing was written.
            AuditWriteError: the entry could not be written (or the store could not
                be read to chain it). The audited action must not go ahead (fail closed).
        """
        hasher = self.hasher
        if hasher is None:
            raise AuditEventError("this audit log was opened without a reference key")
        made: list[AuditEntry] = []

        def build(size: int, previous: bytes | None) -> bytes:
            if size and previous is None:
                raise AuditWriteError("the store lost its last entry while appending")
            prev_hash = leaf_hash(previous) if previous is not None else GENESIS_HASH
            entry = AuditEntry.from_event(event, size, prev_hash, hasher)
            try:
                record = entry.to_record()
            except CanonicalEncodingError:
                raise AuditWriteError("the entry could not be encoded") from None
            made.append(entry)
            return record

        try:
            self.store.append_next(build)
        except AuditReadError as error:
            raise AuditWriteError(f"cannot chain a new entry: {error}") from None
        return made[-1]

    def entries(self, start: int = 0, stop: int | None = None) -> Iterator[AuditEntry]:
        """The stored entries ``[start, stop)``, parsed.

        Raises:
            AuditReadError: the store cannot be read.
            EntryFormatError: a record is malformed (run :func:`verify_log` to locate damage).
        """
        for record in self.store.read(start, stop):
            yield AuditEntry.from_record(record)

    def leaf_hashes(self, size: int | None = None) -> list[bytes]:
        """The Merkle leaf hashes of the first ``size`` entries (default: all).

        Raises:
            ProofError: the log holds fewer than ``size`` entries.
        """
        hashes = [leaf_hash(record) for record in self.store.read(0, size)]
        if size is not None and len(hashes) < size:
            raise ProofError(f"the log holds {len(hashes)} entries, not {size}")
        return hashes

    def root(self, size: int | None = None) -> bytes:
        """The Merkle root hash of the first ``size`` entries (default: all)."""
        return root_hash(self.leaf_hashes(size))

    def checkpoint(self, key: SigningKey) -> str:
        """Sign a checkpoint of the whole log with ``key``, keep it in the store, return the note.

        The checkpoint's origin is the key's name. Copy the returned note somewhere
        the server cannot write, so that later verification can rely on it.

        Raises:
            AuditWriteError: the store cannot keep the checkpoint.
        """
        hashes = self.leaf_hashes()
        note = sign_checkpoint(Checkpoint(key.name, len(hashes), root_hash(hashes)), key)
        self.store.save_checkpoint(note)
        return note

    def prove_inclusion(self, index: int, size: int | None = None) -> InclusionProof:
        """Prove that entry ``index`` is in the log of ``size`` entries (default: all).

        Raises:
            ProofError: ``index`` is not below ``size`` or the log is shorter than ``size``.
        """
        hashes = self.leaf_hashes()
        size = len(hashes) if size is None else size
        path = inclusion_path(hashes, index, size)
        return InclusionProof(index, size, hashes[index], tuple(path), root_hash(hashes[:size]))

    def prove_consistency(self, old_size: int, new_size: int | None = None) -> ConsistencyProof:
        """Prove that the log of ``old_size`` entries is a prefix of that of ``new_size``.

        Raises:
            ProofError: ``old_size > new_size`` or the log is shorter than ``new_size``.
        """
        hashes = self.leaf_hashes()
        new_size = len(hashes) if new_size is None else new_size
        path = consistency_path(hashes, old_size, new_size)
        return ConsistencyProof(
            old_size,
            new_size,
            root_hash(hashes[:old_size]),
            root_hash(hashes[:new_size]),
            tuple(path),
        )
