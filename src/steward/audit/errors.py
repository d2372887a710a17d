"""The audit log's exceptions, all under :class:`AuditError`.

Messages name positions, sizes and file paths, never the contents of an entry: an
entry's purpose text or references must not leak into logs through an exception.
"""

from __future__ import annotations

from steward.errors import StewardError


class AuditError(StewardError):
    """Something is wrong with the audit log, a proof, a checkpoint or a key."""


class AuditWriteError(AuditError):
    """An entry or checkpoint could not be written durably.

    The action being audited must fail too (fail closed): nothing may happen that
    the audit log does not record.
    """


class AuditConflictError(AuditWriteError):
    """Another writer appended first, so this entry would fork the chain; retry the action."""


class AuditReadError(AuditError):
    """The store could not be read (missing, unreadable, or not the expected kind of file)."""


class LogIntegrityError(AuditError):
    """The log no longer extends what was verified or signed before (cut short or changed)."""


class CanonicalEncodingError(AuditError):
    """A value cannot be written as canonical JSON (a float, a non-text key, a surrogate...)."""


class EntryFormatError(AuditError):
    """A stored record is not a well-formed audit entry."""


class ProofError(AuditError):
    """A proof was asked for, or checked, with impossible indices or tree sizes."""


class ProofVerificationError(AuditError):
    """A Merkle inclusion or consistency proof does not verify."""


class ProofFileError(AuditError):
    """A proof file is not a proof: a member is missing or malformed."""


class NoteFormatError(AuditError):
    """A signed note or checkpoint is not in the C2SP format."""


class SignatureError(AuditError):
    """A signed note carries no valid signature from the expected key."""


class KeyFileError(AuditError):
    """A key file is missing, already exists, has unsafe permissions or holds no valid key."""


class AuditEventError(AuditError):
    """An event handed to the log is incomplete or malformed; nothing was written."""
