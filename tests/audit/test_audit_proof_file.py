"""Proof files checked offline: what holds, and every way a file can lie or be malformed."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.audit import (
    AuditLog,
    MemoryAuditStore,
    NoteFormatError,
    ProofFileError,
    ProofVerificationError,
    ReferenceHasher,
    SignatureError,
    SigningKey,
    check_proof_document,
    consistency_document,
    inclusion_document,
)
from tests.audit.audit_helpers import ORIGIN, make_event


def _log(size: int) -> AuditLog:
    log = AuditLog(MemoryAuditStore(), ReferenceHasher(bytes(32)))
    for number in range(size):
        log.append(make_event(number))
    return log


def _inclusion(log: AuditLog, key: SigningKey, index: int) -> dict[str, Any]:
    note = log.checkpoint(key)
    proof = log.prove_inclusion(index)
    return inclusion_document(proof, next(iter(log.store.read(index, index + 1))), note)


def _consistency(log: AuditLog, key: SigningKey, old: str | None, old_size: int) -> dict[str, Any]:
    note = log.checkpoint(key)
    return consistency_document(log.prove_consistency(old_size), note, old)


@settings(max_examples=40)
@given(size=st.integers(1, 40), data=st.data())
def test_every_entry_proves_its_inclusion(size: int, data: st.DataObject) -> None:
    key = SigningKey.generate(ORIGIN)
    index = data.draw(st.integers(0, size - 1), label="index")
    result = check_proof_document(_inclusion(_log(size), key, index), key.verifier)
    assert result.kind == "inclusion"
    assert f"entry {index} is in the log of {size} entries" in result.summary


@settings(max_examples=40)
@given(old_size=st.integers(1, 30), grown=st.integers(0, 30))
def test_a_kept_checkpoint_proves_the_log_only_grew(old_size: int, grown: int) -> None:
    key = SigningKey.generate(ORIGIN)
    log = _log(old_size)
    kept = log.checkpoint(key)
    for number in range(grown):
        log.append(make_event(1000 + number))
    document = _consistency(log, key, None, old_size)
    result = check_proof_document(document, key.verifier, [("my copy", kept)])
    assert "my copy" in result.summary
    assert f"log of {old_size} entries" in result.summary


def test_a_kept_checkpoint_from_a_rewritten_log_is_caught() -> None:
    key = SigningKey.generate(ORIGIN)
    original = _log(6)
    kept = original.checkpoint(key)
    rewritten = AuditLog(MemoryAuditStore(), ReferenceHasher(bytes(32)))
    for number in range(10):
        rewritten.append(make_event(number + (1 if number == 2 else 0)))
    document = _consistency(rewritten, key, None, 6)
    with pytest.raises(ProofVerificationError, match="differs from my copy"):
        check_proof_document(document, key.verifier, [("my copy", kept)])


Edit = Callable[[dict[str, Any]], None]


def _set(member: str, value: object) -> Edit:
    return lambda document: document.__setitem__(member, value)


def _flip_path(document: dict[str, Any]) -> None:
    document["path"][0] = "00" * 32


@pytest.mark.parametrize(
    ("edit", "error", "message"),
    [
        (_set("index", 4), ProofVerificationError, "not in the tree"),
        (_set("tree_size", 11), ProofVerificationError, "no checkpoint signed by"),
        (_set("root", "11" * 32), ProofVerificationError, "differs from the proof's checkpoint"),
        (_set("leaf_hash", "22" * 32), ProofVerificationError, "does not match its leaf hash"),
        (_set("entry", '{"forged":1}'), ProofVerificationError, "does not match its leaf hash"),
        (_flip_path, ProofVerificationError, "not in the tree"),
        (_set("path", []), ProofVerificationError, "too few hashes"),
        (_set("checkpoint", None), ProofVerificationError, "no checkpoint signed by"),
        (_set("index", "3"), ProofFileError, "'index' is not a whole number"),
        (_set("index", -1), ProofFileError, "'index' is not a whole number"),
        (_set("root", "xyz"), ProofFileError, "'root' is not a hex SHA-256 hash"),
        (_set("path", "ab"), ProofFileError, "'path' is not a list"),
        (_set("path", ["ab"]), ProofFileError, "a hash in the proof's 'path'"),
        (_set("kind", "other"), ProofFileError, "neither 'inclusion' nor 'consistency'"),
        (_set("entry", 7), ProofFileError, "'entry' is not text"),
        (_set("checkpoint", 7), ProofFileError, "not a signed note"),
        (_set("checkpoint", "nonsense\n"), NoteFormatError, "the proof's checkpoint"),
    ],
)
def test_a_lying_or_malformed_inclusion_proof_is_refused(
    edit: Edit, error: type[Exception], message: str
) -> None:
    key = SigningKey.generate(ORIGIN)
    document = copy.deepcopy(_inclusion(_log(10), key, 3))
    check_proof_document(document, key.verifier)
    edit(document)
    with pytest.raises(error, match=message):
        check_proof_document(document, key.verifier)


def test_a_checkpoint_signed_by_another_key_is_refused() -> None:
    key, other = SigningKey.generate(ORIGIN), SigningKey.generate(ORIGIN)
    document = _inclusion(_log(5), key, 1)
    with pytest.raises(SignatureError, match="the proof's checkpoint is not valid"):
        check_proof_document(document, other.verifier)


def test_a_consistency_proof_needs_a_signed_checkpoint_of_the_old_size() -> None:
    key = SigningKey.generate(ORIGIN)
    log = _log(4)
    old = log.checkpoint(key)
    log.append(make_event(9))
    with pytest.raises(ProofVerificationError, match="covers 4 entries"):
        check_proof_document(_consistency(log, key, None, 4), key.verifier)
    result = check_proof_document(_consistency(log, key, old, 4), key.verifier)
    assert "the proof's older checkpoint" in result.summary


def test_a_proof_file_must_be_an_object() -> None:
    key = SigningKey.generate(ORIGIN)
    with pytest.raises(ProofFileError):
        check_proof_document(["inclusion"], key.verifier)
