"""Proof files: an inclusion or consistency proof with the signed checkpoints it rests on.

``steward audit prove`` writes one; ``steward audit check-proof`` checks one offline,
with only the verifier key (and, optionally, checkpoints the reader kept). Nothing
here reads a log or a database.

An inclusion proof file::

    {"format": "steward-audit-proof/1", "kind": "inclusion", "index": 5,
     "tree_size": 12, "entry": "<the entry's canonical JSON>", "leaf_hash": "<hex>",
     "root": "<hex>", "path": ["<hex>", ...], "checkpoint": "<signed note, size 12>"}

A consistency proof file::

    {"format": "steward-audit-proof/1", "kind": "consistency", "old_size": 8,
     "new_size": 12, "old_root": "<hex>", "new_root": "<hex>", "path": [...],
     "old_checkpoint": "<signed note, size 8, or null>",
     "checkpoint": "<signed note, size 12>"}

The roots in the file are only claims: a proof is accepted only against a checkpoint
of the same size signed by the given key, whether carried in the file or kept by the
reader, and every such checkpoint must agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from steward.audit.checkpoint import Checkpoint, open_checkpoint
from steward.audit.errors import AuditError, ProofFileError, ProofVerificationError
from steward.audit.keys import VerifierKey
from steward.audit.log import ConsistencyProof, InclusionProof
from steward.audit.merkle import leaf_hash
from steward.audit.proofs import verify_consistency, verify_inclusion

PROOF_FORMAT: Final = "steward-audit-proof/1"


@dataclass(frozen=True)
class ProofCheck:
    """A proof that checked out, and what it shows, in one sentence."""

    kind: str
    summary: str


def inclusion_document(
    proof: InclusionProof, entry: bytes | None, checkpoint: str | None
) -> dict[str, Any]:
    """The proof file for ``proof`` of the entry ``entry``, resting on ``checkpoint``."""
    return {
        "format": PROOF_FORMAT,
        "kind": "inclusion",
        "index": proof.index,
        "tree_size": proof.size,
        "entry": entry.decode("utf-8") if entry is not None else None,
        "leaf_hash": proof.leaf_hash.hex(),
        "root": proof.root.hex(),
        "path": [node.hex() for node in proof.path],
        "checkpoint": checkpoint,
    }


def consistency_document(
    proof: ConsistencyProof, checkpoint: str | None, old_checkpoint: str | None
) -> dict[str, Any]:
    """The proof file for ``proof``, resting on the checkpoints of its two sizes."""
    return {
        "format": PROOF_FORMAT,
        "kind": "consistency",
        "old_size": proof.old_size,
        "new_size": proof.new_size,
        "old_root": proof.old_root.hex(),
        "new_root": proof.new_root.hex(),
        "path": [node.hex() for node in proof.path],
        "old_checkpoint": old_checkpoint,
        "checkpoint": checkpoint,
    }


def check_proof_document(
    document: object, key: VerifierKey, kept: Sequence[tuple[str, str]] = ()
) -> ProofCheck:
    """Check a proof file against checkpoints signed by ``key``; return what it proves.

    ``kept`` holds checkpoint notes the reader kept, with labels for messages.

    Raises:
        ProofFileError: the document is not a proof file.
        ProofVerificationError: no checkpoint signed by ``key`` has the proof's size,
            a checkpoint disagrees with the proof, or the proof does not verify.
        SignatureError, NoteFormatError: a checkpoint is not validly signed by ``key``.
    """
    if not isinstance(document, Mapping):
        raise ProofFileError("a proof file holds one JSON object")
    kind = document.get("kind")
    anchors = _signed(document, key, kept)
    if kind == "inclusion":
        return _check_inclusion(document, key, anchors)
    if kind == "consistency":
        return _check_consistency(document, key, anchors)
    raise ProofFileError("the proof's 'kind' is neither 'inclusion' nor 'consistency'")


def _signed(
    document: Mapping[str, Any], key: VerifierKey, kept: Sequence[tuple[str, str]]
) -> list[tuple[str, Checkpoint]]:
    """Every checkpoint available, each checked against ``key``."""
    notes: list[tuple[str, str]] = []
    for member, label in (("checkpoint", "the proof's checkpoint"),
                          ("old_checkpoint", "the proof's older checkpoint")):  # fmt: skip
        note = document.get(member)
        if note is None:
            continue
        if not isinstance(note, str):
            raise ProofFileError(f"the proof's {member!r} is not a signed note")
        notes.append((label, note))
    anchors = []
    for label, note in [*notes, *kept]:
        try:
            anchors.append((label, open_checkpoint(note, key)))
        except AuditError as error:
            raise type(error)(f"{label} is not valid: {error}") from None
    return anchors


def _check_inclusion(
    document: Mapping[str, Any], key: VerifierKey, anchors: list[tuple[str, Checkpoint]]
) -> ProofCheck:
    index, size = _count(document, "index"), _count(document, "tree_size")
    leaf, root, path = _hash(document, "leaf_hash"), _hash(document, "root"), _path(document)
    entry = document.get("entry")
    if entry is not None:
        if not isinstance(entry, str):
            raise ProofFileError("the proof's 'entry' is not text")
        if leaf_hash(entry.encode("utf-8")) != leaf:
            raise ProofVerificationError("the entry in the proof does not match its leaf hash")
    labels = _anchored(anchors, size, root, key)
    verify_inclusion(index, size, leaf, path, root)
    return ProofCheck(
        "inclusion",
        f"entry {index} is in the log of {size} entries signed by {key.name} ({labels})",
    )


def _check_consistency(
    document: Mapping[str, Any], key: VerifierKey, anchors: list[tuple[str, Checkpoint]]
) -> ProofCheck:
    old_size, new_size = _count(document, "old_size"), _count(document, "new_size")
    old_root, new_root = _hash(document, "old_root"), _hash(document, "new_root")
    path = _path(document)
    new_labels = _anchored(anchors, new_size, new_root, key)
    old_labels = _anchored(anchors, old_size, old_root, key) if old_size else "empty"
    verify_consistency(old_size, new_size, old_root, new_root, path)
    return ProofCheck(
        "consistency",
        f"the log of {old_size} entries ({old_labels}) is an unchanged beginning of the log "
        f"of {new_size} entries ({new_labels}): entries were only appended",
    )


def _anchored(
    anchors: list[tuple[str, Checkpoint]], size: int, root: bytes, key: VerifierKey
) -> str:
    """The labels of the checkpoints of ``size`` entries, all of which must have ``root``."""
    matching = [(label, cp) for label, cp in anchors if cp.size == size]
    if not matching:
        raise ProofVerificationError(
            f"no checkpoint signed by {key.name} covers {size} entries; pass one you kept "
            "(--checkpoint) or ask for a proof at the size of a signed checkpoint"
        )
    for label, cp in matching:
        if cp.root_hash != root:
            raise ProofVerificationError(
                f"the proof's root for {size} entries differs from {label}: the log was "
                "rewritten, or the proof belongs to another log"
            )
    return ", ".join(label for label, _ in matching)


def _count(document: Mapping[str, Any], member: str) -> int:
    value = document.get(member)
    if type(value) is not int or value < 0:
        raise ProofFileError(f"the proof's {member!r} is not a whole number")
    return value


def _hash(document: Mapping[str, Any], member: str) -> bytes:
    return _hex(document.get(member), f"the proof's {member!r}")


def _path(document: Mapping[str, Any]) -> list[bytes]:
    path = document.get("path")
    if not isinstance(path, list):
        raise ProofFileError("the proof's 'path' is not a list of hashes")
    return [_hex(node, "a hash in the proof's 'path'") for node in path]


def _hex(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise ProofFileError(f"{what} is not a hex SHA-256 hash")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise ProofFileError(f"{what} is not a hex SHA-256 hash") from None
    if len(raw) != 32:
        raise ProofFileError(f"{what} is not a hex SHA-256 hash")
    return raw
