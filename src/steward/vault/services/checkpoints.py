"""The vault's own audit checkpoints: signed on a schedule, kept in the database, copied out.

:func:`checkpoint_if_due` is the scheduled job: it signs a checkpoint when one is due
(every ``STEWARD_AUDIT_CHECKPOINT_ENTRIES`` new entries, or every
``STEWARD_AUDIT_CHECKPOINT_MINUTES`` minutes when anything is new), stores it, and
copies every stored checkpoint into the witness folder (``STEWARD_AUDIT_WITNESS_DIR``)
if one is set. It is idempotent and safe to run from several processes at once.

Before signing, the log is verified against every stored checkpoint (in full the first
time in a process, then only what was appended since): the vault never signs over a
log that was cut short or changed; it refuses, and the refusal is what the job runner
records.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db import connection

from steward import clock
from steward.audit import (
    AuditError,
    Checkpoint,
    CheckpointSchedule,
    LastCheckpoint,
    LogIntegrityError,
    SigningKey,
    VerifiedPrefix,
    VerifierKey,
    checkpoint_due,
    extend_prefix,
    hash_prefix,
    load_private_key,
    load_public_key,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
    verify_log,
    write_checkpoint_copies,
)
from steward.vault.audit_store import DatabaseAuditStore
from steward.vault.runtime import Vault

SIGNING_KEY_FILE: Final = "audit-signing.key"
VERIFIER_KEY_FILE: Final = "audit-signing.pub"
logger = logging.getLogger("steward.audit")


class CheckpointRefused(AuditError):
    """The log no longer verifies (cut short or changed), so no checkpoint was signed."""


@dataclass(frozen=True)
class CheckpointPolicy:
    """When to sign and where to copy checkpoints (from the server configuration)."""

    schedule: CheckpointSchedule
    witness_dir: Path | None = None


def configured_policy() -> CheckpointPolicy:
    """The checkpoint schedule and witness folder in the server configuration."""
    config = getattr(settings, "AUDIT_CHECKPOINTS", None)
    if config is None:
        return CheckpointPolicy(CheckpointSchedule())
    return CheckpointPolicy(
        CheckpointSchedule(config.every_entries, config.every_minutes), config.witness_dir
    )


def keys_dir() -> Path:
    """The vault's keys folder (from the server configuration)."""
    return Path(settings.CONFIG.keys_dir)


def verifier_key(folder: Path) -> VerifierKey | None:
    """The checkpoint verifier key in ``folder``, or ``None`` if there is none.

    Raises:
        KeyFileError: the file exists but holds no verifier key.
    """
    path = folder / VERIFIER_KEY_FILE
    return load_public_key(path) if path.exists() else None


def signing_key(folder: Path) -> SigningKey:
    """The checkpoint signing key in ``folder`` (``steward keys init`` makes it).

    Raises:
        KeyFileError: the key files are missing, unsafe or malformed.
    """
    verifier = load_public_key(folder / VERIFIER_KEY_FILE)
    return load_private_key(folder / SIGNING_KEY_FILE, verifier.name)


def last_checkpoint(store: DatabaseAuditStore) -> LastCheckpoint | None:
    """The newest stored checkpoint's size and time (``None`` if none is stored).

    Raises:
        AuditReadError: the database cannot be read.
        NoteFormatError: the newest stored note is not a checkpoint.
    """
    latest = store.latest_checkpoint()
    if latest is None:
        return None
    note, written = latest
    return LastCheckpoint(parse_checkpoint(note).size, written)


def sign_now(
    store: DatabaseAuditStore,
    key: SigningKey,
    now: datetime,
    witness_dir: Path | None = None,
) -> str:
    """Verify the log, sign a checkpoint of all of it, store it and copy it; return the note.

    If the newest stored checkpoint already covers the whole log, that note is
    returned and nothing new is stored (so this is idempotent).

    Raises:
        CheckpointRefused: the log does not verify against its stored checkpoints
            (signed by ``key``), or is shorter than this process saw it: nothing
            was signed.
        AuditReadError, AuditWriteError: the database or the witness folder failed.
    """
    prefix = verified_prefix(store, key.verifier)
    note = sign_checkpoint(Checkpoint(key.name, prefix.size, prefix.root), key)
    if not store.save_checkpoint_if_newer(note, prefix.size, now):
        latest = store.latest_checkpoint()
        note = latest[0] if latest is not None else note
    if witness_dir is not None:
        write_checkpoint_copies(store.checkpoints(), witness_dir)
    return note


_prefixes: WeakKeyDictionary[DatabaseAuditStore, VerifiedPrefix] = WeakKeyDictionary()
_prefixes_lock = threading.Lock()


def verified_prefix(store: DatabaseAuditStore, key: VerifierKey) -> VerifiedPrefix:
    """The whole log, verified against every stored checkpoint (each signed by ``key``).

    The first call for a store verifies the whole log; later calls check only the
    entries appended since (and the checkpoints stored since), from what this process
    remembers of the log (:mod:`steward.audit.prefix`). So signing stays cheap as the
    log grows, and a log cut back below what this process already verified is caught
    even if the stored checkpoints were deleted too.

    Raises:
        CheckpointRefused: the log or a stored checkpoint does not verify.
        AuditReadError: the database cannot be read.
    """
    stored = []
    for number, note in enumerate(store.checkpoints(), start=1):
        try:
            stored.append((f"stored checkpoint {number}", open_checkpoint(note, key)))
        except AuditError as error:
            raise CheckpointRefused(
                f"no checkpoint was signed: stored checkpoint {number} is not valid: {error}"
            ) from None
    with _prefixes_lock:
        prefix = _prefixes.get(store)
    if prefix is None:
        report = verify_log(store, public_key=key)
        if not report.ok:
            raise CheckpointRefused(f"no checkpoint was signed: {report.reason}")
        prefix = hash_prefix(store, report.size)
    try:
        prefix = extend_prefix(store, prefix, stored)
    except LogIntegrityError as error:
        raise CheckpointRefused(f"no checkpoint was signed: {error}") from None
    with _prefixes_lock:
        _prefixes[store] = prefix
    return prefix


def checkpoint_if_due(vault: Vault, now: datetime | None = None) -> str | None:
    """Sign and store a checkpoint of the vault's audit log if one is due; return it.

    The scheduled job: returns ``None`` when no checkpoint is due (nothing new, or
    not enough new entries and not enough time since the last one). ``now`` defaults
    to :func:`steward.clock.now`. Running it again at once, or from two processes at
    the same moment, signs at most one checkpoint.

    Raises:
        CheckpointRefused: the log was cut short (it holds fewer entries than the newest
            stored checkpoint covers) or changed; nothing was signed.
        KeyFileError: the signing key is missing or unsafe.
        AuditReadError, AuditWriteError: the database or the witness folder failed.
    """
    store = vault.audit.store
    if not isinstance(store, DatabaseAuditStore):
        raise TypeError("the vault's audit log is not kept in its database")
    return store_checkpoint_if_due(store, now)


def store_checkpoint_if_due(store: DatabaseAuditStore, now: datetime | None = None) -> str | None:
    """:func:`checkpoint_if_due` for a store, with the configured schedule and keys folder."""
    moment = now if now is not None else clock.now()
    policy = configured_policy()
    size, last = store.size(), last_checkpoint(store)
    if last is not None and size < last.size:
        raise CheckpointRefused(
            f"the audit log holds {size} entries, fewer than the {last.size} its newest "
            "checkpoint covers: it was cut short; run 'steward audit verify'"
        )
    if not checkpoint_due(policy.schedule, size, last, moment):
        return None
    return sign_now(store, signing_key(keys_dir()), moment, policy.witness_dir)


# Signing inline, without slowing requests
# ----------------------------------------

_inline = threading.Lock()


def crossed_entry_threshold(seq: int) -> bool:
    """Whether entry ``seq`` completes a multiple of the schedule's ``every_entries``."""
    every = configured_policy().schedule.every_entries
    return every > 0 and (seq + 1) % every == 0


def checkpoint_in_background(vault: Vault) -> None:
    """Run :func:`checkpoint_if_due` on a thread of its own, unless one is running.

    Called after a transaction that crossed an entry threshold commits, so a request
    never waits for the signing. Failures are logged (they name no personal data),
    and the scheduled job reports them too.
    """
    if not _inline.acquire(blocking=False):
        return

    def work() -> None:
        try:
            checkpoint_if_due(vault)
        except Exception as error:  # a background thread must not die silently
            logger.error("the audit checkpoint was not signed: %s", error)
        finally:
            connection.close()
            _inline.release()

    threading.Thread(target=work, name="steward-audit-checkpoint", daemon=True).start()
