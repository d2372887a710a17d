"""AuditLog: chained appends, checkpoints, proofs, and failing closed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from steward.audit import (
    AuditConflictError,
    AuditLog,
    AuditWriteError,
    FileAuditStore,
    MemoryAuditStore,
    ProofError,
    ReferenceHasher,
    SigningKey,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
    verify_log,
)
from steward.audit.merkle import leaf_hash
from steward.audit.store import RecordBuilder
from tests.audit.audit_helpers import ORIGIN, make_event


def test_entries_are_numbered_and_chained(memory_log: AuditLog) -> None:
    records = list(memory_log.store.read())
    entries = list(memory_log.entries())
    assert [e.seq for e in entries] == list(range(10))
    assert entries[0].prev_hash == bytes(32)
    for previous, entry in zip(records, entries[1:], strict=False):
        assert entry.prev_hash == leaf_hash(previous)


def test_append_returns_the_stored_entry(hasher: ReferenceHasher) -> None:
    log = AuditLog(MemoryAuditStore(), hasher)
    entry = log.append(make_event(1))
    assert entry.seq == 0
    assert next(log.store.read()) == entry.to_record()
    assert log.size() == 1


def test_file_log_survives_reopening(file_log: AuditLog, hasher: ReferenceHasher) -> None:
    assert isinstance(file_log.store, FileAuditStore)
    reopened = AuditLog(FileAuditStore(file_log.store.directory), hasher)
    assert reopened.size() == 10
    reopened.append(make_event(10))
    assert verify_log(reopened.store).ok


def test_checkpoint_is_signed_stored_and_matches_the_root(
    memory_log: AuditLog, signing_key: SigningKey
) -> None:
    note = memory_log.checkpoint(signing_key)
    checkpoint = open_checkpoint(note, signing_key.verifier)
    assert (checkpoint.origin, checkpoint.size) == (ORIGIN, 10)
    assert checkpoint.root_hash == memory_log.root()
    assert memory_log.store.checkpoints() == [note]


@pytest.mark.parametrize("size", [1, 2, 7, 10])
def test_every_entry_has_a_verifying_inclusion_proof(memory_log: AuditLog, size: int) -> None:
    for index in range(size):
        proof = memory_log.prove_inclusion(index, size)
        assert proof.root == memory_log.root(size)
        verify_inclusion(proof.index, proof.size, proof.leaf_hash, proof.path, proof.root)


def test_consistency_proofs_link_old_checkpoints_to_new(
    memory_log: AuditLog, signing_key: SigningKey
) -> None:
    old = open_checkpoint(memory_log.checkpoint(signing_key), signing_key.verifier)
    for number in range(10, 17):
        memory_log.append(make_event(number))
    new = open_checkpoint(memory_log.checkpoint(signing_key), signing_key.verifier)
    proof = memory_log.prove_consistency(old.size, new.size)
    verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof.path)
    assert (proof.old_root, proof.new_root) == (old.root_hash, new.root_hash)


def test_impossible_proofs_raise_proof_error(memory_log: AuditLog) -> None:
    with pytest.raises(ProofError):
        memory_log.prove_inclusion(10)
    with pytest.raises(ProofError):
        memory_log.prove_inclusion(0, 11)
    with pytest.raises(ProofError):
        memory_log.prove_consistency(5, 4)


class BrokenStore(MemoryAuditStore):
    """A store whose disk has gone away."""

    def append_next(self, build: RecordBuilder) -> int:
        raise AuditWriteError("the audit store is unavailable")

    def save_checkpoint(self, note: str) -> None:
        raise AuditWriteError("the audit store is unavailable")


def test_append_fails_closed_when_the_store_cannot_write(
    hasher: ReferenceHasher, signing_key: SigningKey
) -> None:
    log = AuditLog(BrokenStore(), hasher)
    with pytest.raises(AuditWriteError):
        log.append(make_event(1))
    with pytest.raises(AuditWriteError):
        log.checkpoint(signing_key)
    assert log.size() == 0


def test_append_fails_closed_when_the_log_file_cannot_be_written(
    tmp_path: Path, hasher: ReferenceHasher
) -> None:
    store = FileAuditStore(tmp_path)
    log = AuditLog(store, hasher)
    log.append(make_event(0))
    store.entries_path.unlink()
    store.entries_path.mkdir()
    with pytest.raises(AuditWriteError):
        log.append(make_event(1))


def test_a_writer_that_read_the_tail_early_cannot_fork_the_chain(
    tmp_path: Path, hasher: ReferenceHasher
) -> None:
    """Appending by number refuses a stale number; the log's own appends never use one."""
    log = AuditLog(FileAuditStore(tmp_path), hasher)
    log.append(make_event(0))
    stale_size, _ = log.store.tail()
    log.append(make_event(1))
    with pytest.raises(AuditConflictError):
        log.store.append(stale_size, b"{}")
    assert verify_log(FileAuditStore(tmp_path)).ok


def test_entry_times_come_from_the_vault_clock(hasher: ReferenceHasher) -> None:
    from datetime import UTC, datetime

    from steward.clock import ManualClock, use_clock

    log = AuditLog(MemoryAuditStore(), hasher)
    event = make_event(0)
    clock = ManualClock(datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC))
    with use_clock(clock):
        first = log.append(replace(event, time=None))
        clock.advance(minutes=3)
        second = log.append(replace(event, time=None))
    assert (first.time, second.time) == (
        "2031-05-06T07:08:09.000000Z",
        "2031-05-06T07:11:09.000000Z",
    )


def test_nothing_personal_reaches_the_file(file_log: AuditLog) -> None:
    assert isinstance(file_log.store, FileAuditStore)
    text = file_log.store.entries_path.read_text()
    assert "staff/" not in text
    assert "client/" not in text
    for line in text.splitlines():
        assert set(json.loads(line)) >= {"actor", "object", "fields", "purpose", "outcome", "time"}
