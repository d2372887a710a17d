"""Audit events (what the caller reports) and audit entries (what the log stores).

An entry never holds a name or a value in the clear. The actor and the object are
stored as *references*: HMAC-SHA-256 under an audit reference key that the caller
supplies. Anyone holding the key can compute the reference for a known person or
record and find every entry about them; without the key a reference reveals
nothing. Field *names* are stored (``"email"``), never field values.

The purpose is stored as written. It is a statement by staff ("client asked for a
copy of their file"), and callers must not put personal data in it: no names,
case numbers, addresses or other identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from cryptography.hazmat.primitives import hashes, hmac

from steward import clock
from steward.audit.canonical import (
    MAX_SAFE_INTEGER,
    JsonValue,
    canonical_json_validated,
    parse_strict,
)
from steward.audit.errors import AuditEventError, CanonicalEncodingError, EntryFormatError
from steward.audit.merkle import HASH_SIZE, leaf_hash

FORMAT_VERSION: Final = 1
"""The entry format written by this version of Steward.

Version 1 links each entry to the RFC 6962 *leaf hash* of the previous record,
``SHA-256(0x00 || record)``. (Before any log was deployed, version 1 linked the
plain ``SHA-256(record)``; it was redefined so that one hash per entry serves both
the chain and the Merkle tree. Logs written with the earlier definition do not
verify.)
"""

GENESIS_HASH: Final = bytes(HASH_SIZE)
"""The "previous entry hash" of the first entry: 32 zero bytes."""

MIN_REFERENCE_KEY_BYTES: Final = 32
MAX_PURPOSE_CHARS: Final = 1000

_TOKEN: Final = re.compile(r"[a-z][a-z0-9_.:-]{0,63}")
_FIELD_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.:/-]{0,127}")
_HEX_REF: Final = re.compile(r"[0-9a-f]{64}")
_HEX_KEY_ID: Final = re.compile(r"[0-9a-f]{16}")
_TIME: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
_OUTCOME: Final = re.compile(r"allowed|denied|failed")
_TEXT_MEMBERS: Final = (
    ("time", _TIME),
    ("actor", _HEX_REF),
    ("object", _HEX_REF),
    ("action", _TOKEN),
    ("refkey", _HEX_KEY_ID),
    ("prev", _HEX_REF),
    ("outcome", _OUTCOME),
)
_KEYS: Final = frozenset(
    {
        "v",
        "seq",
        "time",
        "actor",
        "action",
        "object",
        "fields",
        "purpose",
        "outcome",
        "refkey",
        "prev",
    }
)


class Outcome(StrEnum):
    """What became of the action the entry records."""

    ALLOWED = "allowed"
    DENIED = "denied"
    FAILED = "failed"


class ReferenceHasher:
    """Turns actor and object identifiers into keyed references (HMAC-SHA-256).

    References are domain-separated by kind, so an actor reference never equals an
    object reference for the same identifier. The key is never shown by ``repr``.
    """

    def __init__(self, key: bytes) -> None:
        """Use ``key`` (at least 32 random bytes, kept apart from the log) for references.

        Raises:
            AuditEventError: the key is shorter than 32 bytes.
        """
        if len(key) < MIN_REFERENCE_KEY_BYTES:
            raise AuditEventError(
                f"the audit reference key must be at least {MIN_REFERENCE_KEY_BYTES} bytes"
            )
        self._key = bytes(key)
        self.key_id: Final = self._mac(b"steward-audit key-id")[:8].hex()
        """A short public identifier of the key, stored in each entry (for key rotation)."""

    def __repr__(self) -> str:
        return f"ReferenceHasher(key_id={self.key_id!r})"

    def _mac(self, message: bytes) -> bytes:
        mac = hmac.HMAC(self._key, hashes.SHA256())
        mac.update(message)
        return mac.finalize()

    def reference(self, kind: str, identifier: str) -> str:
        """The hex reference for ``identifier`` of ``kind`` (``"actor"`` or ``"object"``)."""
        return self._mac(f"steward-audit {kind}\x00{identifier}".encode()).hex()

    def actor(self, identifier: str) -> str:
        """The reference stored for the actor ``identifier``."""
        return self.reference("actor", identifier)

    def object(self, identifier: str) -> str:
        """The reference stored for the object ``identifier`` (e.g. ``"client/1234"``)."""
        return self.reference("object", identifier)


@dataclass(frozen=True)
class AuditEvent:
    """One action to record, as the caller knows it (identifiers in the clear).

    ``actor`` and ``object`` are hashed into references before anything is stored,
    and are hidden from ``repr``. ``purpose`` is stored as written, so it must not
    contain personal data. ``time`` defaults to now; it must carry a time zone.
    """

    actor: str = field(repr=False)
    action: str
    object: str = field(repr=False)
    fields: Iterable[str] = ()
    purpose: str = ""
    outcome: Outcome = Outcome.ALLOWED
    time: datetime | None = None


def format_time(moment: datetime | None) -> str:
    """``moment`` (default: :func:`steward.clock.now`) in UTC, ISO 8601 to the microsecond.

    For example ``2025-03-01T09:30:00.000000Z``.

    Raises:
        AuditEventError: the datetime has no time zone.
    """
    if moment is None:
        moment = clock.now()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise AuditEventError("the event time must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AuditEntry:
    """One stored entry. ``prev_hash`` is the leaf hash of the previous entry's record."""

    seq: int
    time: str
    actor_ref: str
    action: str
    object_ref: str
    fields: tuple[str, ...]
    purpose: str
    outcome: Outcome
    ref_key_id: str
    prev_hash: bytes

    @classmethod
    def from_event(
        cls, event: AuditEvent, seq: int, prev_hash: bytes, hasher: ReferenceHasher
    ) -> AuditEntry:
        """Build entry number ``seq`` from ``event``, hashing its actor and object.

        Raises:
            AuditEventError: the action, a field name, the purpose, the outcome or
                the time is missing or malformed (the message never repeats them).
        """
        if not isinstance(event.action, str) or not _TOKEN.fullmatch(event.action):
            raise AuditEventError(
                "the action must be a short lower-case token, e.g. 'field.reveal'"
            )
        if not event.actor or not event.object:
            raise AuditEventError("an audit event needs an actor and an object")
        try:
            f"{event.actor}{event.object}{event.purpose}".encode()
        except UnicodeEncodeError:
            raise AuditEventError("the actor, object and purpose must be valid text") from None
        names = tuple(sorted(set(event.fields)))
        if not all(isinstance(n, str) and _FIELD_NAME.fullmatch(n) for n in names):
            raise AuditEventError("field names must be identifiers; never pass field values")
        if len(event.purpose) > MAX_PURPOSE_CHARS or _CONTROL.search(event.purpose):
            raise AuditEventError(
                f"the purpose must be one line of at most {MAX_PURPOSE_CHARS} characters"
            )
        try:
            outcome = Outcome(event.outcome)
        except ValueError:
            raise AuditEventError("the outcome must be allowed, denied or failed") from None
        return cls(
            seq=seq,
            time=format_time(event.time),
            actor_ref=hasher.actor(event.actor),
            action=event.action,
            object_ref=hasher.object(event.object),
            fields=names,
            purpose=event.purpose,
            outcome=outcome,
            ref_key_id=hasher.key_id,
            prev_hash=prev_hash,
        )

    def to_json(self) -> dict[str, JsonValue]:
        """The entry as a JSON object (what :meth:`to_record` encodes)."""
        return {
            "v": FORMAT_VERSION,
            "seq": self.seq,
            "time": self.time,
            "actor": self.actor_ref,
            "action": self.action,
            "object": self.object_ref,
            "fields": list(self.fields),
            "purpose": self.purpose,
            "outcome": self.outcome.value,
            "refkey": self.ref_key_id,
            "prev": self.prev_hash.hex(),
        }

    def to_record(self) -> bytes:
        """The canonical JSON bytes that are stored, chained and put in the Merkle tree.

        Raises:
            CanonicalEncodingError: the entry was built by hand with values no
                entry can hold (use :meth:`from_event` or :meth:`from_record`).
        """
        if type(self.seq) is not int or not 0 <= self.seq <= MAX_SAFE_INTEGER:
            raise CanonicalEncodingError("an entry number must be a non-negative safe integer")
        return canonical_json_validated(self.to_json())

    @property
    def entry_hash(self) -> bytes:
        """The record's RFC 6962 leaf hash; the next entry stores it as its ``prev_hash``."""
        return leaf_hash(self.to_record())

    @classmethod
    def from_record(cls, record: bytes) -> AuditEntry:
        """Parse and check a stored record.

        Raises:
            EntryFormatError: the record is not canonical JSON, or a member is
                missing, extra or malformed (the message names the member only).
        """
        value = check_record(record)
        return cls(
            seq=value["seq"],
            time=value["time"],
            actor_ref=value["actor"],
            action=value["action"],
            object_ref=value["object"],
            fields=tuple(value["fields"]),
            purpose=value["purpose"],
            outcome=Outcome(value["outcome"]),
            ref_key_id=value["refkey"],
            prev_hash=bytes.fromhex(value["prev"]),
        )


def check_record(record: bytes) -> dict[str, Any]:
    """Check that ``record`` is a well-formed, canonical entry and return its members.

    This is the cheap part of :meth:`AuditEntry.from_record`, used by the verifier.

    Raises:
        EntryFormatError: the record is not canonical JSON, or a member is missing,
            extra or malformed (the message names the member only).
    """
    try:
        value = parse_strict(record)
    except CanonicalEncodingError as error:
        raise EntryFormatError(f"the record is not canonical JSON: {error}") from None
    if not isinstance(value, dict) or value.keys() != _KEYS:
        raise EntryFormatError("the record does not have exactly the entry members")
    if type(value["v"]) is not int or value["v"] != FORMAT_VERSION:
        raise EntryFormatError("the record has an unknown format version")
    for member, pattern in _TEXT_MEMBERS:
        text = value[member]
        if type(text) is not str or pattern.fullmatch(text) is None:
            raise EntryFormatError(f"the record's {member!r} member is malformed")
    seq, purpose, names = value["seq"], value["purpose"], value["fields"]
    if type(seq) is not int or not 0 <= seq <= MAX_SAFE_INTEGER:
        raise EntryFormatError("the record's 'seq' member is malformed")
    if type(purpose) is not str or len(purpose) > MAX_PURPOSE_CHARS:
        raise EntryFormatError("the record's 'purpose' member is malformed")
    if (
        type(names) is not list
        or not all(type(n) is str and _FIELD_NAME.fullmatch(n) for n in names)
        or names != sorted(set(names))
    ):
        raise EntryFormatError("the record's 'fields' member is malformed")
    try:
        canonical = canonical_json_validated(value)
    except CanonicalEncodingError:
        canonical = b""
    if canonical != record:
        raise EntryFormatError("the record is valid JSON but not in canonical form")
    return value


# Reading the number and the link of a record without parsing it
# ----------------------------------------------------------------
#
# The verifier checks the chain and the numbering of every entry from the record
# bytes alone. This is exact for every *canonical* record (every record the writer
# produces), by the following argument.
#
# A canonical record is one flat JSON object, written by the standard encoder with
# sorted keys and no whitespace: ``{"action":..,"actor":..,"fields":[..],"object":..,
# "outcome":..,"prev":..,"purpose":..,"refkey":..,"seq":..,"time":..,"v":1}``.
# Inside a string the encoder escapes every ``"`` as ``\"``, so a ``"`` inside a
# string is always preceded by a backslash (an escaped one, ``\\``, only ever
# precedes a *closing* quote). Take any occurrence of ``,"prev":"`` (or ``,"seq":``):
#
# * its second byte, ``"``, follows a comma, so it is not an escaped quote: it
#   delimits a string. It cannot *close* one, because a closing quote is followed by
#   ``,``, ``:``, ``]`` or ``}``, and here ``p`` (``s``) follows. So it opens a string;
# * that string is ``prev`` (``seq``): its closing quote is the next ``"``, which
#   follows ``v`` (``q``), not a backslash. A string followed by ``:`` is an object
#   key, and the record has one object, whose keys are unique.
#
# So in a canonical record ``,"prev":"`` and ``,"seq":`` occur exactly once each,
# as the real keys, whatever a purpose or a field name holds. ``prev`` cannot start
# the object (``action`` sorts first), and at least ``PREV_MIN_OFFSET`` bytes (the
# shortest possible members before it) precede its comma, so a search may start
# there. The value of ``seq`` is an integer and ``time`` follows it, so
# ``,"seq":N,"`` occurs iff the number is N; the value of ``prev`` is exactly 64 hex
# digits, so they are H's hex iff the link is H.
#
# For a record that is *not* canonical these searches mean nothing, which is why
# the verifier still parses the first and the last record in full, and every record
# in strict mode: see "Fast and strict verification" in docs/audit.md.

PREV_MARKER: Final = b',"prev":"'
SEQ_MARKER: Final = b',"seq":'
VERSION_SUFFIX: Final = b',"v":%d}' % FORMAT_VERSION
"""How every canonical record of this format ends (``v`` sorts last)."""

_HEX64: Final = "0" * 64
PREV_MIN_OFFSET: Final = len(
    f'{{"action":"a","actor":"{_HEX64}","fields":[],"object":"{_HEX64}","outcome":"failed"'
)
"""No canonical record has ``,"prev":"`` before this offset (shortest members before it)."""


def number_marker(seq: int) -> bytes:
    """``,"seq":<seq>,"``: a canonical record holds these bytes iff its number is ``seq``."""
    return b'%s%d,"' % (SEQ_MARKER, seq)


def quick_match(record: bytes, seq: int, prev_hash: bytes) -> bool:
    """Whether ``record`` looks like entry ``seq`` linked to ``prev_hash``, by byte search.

    Exact for canonical records (see the argument above): for those it is true iff
    the record's ``seq`` is ``seq`` and its ``prev`` is ``prev_hash``. For any other
    record the answer means nothing; :func:`check_record` is the full check. The
    verifier's loop inlines this test.
    """
    prev_at = record.find(PREV_MARKER, PREV_MIN_OFFSET)
    return (
        prev_at >= 0
        and record.startswith(prev_hash.hex().encode("ascii"), prev_at + len(PREV_MARKER))
        and record.rfind(number_marker(seq)) >= 0
        and record.endswith(VERSION_SUFFIX)
    )
