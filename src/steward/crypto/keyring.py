"""The key ring: per-subject data keys wrapped by versioned KEKs, and field encryption."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from os import urandom

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from steward.crypto.errors import (
    DecryptionError,
    KeyRetiredError,
    KeyShreddedError,
    ReadOnlyKeyProviderError,
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
from steward.crypto.providers import KEY_BYTES, KeyProvider, RotatableKeyProvider
from steward.crypto.subject_keys import SubjectKeyStore, WrappedKey

_WRAP_DOMAIN = b"steward-dek/1"


@dataclass(frozen=True)
class KekStatus:
    """What ``steward keys status`` shows about one KEK version (never the key)."""

    version: int
    created: datetime
    age: timedelta
    wrapped_keys: int
    current: bool
    retired: bool


class KeyRing:
    """Encrypts and decrypts field values under each subject's own data key.

    Unwrapped data keys are cached in memory (at most ``cache_size``); shredding a
    subject also evicts its key from the cache.
    """

    def __init__(
        self, provider: KeyProvider, store: SubjectKeyStore, *, cache_size: int = 4096
    ) -> None:
        self.provider = provider
        self.store = store
        self._cache: OrderedDict[bytes, AESGCM] = OrderedDict()
        self._cache_size = cache_size

    # -- field values -------------------------------------------------------------

    def encrypt(
        self, subject: str, plaintext: bytes, *, dataset: str, record: str, field: str
    ) -> bytes:
        """Encrypt one field value under ``subject``'s data key (created on first use).

        The ciphertext is bound to ``dataset``, ``record`` and ``field``.
        """
        return self.encrypt_record(subject, {field: plaintext}, dataset=dataset, record=record)[
            field
        ]

    def encrypt_record(
        self, subject: str, values: Mapping[str, bytes], *, dataset: str, record: str
    ) -> dict[str, bytes]:
        """Encrypt every field value of one record under ``subject``'s data key.

        Returns the ciphertexts by field name; each is bound to its own field.
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

    def decrypt(self, ciphertext: bytes, *, dataset: str, record: str, field: str) -> bytes:
        """Decrypt a field value encrypted by :meth:`encrypt` for the same place.

        Raises:
            MalformedCiphertextError: the bytes are not an encrypted field.
            KeyShreddedError: the subject's key was destroyed; the value is gone.
            UnknownKeyError: no key with the ciphertext's key id exists.
            KeyRetiredError: the key is wrapped under a retired KEK version.
            DecryptionError: the ciphertext was altered or belongs to another place.
        """
        return self.decrypt_record({field: ciphertext}, dataset=dataset, record=record)[field]

    def decrypt_record(
        self, ciphertexts: Mapping[str, bytes], *, dataset: str, record: str
    ) -> dict[str, bytes]:
        """Decrypt every field of one record; raises as :meth:`decrypt` on the first failure."""
        out: dict[str, bytes] = {}
        contexts: dict[bytes, tuple[AESGCM, bytes]] = {}
        for field, ciphertext in ciphertexts.items():
            if len(ciphertext) < MIN_CIPHERTEXT_BYTES or ciphertext[0] != FORMAT_VERSION:
                parse_header(ciphertext)  # raises the precise MalformedCiphertextError
            key_id = ciphertext[1:HEADER_KEY_END]
            known = contexts.get(key_id)
            if known is None:
                known = (self._aead_by_id(key_id), record_context(key_id, dataset, record))
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

    # -- subject keys ---------------------------------------------------------------

    def has_key(self, subject: str) -> bool:
        """Whether ``subject`` has a live data key."""
        return self.store.by_subject(subject) is not None

    def shred(self, subject: str) -> bool:
        """Destroy ``subject``'s data key: all their encrypted fields become unreadable.

        Returns whether a key existed. Decrypting afterwards raises KeyShreddedError.
        """
        destroyed = self.store.shred(subject)
        if destroyed is None:
            return False
        self._cache.pop(destroyed.key_id, None)
        return True

    # -- rotation -------------------------------------------------------------------

    def rotate(self) -> int:
        """Create a new KEK version; new data keys are wrapped under it from now on.

        Raises:
            ReadOnlyKeyProviderError: the provider cannot create versions.
        """
        return _rotatable(self.provider).create_version()

    def rewrap(self, progress: Callable[[int], None] | None = None) -> int:
        """Re-wrap every data key not under the current KEK version.

        Field ciphertexts are untouched (the data keys do not change). Returns the
        number of keys re-wrapped; ``progress`` is called with each running count.
        """
        current = self.provider.current_version()
        done = 0
        for key in self.store.all_keys():
            if key.kek_version == current:
                continue
            context = _wrap_context(key.key_id, key.subject)
            data_key = self.provider.unwrap(key.kek_version, key.wrapped, context)
            wrapped = self.provider.wrap(current, data_key, context)
            self.store.put(WrappedKey(key.key_id, key.subject, current, wrapped, key.created))
            done += 1
            if progress is not None:
                progress(done)
        return done

    def retire_below(self, version: int) -> None:
        """Retire every KEK version below ``version``.

        Raises:
            KeyRetiredError: data keys are still wrapped under a version being retired
                (run :meth:`rewrap` first); nothing is changed.
            ReadOnlyKeyProviderError: the provider cannot retire versions.
        """
        stranded = {v: n for v, n in self.store.count_by_kek_version().items() if v < version}
        if stranded:
            total = sum(stranded.values())
            raise KeyRetiredError(
                f"{total} data keys are still wrapped under versions "
                f"{', '.join(map(str, sorted(stranded)))}; run 'steward keys rewrap' first"
            )
        _rotatable(self.provider).retire_below(version)

    def status(self, now: datetime | None = None) -> list[KekStatus]:
        """Each KEK version with its age and how many data keys it wraps."""
        now = now or datetime.now(UTC)
        counts = self.store.count_by_kek_version()
        current = self.provider.current_version()
        minimum = self.provider.min_decrypt_version()
        return [
            KekStatus(
                version=v.version,
                created=v.created,
                age=now - v.created,
                wrapped_keys=counts.get(v.version, 0),
                current=v.version == current,
                retired=v.version < minimum,
            )
            for v in self.provider.versions()
        ]

    # -- internals ------------------------------------------------------------------

    def _key_for(self, subject: str) -> tuple[bytes, AESGCM]:
        stored = self.store.by_subject(subject)
        if stored is not None:
            return stored.key_id, self._aead_by_id(stored.key_id, stored)
        key_id = urandom(KEY_ID_BYTES)
        data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        version = self.provider.current_version()
        wrapped = self.provider.wrap(version, data_key, _wrap_context(key_id, subject))
        self.store.put(WrappedKey(key_id, subject, version, wrapped, datetime.now(UTC)))
        aead = AESGCM(data_key)
        self._remember(key_id, aead)
        return key_id, aead

    def _aead_by_id(self, key_id: bytes, stored: WrappedKey | None = None) -> AESGCM:
        cached = self._cache.get(key_id)
        if cached is not None:
            self._cache.move_to_end(key_id)
            return cached
        stored = stored or self.store.by_key_id(key_id)
        if stored is None:
            if self.store.was_shredded(key_id):
                raise KeyShreddedError(
                    "this value's data key was destroyed (crypto-shredded); it cannot be read"
                )
            raise UnknownKeyError("no data key with this value's key id exists")
        context = _wrap_context(stored.key_id, stored.subject)
        aead = AESGCM(self.provider.unwrap(stored.kek_version, stored.wrapped, context))
        self._remember(key_id, aead)
        return aead

    def _remember(self, key_id: bytes, aead: AESGCM) -> None:
        self._cache[key_id] = aead
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def _wrap_context(key_id: bytes, subject: str) -> bytes:
    return _WRAP_DOMAIN + key_id + subject.encode("utf-8")


def _rotatable(provider: KeyProvider) -> RotatableKeyProvider:
    if not hasattr(provider, "create_version") or not hasattr(provider, "retire_below"):
        raise ReadOnlyKeyProviderError("this key provider cannot create or retire versions")
    return provider  # type: ignore[return-value]
