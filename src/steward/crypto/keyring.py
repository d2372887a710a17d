"""The key ring: per-subject data keys wrapped by versioned KEKs, and field encryption.

The subject key store is the source of truth for key state, in every process. The
ring caches unwrapped data keys, but checks the store's generation on every decrypt
(one small read; once a page inside :meth:`KeyRing.one_state_read`) and forgets
everything it holds when another process shredded a key or retired a KEK version; new
keys are wrapped under the KEK version the provider names now, and stored only if the
store still accepts that version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from os import urandom

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from steward.clock import now
from steward.crypto.errors import (
    CryptoError,
    DecryptionError,
    KeyRetiredError,
    KeyShreddedError,
    KeyStoreError,
    ReadOnlyKeyProviderError,
    StaleKekVersionError,
    UnknownKeyError,
)
from steward.crypto.field_format import (
    FORMAT_VERSION,
    HEADER_BYTES,
    HEADER_KEY_END,
    KEY_ID_BYTES,
    MIN_CIPHERTEXT_BYTES,
    NONCE_BYTES,
    length_prefixed,
    parse_header,
    record_context,
)
from steward.crypto.key_status import KeyRingStatus, key_ring_status
from steward.crypto.providers import KEY_BYTES, KeyProvider, RotatableKeyProvider
from steward.crypto.subject_keys import Rewrap, SubjectKeyStore, WrappedKey

_WRAP_DOMAIN = b"steward-dek/1"
_STORE_ATTEMPTS = 3
"""How often a new key is wrapped again after the store refused a retired version."""
REWRAP_BATCH = 500
"""Data keys rewrapped per write transaction of the store."""


class KeyRing:
    """Encrypts and decrypts field values under each subject's own data key.

    Unwrapped data keys are cached in memory (at most ``cache_size``), and only for as
    long as the store's generation is the one they were read under. Safe to share
    between threads.
    """

    def __init__(
        self, provider: KeyProvider, store: SubjectKeyStore, *, cache_size: int = 4096
    ) -> None:
        self.provider = provider
        self.store = store
        self._cache: OrderedDict[bytes, AESGCM] = OrderedDict()
        self._cache_size = cache_size
        self._generation = -1
        self._lock = threading.Lock()
        self._pinned = threading.local()

    # -- field values -------------------------------------------------------------

    def encrypt(
        self, subject: str, plaintext: bytes, *, dataset: str, record: str, field: str
    ) -> bytes:
        """Encrypt one field value under ``subject``'s data key (created on first use).

        The ciphertext is bound to ``dataset``, ``record`` and ``field``.

        Raises:
            KeyRetiredError: the key provider's current version is retired in the store
                (the key file and the subject key store do not belong together).
            KeyStoreError: a key file or the subject key store cannot be used.
        """
        return self.encrypt_record(subject, {field: plaintext}, dataset=dataset, record=record)[
            field
        ]

    def encrypt_record(
        self, subject: str, values: Mapping[str, bytes], *, dataset: str, record: str
    ) -> dict[str, bytes]:
        """Encrypt every field value of one record under ``subject``'s data key.

        Returns the ciphertexts by field name; each is bound to its own field. Raises
        as :meth:`encrypt`.
        """
        key_id, aead = self._key_for(subject)
        context = record_context(key_id, dataset, record)
        prefix = bytes((FORMAT_VERSION,)) + key_id
        seal = aead.encrypt
        out: dict[str, bytes] = {}
        for field, plaintext in values.items():
            nonce = urandom(NONCE_BYTES)
            out[field] = prefix + nonce + seal(nonce, plaintext, context + length_prefixed(field))
        return out

    def create_keys(self, subjects: Sequence[str]) -> int:
        """Create the data keys of ``subjects`` that have none, in one write of the store
        (for many new subjects at once, such as an import); return how many were made.

        Each key is what :meth:`encrypt` would create on first use; a subject that has a
        key keeps it. Raises as :meth:`encrypt`.
        """
        generation = self._generation
        fresh = {
            subject: (urandom(KEY_ID_BYTES), AESGCM.generate_key(bit_length=KEY_BYTES * 8))
            for subject in dict.fromkeys(subjects)
        }
        if not fresh:
            return 0
        refused: int | None = None
        for _ in range(_STORE_ATTEMPTS):
            version = self.provider.current_version()
            if refused is not None and version <= refused:
                break  # the provider has not moved on: the store would refuse again
            wrapped = [
                WrappedKey(
                    key_id,
                    subject,
                    version,
                    self.provider.wrap(version, data_key, _wrap_context(key_id, subject)),
                    now(),
                )
                for subject, (key_id, data_key) in fresh.items()
            ]
            try:
                kept = self.store.insert_many(wrapped)
            except StaleKekVersionError:
                refused = version  # retired meanwhile: wrap again under the current one
                continue
            made = 0
            for mine, stored in zip(wrapped, kept, strict=True):
                if stored.key_id == mine.key_id:
                    self._remember(mine.key_id, AESGCM(fresh[mine.subject][1]), generation)
                    made += 1
            return made
        raise KeyRetiredError(
            "the key file's current KEK version is retired in the subject key store: the "
            "key file and the subject key store do not belong together; see "
            "'steward keys status'"
        )

    def decrypt(self, ciphertext: bytes, *, dataset: str, record: str, field: str) -> bytes:
        """Decrypt a field value encrypted by :meth:`encrypt` for the same place.

        Raises:
            MalformedCiphertextError: the bytes are not an encrypted field.
            KeyShreddedError: the subject's key was destroyed; the value is gone.
            UnknownKeyError: no key with the ciphertext's key id exists.
            KeyRetiredError: the key is wrapped under a retired KEK version.
            DecryptionError: the ciphertext was altered or belongs to another place.
            KeyStoreError: a key file or the subject key store cannot be used.
        """
        return self.decrypt_record({field: ciphertext}, dataset=dataset, record=record)[field]

    def decrypt_record(
        self, ciphertexts: Mapping[str, bytes], *, dataset: str, record: str
    ) -> dict[str, bytes]:
        """Decrypt every field of one record; raises as :meth:`decrypt` on the first failure.

        Checks the store's key state once, so a key shredded or retired by another
        process is never used from the cache.
        """
        generation = self._current_generation()
        out: dict[str, bytes] = {}
        contexts: dict[bytes, tuple[AESGCM, bytes]] = {}
        for field, ciphertext in ciphertexts.items():
            if len(ciphertext) < MIN_CIPHERTEXT_BYTES or ciphertext[0] != FORMAT_VERSION:
                parse_header(ciphertext)  # raises the precise MalformedCiphertextError
            key_id = ciphertext[1:HEADER_KEY_END]
            known = contexts.get(key_id)
            if known is None:
                aead = self._aead_by_id(key_id, generation)
                known = (aead, record_context(key_id, dataset, record))
                contexts[key_id] = known
            aead, context = known
            try:
                out[field] = aead.decrypt(
                    ciphertext[HEADER_KEY_END:HEADER_BYTES],
                    ciphertext[HEADER_BYTES:],
                    context + length_prefixed(field),
                )
            except InvalidTag:
                raise DecryptionError(
                    f"the encrypted value for {dataset}.{field} does not authenticate: it was "
                    "altered, or belongs to another record or field"
                ) from None
        return out

    def key_problems(self, ciphertexts: Mapping[str, bytes]) -> dict[str, CryptoError]:
        """Why each value's key cannot be used, by field, without decrypting anything.

        Fields whose key is usable are left out. For showing values nobody reads in
        clear (a fully masked field) as erased or unreadable all the same.

        Raises:
            KeyStoreError: the subject key store cannot be read at all.
        """
        generation = self._current_generation()
        problems: dict[str, CryptoError] = {}
        for field, ciphertext in ciphertexts.items():
            try:
                self._aead_by_id(parse_header(ciphertext).key_id, generation)
            except CryptoError as error:
                problems[field] = error
        return problems

    # -- subject keys ---------------------------------------------------------------

    def has_key(self, subject: str) -> bool:
        """Whether ``subject`` has a live data key."""
        return self.store.by_subject(subject) is not None

    def shred(self, subject: str) -> bool:
        """Destroy ``subject``'s data key: all their encrypted fields become unreadable,
        in this process and in every other one that shares the store, at once.

        Returns whether a key existed. Decrypting afterwards raises KeyShreddedError.
        """
        destroyed = self.store.shred(subject)
        if destroyed is None:
            return False
        with self._lock:
            self._cache.pop(destroyed.key_id, None)
        return True

    def shred_many(self, subjects: Sequence[str]) -> list[str]:
        """Shred the keys of ``subjects`` as :meth:`shred` does, in one write of the
        store when it can batch (the SQLite store); returns the subjects whose key existed.
        """
        batch = getattr(self.store, "shred_many", None)
        if batch is None:
            return [subject for subject in subjects if self.shred(subject)]
        destroyed: list[WrappedKey] = batch(list(subjects))
        with self._lock:
            for key in destroyed:
                self._cache.pop(key.key_id, None)
        return [key.subject for key in destroyed]

    # -- rotation -------------------------------------------------------------------

    def rotate(self) -> int:
        """Create a new KEK version; new data keys are wrapped under it from now on.

        Raises:
            ReadOnlyKeyProviderError: the provider cannot create versions.
        """
        return _rotatable(self.provider).create_version()

    def rewrap(self, progress: Callable[[int], None] | None = None) -> int:
        """Re-wrap every data key under a version older than the current one.

        Field ciphertexts are untouched (the data keys do not change). A key shredded
        meanwhile stays shredded. Returns the number of keys re-wrapped; ``progress``
        is called with each running count.

        Raises:
            UnknownKeyError: some keys could not be unwrapped (their KEK version is not
                held or retired); every other key was re-wrapped, and the message says
                how many failed under which versions.
        """
        current = self.provider.current_version()
        done = 0
        failed: dict[int, int] = {}
        batch: list[Rewrap] = []
        for key in self.store.all_keys():
            if key.kek_version >= current:
                continue
            context = _wrap_context(key.key_id, key.subject)
            try:
                data_key = self.provider.unwrap(key.kek_version, key.wrapped, context)
            except (UnknownKeyError, KeyRetiredError, DecryptionError):
                failed[key.kek_version] = failed.get(key.kek_version, 0) + 1
                continue
            wrapped = self.provider.wrap(current, data_key, context)
            batch.append(Rewrap(key.key_id, key.kek_version, current, wrapped))
            if len(batch) >= REWRAP_BATCH:
                done += self.store.rewrap(batch)
                batch = []
                if progress is not None:
                    progress(done)
        done += self.store.rewrap(batch)
        if progress is not None:
            progress(done)
        if failed:
            listed = ", ".join(f"{n} under version {v}" for v, n in sorted(failed.items()))
            raise UnknownKeyError(
                f"re-wrapped {done} data keys, but {sum(failed.values())} could not be "
                f"unwrapped ({listed}): the key file no longer holds those versions; "
                "restore them from the key file's backup and run rewrap again"
            )
        return done

    def retire_below(self, version: int) -> None:
        """Retire every KEK version below ``version``.

        The store raises its minimum version first, in the same write transaction that
        counts the keys left under older versions, so no process can store a key
        wrapped under a retired version afterwards; only then are the KEKs erased from
        the key file.

        Raises:
            KeyRetiredError: data keys are still wrapped under a version being retired
                (run :meth:`rewrap` first); nothing is changed.
            KeyStoreError: ``version`` is above the current version.
            ReadOnlyKeyProviderError: the provider cannot retire versions.
        """
        provider = _rotatable(self.provider)
        current = provider.current_version()
        if version > current:
            raise KeyStoreError(f"cannot retire below version {version}: current is {current}")
        self.store.retire_below(version)
        provider.retire_below(version)

    def status(self, at: datetime | None = None) -> KeyRingStatus:
        """Every KEK version the key file holds or a data key depends on, and what is wrong."""
        return key_ring_status(self.provider, self.store, at or now())

    @contextmanager
    def one_state_read(self) -> Iterator[None]:
        """Read the store's key state once for every decryption in the block (this thread).

        For one request's page of records: a key shredded or retired by another process
        takes effect from the next block (or call outside one), not half-way through a
        page. Without it every record reads the state again. Blocks may nest; the
        outermost one reads.

        Raises:
            KeyStoreError: the subject key store cannot be read.
        """
        if getattr(self._pinned, "generation", None) is not None:
            yield
            return
        self._pinned.generation = self._current_generation()
        try:
            yield
        finally:
            self._pinned.generation = None

    # -- internals ------------------------------------------------------------------

    def _current_generation(self) -> int:
        """The store's generation (read once per :meth:`one_state_read` block); forgets
        every cached key if it moved on."""
        pinned: int | None = getattr(self._pinned, "generation", None)
        if pinned is not None:
            return pinned
        generation = self.store.state().generation
        if generation != self._generation:
            with self._lock:
                if generation != self._generation:
                    self._cache.clear()
                    self._generation = generation
        return generation

    def _key_for(self, subject: str) -> tuple[bytes, AESGCM]:
        generation = self._generation
        stored = self.store.by_subject(subject)
        if stored is not None:
            return stored.key_id, self._unwrapped(stored, generation)
        key_id = urandom(KEY_ID_BYTES)
        data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        context = _wrap_context(key_id, subject)
        refused: int | None = None
        for _ in range(_STORE_ATTEMPTS):
            version = self.provider.current_version()
            if refused is not None and version <= refused:
                break  # the provider has not moved on: the store would refuse again
            wrapped = self.provider.wrap(version, data_key, context)
            try:
                kept = self.store.insert(WrappedKey(key_id, subject, version, wrapped, now()))
            except StaleKekVersionError:
                refused = version  # retired meanwhile: wrap again under the current one
                continue
            if kept.key_id != key_id:  # another request stored this subject's key first
                return kept.key_id, self._unwrapped(kept, generation)
            aead = AESGCM(data_key)
            self._remember(key_id, aead, generation)
            return key_id, aead
        raise KeyRetiredError(
            "the key file's current KEK version is retired in the subject key store: the "
            "key file and the subject key store do not belong together; see "
            "'steward keys status'"
        )

    def _aead_by_id(self, key_id: bytes, generation: int) -> AESGCM:
        cached = self._cached(key_id)
        if cached is not None:
            return cached
        stored = self.store.by_key_id(key_id)
        if stored is None:
            if self.store.was_shredded(key_id):
                raise KeyShreddedError(
                    "this value's data key was destroyed (crypto-shredded); it cannot be read"
                )
            raise UnknownKeyError("no data key with this value's key id exists")
        return self._unwrapped(stored, generation)

    def _unwrapped(self, stored: WrappedKey, generation: int) -> AESGCM:
        cached = self._cached(stored.key_id)
        if cached is not None:
            return cached
        context = _wrap_context(stored.key_id, stored.subject)
        aead = AESGCM(self.provider.unwrap(stored.kek_version, stored.wrapped, context))
        self._remember(stored.key_id, aead, generation)
        return aead

    def _cached(self, key_id: bytes) -> AESGCM | None:
        with self._lock:
            cached = self._cache.get(key_id)
            if cached is not None:
                self._cache.move_to_end(key_id)
            return cached

    def _remember(self, key_id: bytes, aead: AESGCM, generation: int) -> None:
        """Cache a key read under ``generation``, unless the store has moved on since."""
        with self._lock:
            if generation != self._generation:
                return
            self._cache[key_id] = aead
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)


def _wrap_context(key_id: bytes, subject: str) -> bytes:
    return _WRAP_DOMAIN + key_id + subject.encode("utf-8")


def _rotatable(provider: KeyProvider) -> RotatableKeyProvider:
    if not hasattr(provider, "create_version") or not hasattr(provider, "retire_below"):
        raise ReadOnlyKeyProviderError("this key provider cannot create or retire versions")
    return provider  # type: ignore[return-value]
