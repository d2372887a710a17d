"""Where per-subject data keys (DEKs) live, wrapped by a KEK, and the key state every
process shares.

DEKs live in their own store, apart from the records they protect, so that the
data's backups never carry them: destroying a DEK here makes that person's fields
unreadable in the live database and in every old backup alike (crypto-shredding).

The store is the single source of truth for key state across processes: besides the
keys and the tombstones of shredded ones it keeps a :class:`KeyState`, a *generation*
that grows whenever a key stops being usable (a shredding, a retirement) and the
*minimum KEK version* a data key may be wrapped under. A process may cache an
unwrapped key only while the generation it read the key under is still current, and
the store refuses, in the same write transaction that would store it, a key wrapped
under a retired version. :class:`SqliteSubjectKeyStore` (in
:mod:`steward.crypto.sqlite_subject_keys`) shares that state between processes;
:class:`MemorySubjectKeyStore` keeps it for one process (tests, notebooks).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from steward.crypto.errors import KeyRetiredError, KeyStoreError, StaleKekVersionError

FIRST_KEK_VERSION = 1


@dataclass(frozen=True)
class WrappedKey:
    """A subject's data key as stored: wrapped, never in the clear."""

    key_id: bytes
    subject: str
    kek_version: int
    wrapped: bytes
    created: datetime


@dataclass(frozen=True)
class KeyState:
    """What every process must agree on before it uses a cached key.

    ``generation`` grows by one each time a key stops being usable (shredded, or its
    KEK version retired); ``min_kek_version`` is the lowest KEK version a stored data
    key may be wrapped under.
    """

    generation: int
    min_kek_version: int


@dataclass(frozen=True)
class Rewrap:
    """One data key's new wrapping: replaces the wrapping under ``from_version`` only."""

    key_id: bytes
    from_version: int
    to_version: int
    wrapped: bytes


@runtime_checkable
class SubjectKeyStore(Protocol):
    """Stores wrapped DEKs, the tombstones of shredded ones, and the shared key state.

    Every method raises :class:`KeyStoreError` with a plain message (never key
    material) when the store itself cannot be used.
    """

    def state(self) -> KeyState:
        """The current generation and minimum KEK version (cheap: read on every use)."""
        ...

    def by_subject(self, subject: str) -> WrappedKey | None:
        """The live key of ``subject``, if any."""
        ...

    def by_key_id(self, key_id: bytes) -> WrappedKey | None:
        """The live key with ``key_id``, if any."""
        ...

    def was_shredded(self, key_id: bytes) -> bool:
        """Whether a key with ``key_id`` existed and was destroyed."""
        ...

    def insert(self, key: WrappedKey) -> WrappedKey:
        """Store ``key`` unless its subject already has a live key; return the subject's key.

        An existing key is returned whatever ``key``'s version.

        Insert-if-absent: when two processes race to create a key for one subject, both
        get the key stored first, so the subject ends with exactly one key.

        Raises:
            StaleKekVersionError: ``key`` is wrapped under a version below the store's
                minimum; nothing was stored (wrap it again under the current version).
            KeyStoreError: ``key.key_id`` is already in use, live or shredded.
        """
        ...

    def insert_many(self, keys: Sequence[WrappedKey]) -> list[WrappedKey]:
        """:meth:`insert` each key, all in one write transaction; return each subject's
        key, in the order of ``keys`` (an existing key where the subject had one).

        Raises:
            StaleKekVersionError: a key is wrapped under a version below the store's
                minimum; nothing was stored.
            KeyStoreError: a key id is already in use, live or shredded; nothing was
                stored.
        """
        ...

    def rewrap(self, changes: Sequence[Rewrap]) -> int:
        """Replace wrappings, each only if its key is still live and under ``from_version``.

        A key shredded or rewrapped meanwhile is left as it is (never brought back).
        Returns how many were replaced.

        Raises:
            StaleKekVersionError: a change wraps under a version below the minimum;
                nothing was replaced.
        """
        ...

    def shred(self, subject: str) -> WrappedKey | None:
        """Destroy the live key of ``subject``, leave a tombstone and start a new
        generation; return what was destroyed (``None`` if there was no key)."""
        ...

    def retire_below(self, version: int) -> KeyState:
        """Raise the minimum KEK version to ``version`` and start a new generation.

        In one write transaction with counting the keys left under older versions, so
        no key wrapped under a retired version can be stored before or after it.

        Raises:
            KeyRetiredError: live keys are still wrapped under a version below
                ``version`` (the message gives their counts); nothing changed.
        """
        ...

    def all_keys(self) -> Iterator[WrappedKey]:
        """Every live key."""
        ...

    def count_by_kek_version(self) -> dict[int, int]:
        """How many live keys each KEK version wraps."""
        ...

    def shredded_count(self) -> int:
        """How many keys were shredded (tombstones kept)."""
        ...

    def close(self) -> None:
        """Release the store (a closed store may not be used again)."""
        ...


def stranded_error(stranded: dict[int, int], version: int) -> KeyRetiredError:
    """The refusal to retire below ``version`` while ``stranded`` keys (by version) remain."""
    total = sum(stranded.values())
    versions = ", ".join(map(str, sorted(stranded)))
    return KeyRetiredError(
        f"{total} data keys are still wrapped under KEK versions {versions}, below "
        f"{version}; run 'steward keys rewrap' first (nothing was retired)"
    )


def stale_error(version: int, minimum: int) -> StaleKekVersionError:
    """The refusal to store a key wrapped under retired KEK ``version``."""
    return StaleKekVersionError(
        f"KEK version {version} is retired in the subject key store (minimum {minimum}); "
        "the data key must be wrapped under the current version"
    )


class MemorySubjectKeyStore:
    """A store in memory, for tests and notebooks: its state reaches one process only."""

    def __init__(self) -> None:
        self._keys: dict[bytes, WrappedKey] = {}
        self._subjects: dict[str, bytes] = {}
        self._tombstones: set[bytes] = set()
        self._state = KeyState(0, FIRST_KEK_VERSION)
        self._lock = threading.Lock()
        self._closed = False

    def state(self) -> KeyState:
        self._check_open()
        return self._state

    def by_subject(self, subject: str) -> WrappedKey | None:
        with self._lock:
            self._check_open()
            key_id = self._subjects.get(subject)
            return None if key_id is None else self._keys[key_id]

    def by_key_id(self, key_id: bytes) -> WrappedKey | None:
        self._check_open()
        return self._keys.get(key_id)

    def was_shredded(self, key_id: bytes) -> bool:
        self._check_open()
        return key_id in self._tombstones

    def insert(self, key: WrappedKey) -> WrappedKey:
        with self._lock:
            self._check_open()
            existing = self._subjects.get(key.subject)
            if existing is not None:
                return self._keys[existing]
            if key.kek_version < self._state.min_kek_version:
                raise stale_error(key.kek_version, self._state.min_kek_version)
            if key.key_id in self._keys or key.key_id in self._tombstones:
                raise KeyStoreError("a data key with this key id already exists")
            self._keys[key.key_id] = key
            self._subjects[key.subject] = key.key_id
            return key

    def insert_many(self, keys: Sequence[WrappedKey]) -> list[WrappedKey]:
        with self._lock:
            self._check_open()
            minimum = self._state.min_kek_version
            stale = [k.kek_version for k in keys if k.kek_version < minimum]
            if stale:
                raise stale_error(min(stale), minimum)
            ids = [k.key_id for k in keys if k.subject not in self._subjects]
            if len(set(ids)) != len(ids) or any(
                i in self._keys or i in self._tombstones for i in ids
            ):
                raise KeyStoreError("a data key with this key id already exists")
            kept = []
            for key in keys:
                existing = self._subjects.get(key.subject)
                if existing is None:
                    self._keys[key.key_id] = key
                    self._subjects[key.subject] = key.key_id
                    existing = key.key_id
                kept.append(self._keys[existing])
            return kept

    def rewrap(self, changes: Sequence[Rewrap]) -> int:
        with self._lock:
            self._check_open()
            minimum = self._state.min_kek_version
            for change in changes:
                if change.to_version < minimum:
                    raise stale_error(change.to_version, minimum)
            done = 0
            for change in changes:
                key = self._keys.get(change.key_id)
                if key is None or key.kek_version != change.from_version:
                    continue
                self._keys[change.key_id] = WrappedKey(
                    key.key_id, key.subject, change.to_version, change.wrapped, key.created
                )
                done += 1
            return done

    def shred(self, subject: str) -> WrappedKey | None:
        with self._lock:
            self._check_open()
            key_id = self._subjects.pop(subject, None)
            if key_id is None:
                return None
            self._tombstones.add(key_id)
            self._state = KeyState(self._state.generation + 1, self._state.min_kek_version)
            return self._keys.pop(key_id)

    def retire_below(self, version: int) -> KeyState:
        with self._lock:
            self._check_open()
            stranded = {v: n for v, n in self._counts().items() if v < version}
            if stranded:
                raise stranded_error(stranded, version)
            minimum = max(self._state.min_kek_version, version)
            self._state = KeyState(self._state.generation + 1, minimum)
            return self._state

    def all_keys(self) -> Iterator[WrappedKey]:
        with self._lock:
            self._check_open()
            return iter(list(self._keys.values()))

    def count_by_kek_version(self) -> dict[int, int]:
        with self._lock:
            self._check_open()
            return self._counts()

    def shredded_count(self) -> int:
        self._check_open()
        return len(self._tombstones)

    def close(self) -> None:
        self._closed = True

    def _counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for key in self._keys.values():
            counts[key.kek_version] = counts.get(key.kek_version, 0) + 1
        return counts

    def _check_open(self) -> None:
        if self._closed:
            raise KeyStoreError("the subject key store is closed")
