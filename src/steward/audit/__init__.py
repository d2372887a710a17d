"""The tamper-evident audit log: hash-chained entries, a Merkle tree, signed checkpoints.

Plain Python (no web framework, no database). Entries hold keyed references, never
names or values; see ``docs/audit.md`` for the format and what verification detects.

    log = AuditLog(FileAuditStore("/var/lib/steward/audit"), ReferenceHasher(reference_key))
    log.append(AuditEvent(actor="staff/42", action="field.reveal", object="client/17",
                          fields=["phone"], purpose="returning the client's call"))
    note = log.checkpoint(signing_key)          # copy this off the server
    report = verify_log(log.store, note, signing_key.verifier)
"""

from steward.audit.canonical import canonical_json, parse_canonical
from steward.audit.checkpoint import (
    Checkpoint,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    sign_checkpoint,
    sign_note,
)
from steward.audit.checkpoint_files import read_checkpoint_notes, write_checkpoint_copies
from steward.audit.entry import AuditEntry, AuditEvent, Outcome, ReferenceHasher
from steward.audit.errors import (
    AuditConflictError,
    AuditError,
    AuditEventError,
    AuditReadError,
    AuditWriteError,
    CanonicalEncodingError,
    EntryFormatError,
    KeyFileError,
    LogIntegrityError,
    NoteFormatError,
    ProofError,
    ProofFileError,
    ProofVerificationError,
    SignatureError,
)
from steward.audit.keys import (
    SigningKey,
    VerifierKey,
    load_private_key,
    load_public_key,
    save_private_key,
    save_public_key,
)
from steward.audit.log import AuditLog, ConsistencyProof, InclusionProof
from steward.audit.merkle import leaf_hash, root_hash
from steward.audit.prefix import VerifiedPrefix, extend_prefix, hash_prefix
from steward.audit.proof_file import (
    ProofCheck,
    check_proof_document,
    consistency_document,
    inclusion_document,
)
from steward.audit.proofs import verify_consistency, verify_inclusion
from steward.audit.schedule import CheckpointSchedule, LastCheckpoint, checkpoint_due
from steward.audit.store import (
    AuditStore,
    FileAuditStore,
    MemoryAuditStore,
    RecordBuilder,
    exactly,
)
from steward.audit.verify import Problem, VerificationReport, verify_log

__all__ = [
    "AuditConflictError",
    "AuditEntry",
    "AuditError",
    "AuditEvent",
    "AuditEventError",
    "AuditLog",
    "AuditReadError",
    "AuditStore",
    "AuditWriteError",
    "CanonicalEncodingError",
    "Checkpoint",
    "CheckpointSchedule",
    "ConsistencyProof",
    "EntryFormatError",
    "FileAuditStore",
    "InclusionProof",
    "KeyFileError",
    "LastCheckpoint",
    "LogIntegrityError",
    "MemoryAuditStore",
    "NoteFormatError",
    "Outcome",
    "Problem",
    "ProofCheck",
    "ProofError",
    "ProofFileError",
    "ProofVerificationError",
    "RecordBuilder",
    "ReferenceHasher",
    "SignatureError",
    "SigningKey",
    "VerificationReport",
    "VerifiedPrefix",
    "VerifierKey",
    "canonical_json",
    "check_proof_document",
    "checkpoint_due",
    "consistency_document",
    "exactly",
    "extend_prefix",
    "hash_prefix",
    "inclusion_document",
    "leaf_hash",
    "load_private_key",
    "load_public_key",
    "open_checkpoint",
    "open_note",
    "parse_canonical",
    "parse_checkpoint",
    "read_checkpoint_notes",
    "root_hash",
    "save_private_key",
    "save_public_key",
    "sign_checkpoint",
    "sign_note",
    "verify_consistency",
    "verify_inclusion",
    "verify_log",
    "write_checkpoint_copies",
]
