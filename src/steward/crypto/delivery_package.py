"""Delivery packages: a payload encrypted for one recipient outside Steward.

A package is a self-describing header followed by the ciphertext::

    magic    7 bytes   b"STWDPKG"
    format   1 byte    1
    method   1 byte    1 = public key, 2 = passphrase
    context  2 bytes   length n (big-endian), then n bytes of UTF-8 (e.g. "disclosure/<id>")
    name     1 byte    length m, then m bytes of UTF-8: the payload's file name (may be empty)
    -- method 1 (public key): nothing more; the body is an HPKE (RFC 9180) message,
       DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, base mode, as sealed
       intake uses (:mod:`steward.crypto.sealed`), with the header as HPKE ``info``.
    -- method 2 (passphrase): Argon2id memory (KiB, 4 bytes), passes (1 byte), lanes
       (1 byte), salt (16 bytes), nonce (12 bytes); the body is AES-256-GCM under the
       Argon2id key, with the header as associated data.

The whole header, context and name included, is authenticated: a package moved to
another context, or with any byte changed, does not open. :func:`read_package_header`
tells a recipient what a package needs before they try to open it. Plain Python on ``cryptography``.
"""

from __future__ import annotations

import os
import secrets
import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from steward.crypto.errors import CryptoError, DecryptionError, MalformedCiphertextError
from steward.crypto.sealed import MIN_PASSPHRASE, SUITE, Argon2Parameters, derive_key

MAGIC: Final = b"STWDPKG"
FORMAT: Final = 1
MAX_CONTEXT: Final = 1024
"""The longest context, in UTF-8 bytes."""
MAX_MEMORY_KIB: Final = 1024 * 1024
"""Argon2id memory above this (1 GiB) is refused before any work, so an altered header
cannot make the recipient's machine run out of memory."""
MAX_NAME: Final = 255
"""The longest file name, in UTF-8 bytes; a name has no slash, backslash or control
character and is not ``.`` or ``..``."""
MAX_PASSES: Final = 16
MAX_LANES: Final = 16
BASE32_ALPHABET: Final = "0123456789abcdefghjkmnpqrstvwxyz"
"""Crockford's base32 in lower case: no i, l, o or u to mistake for 1, 0 or v."""
PASSPHRASE_GROUPS: Final = 7
PASSPHRASE_GROUP: Final = 4
"""Seven groups of four characters of base32: 140 random bits."""

_PREFIX: Final = struct.Struct(">7sBBH")
_KDF: Final = struct.Struct(">IBB16s12s")
_INFO_LABEL: Final = b"steward-delivery-package/1|"


class Method(IntEnum):
    """How a package is opened."""

    PUBLIC_KEY = 1
    """With the recipient's X25519 private key."""
    PASSPHRASE = 2
    """With a passphrase given to the recipient out of band."""

    @property
    def label(self) -> str:
        """``public_key`` or ``passphrase`` (as :class:`~steward.vault.models_egress.Delivery`
        names its methods)."""
        return self.name.lower()


@dataclass(frozen=True)
class PackageHeader:
    """What a package says about itself before it is opened (not secret)."""

    format: int
    method: Method
    context: str
    filename: str
    """The payload's file name as the sender gave it (empty when none was)."""
    kdf: Argon2Parameters | None
    """The Argon2id cost of a passphrase package; ``None`` for a public-key one."""
    size: int
    """The header's length in bytes; the ciphertext follows."""


@dataclass(frozen=True)
class OpenedPackage:
    """An opened package: the context it was made for, the payload and its file name."""

    context: str
    payload: bytes
    method: Method
    filename: str = ""


def pack_for_key(
    payload: bytes, public_key: X25519PublicKey, *, context: str, filename: str = ""
) -> bytes:
    """Encrypt ``payload`` to the recipient's X25519 ``public_key``; ``context`` (and the
    payload's ``filename``, readable without opening) bound in.

    Each call uses a fresh ephemeral key, so equal inputs give different packages.

    Raises:
        CryptoError: the context is empty or longer than :data:`MAX_CONTEXT` bytes, or
            the file name is not a plain name of at most :data:`MAX_NAME` bytes.
    """
    header = _prefix(Method.PUBLIC_KEY, context, filename)
    return header + SUITE.encrypt(payload, public_key, info=_INFO_LABEL + header)


def pack_with_passphrase(
    payload: bytes,
    passphrase: str,
    *,
    context: str,
    filename: str = "",
    parameters: Argon2Parameters | None = None,
) -> bytes:
    """Encrypt ``payload`` under a key Argon2id derives from ``passphrase`` and a random
    salt (AES-256-GCM, random nonce, the header as associated data).

    ``parameters`` is the Argon2id cost (:class:`~steward.crypto.sealed.Argon2Parameters`'
    default when ``None``); it is written in the header for the recipient's tool.

    Raises:
        CryptoError: the passphrase is shorter than 12 characters, the context or the
            file name is not acceptable (as for :func:`pack_for_key`), or
            ``parameters`` are outside what a recipient will accept.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        raise CryptoError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    params = parameters or Argon2Parameters()
    problem = _kdf_problem(params)
    if problem:
        raise CryptoError(problem)
    salt, nonce = os.urandom(16), os.urandom(12)
    header = _prefix(Method.PASSPHRASE, context, filename) + _KDF.pack(
        params.memory_kib, params.iterations, params.lanes, salt, nonce
    )
    return header + AESGCM(derive_key(passphrase, salt, params)).encrypt(nonce, payload, header)


def read_package_header(package: bytes) -> PackageHeader:
    """Parse a package's header without opening it.

    Raises:
        MalformedCiphertextError: not a Steward delivery package, a format this
            version does not know, or a header cut short or out of bounds.
    """
    if len(package) < _PREFIX.size or not package.startswith(MAGIC):
        raise MalformedCiphertextError("this is not a Steward delivery package")
    _, version, method_byte, length = _PREFIX.unpack_from(package)
    if version != FORMAT:
        raise MalformedCiphertextError(
            f"this package is in format {version}; this version of Steward opens format {FORMAT}"
        )
    try:
        method = Method(method_byte)
    except ValueError:
        raise MalformedCiphertextError(f"unknown package method {method_byte}") from None
    if not 0 < length <= MAX_CONTEXT:
        raise MalformedCiphertextError("the package's header is damaged")
    context, at = _text(package, _PREFIX.size, length)
    filename, at = _text(package, at + 1, package[at] if len(package) > at else 0)
    if filename and _name_problem(filename):
        raise MalformedCiphertextError("the package's header is damaged")
    if method is Method.PUBLIC_KEY:
        return PackageHeader(FORMAT, method, context, filename, None, at)
    if len(package) < at + _KDF.size:
        raise MalformedCiphertextError("the package's header is cut short or damaged")
    memory, passes, lanes, _, _ = _KDF.unpack_from(package, at)
    params = Argon2Parameters(memory_kib=memory, iterations=passes, lanes=lanes)
    problem = _kdf_problem(params)
    if problem:
        raise MalformedCiphertextError(f"the package's header is damaged ({problem})")
    return PackageHeader(FORMAT, method, context, filename, params, at + _KDF.size)


def open_package(
    package: bytes,
    *,
    private_key: X25519PrivateKey | None = None,
    passphrase: str | None = None,
    context: str | None = None,
) -> OpenedPackage:
    """Open a package with the recipient's private key or the passphrase (exactly the
    one its method needs; giving both is allowed, the matching one is used). With
    ``context``, the package must have been made for exactly that context.

    Raises:
        DecryptionError: the bytes are not a package (or a damaged one), the package
            needs the other kind of secret, was made for another context, or the key
            or passphrase is wrong, or the package was altered. The message says
            which, never anything secret.
    """
    try:
        header = read_package_header(package)
    except MalformedCiphertextError as error:
        raise DecryptionError(str(error)) from None
    if context is not None and header.context != context:
        raise DecryptionError(f"this package was made for {header.context!r}, not for {context!r}")
    aad, body = package[: header.size], package[header.size :]
    if header.method is Method.PUBLIC_KEY:
        if private_key is None:
            raise DecryptionError(
                "this package was encrypted to the recipient's public key: open it with "
                "the matching private key, not a passphrase"
            )
        try:
            payload = SUITE.decrypt(body, private_key, info=_INFO_LABEL + aad)
        except (InvalidTag, ValueError):
            raise DecryptionError(
                "the package does not open with this key (a different recipient's key, "
                "or the package was altered)"
            ) from None
        return OpenedPackage(header.context, payload, header.method, header.filename)
    if passphrase is None:
        raise DecryptionError(
            "this package is opened with a passphrase given out of band, not with a key"
        )
    payload = _open_with_passphrase(header, aad, body, passphrase)
    return OpenedPackage(header.context, payload, header.method, header.filename)


def new_passphrase() -> str:
    """A random passphrase of 140 bits, typeable: seven groups of four lower-case
    characters of Crockford's base32 joined by dashes (``k7qf-2mxa-...``)."""
    chars = [secrets.choice(BASE32_ALPHABET) for _ in range(PASSPHRASE_GROUPS * 4)]
    groups = (
        "".join(chars[i : i + PASSPHRASE_GROUP]) for i in range(0, len(chars), PASSPHRASE_GROUP)
    )
    return "-".join(groups)


def _open_with_passphrase(header: PackageHeader, aad: bytes, body: bytes, passphrase: str) -> bytes:
    memory, passes, lanes, salt, nonce = _KDF.unpack_from(aad, header.size - _KDF.size)
    params = Argon2Parameters(memory_kib=memory, iterations=passes, lanes=lanes)
    try:
        return AESGCM(derive_key(passphrase, salt, params)).decrypt(nonce, body, aad)
    except (InvalidTag, ValueError):
        raise DecryptionError(
            "the package does not open with this passphrase (a wrong passphrase, "
            "or the package was altered)"
        ) from None


def _prefix(method: Method, context: str, filename: str) -> bytes:
    encoded = context.encode("utf-8")
    if not 0 < len(encoded) <= MAX_CONTEXT:
        raise CryptoError(f"a package's context is 1 to {MAX_CONTEXT} bytes of UTF-8")
    name = filename.encode("utf-8")
    problem = _name_problem(filename) if filename else ""
    if problem:
        raise CryptoError(problem)
    prefix = _PREFIX.pack(MAGIC, FORMAT, int(method), len(encoded))
    return prefix + encoded + bytes([len(name)]) + name


def _text(package: bytes, start: int, length: int) -> tuple[str, int]:
    """The UTF-8 text of ``length`` bytes at ``start``, and where it ends."""
    end = start + length
    if len(package) < end or start > len(package):
        raise MalformedCiphertextError("the package's header is cut short or damaged")
    try:
        return package[start:end].decode("utf-8"), end
    except UnicodeDecodeError:
        raise MalformedCiphertextError("the package's header is damaged") from None


def _name_problem(filename: str) -> str:
    if (
        len(filename.encode("utf-8")) > MAX_NAME
        or filename in {".", ".."}
        or any(c in "/\\" or not c.isprintable() for c in filename)
    ):
        return (
            f"a package's file name is a plain name of at most {MAX_NAME} bytes: no "
            "slash, backslash or control character"
        )
    return ""


def _kdf_problem(params: Argon2Parameters) -> str:
    if not 1 <= params.lanes <= MAX_LANES:
        return f"Argon2id lanes must be 1 to {MAX_LANES}"
    if not 1 <= params.iterations <= MAX_PASSES:
        return f"Argon2id passes must be 1 to {MAX_PASSES}"
    if not 8 * params.lanes <= params.memory_kib <= MAX_MEMORY_KIB:
        return f"Argon2id memory must be 8 KiB per lane to {MAX_MEMORY_KIB} KiB"
    return ""
