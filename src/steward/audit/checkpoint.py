"""Signed checkpoints in the C2SP formats (c2sp.org/signed-note, c2sp.org/tlog-checkpoint).

A checkpoint commits to the whole log at one size. Its note text is three lines::

    <origin>
    <tree size, decimal>
    <base64 root hash>

followed by a blank line and one signature line per signer::

    — <key name> <base64(4-byte key ID || 64-byte Ed25519 signature)>

Anyone holding the public key can check a checkpoint, and a checkpoint copied off
the server lets a later verification notice a rewritten or truncated log.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Final

from steward.audit.errors import NoteFormatError, SignatureError
from steward.audit.keys import SigningKey, VerifierKey
from steward.audit.merkle import HASH_SIZE

MAX_NOTE_BYTES: Final = 64 * 1024
MAX_SIGNATURES: Final = 64
_DASH: Final = "\u2014"
_SIZE: Final = re.compile(r"0|[1-9][0-9]*")
_SIGNATURE_LINE: Final = re.compile(r"\u2014 ([^\s+]+) ([A-Za-z0-9+/]+={0,2})")
_FORBIDDEN: Final = re.compile(r"[\x00-\x09\x0b-\x1f]")


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note: the key name, 4-byte key ID and signature bytes."""

    name: str
    key_id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text (with final newline) and its signature lines.

    Nothing is verified here.

    Raises:
        NoteFormatError: the note is too long, has control characters, has no
            blank line before the signatures, or a signature line is malformed.
    """
    if len(note.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise NoteFormatError(f"the note is longer than {MAX_NOTE_BYTES} bytes")
    if _FORBIDDEN.search(note) or not note.endswith("\n"):
        raise NoteFormatError("a note must be lines of text, each ending in a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteFormatError("the note has no blank line before its signatures")
    text, signature_block = note[: split + 1], note[split + 2 :]
    signatures = []
    for line in signature_block.splitlines():
        match = _SIGNATURE_LINE.fullmatch(line)
        if match is None:
            raise NoteFormatError("a signature line is not '— <name> <base64>'")
        try:
            blob = base64.b64decode(match.group(2), validate=True)
        except binascii.Error:
            raise NoteFormatError("a signature is not valid base64") from None
        if len(blob) < 5:
            raise NoteFormatError("a signature is too short to hold a key ID")
        signatures.append(NoteSignature(match.group(1), blob[:4], blob[4:]))
    if not signatures:
        raise NoteFormatError("the note has no signatures")
    if len(signatures) > MAX_SIGNATURES:
        raise NoteFormatError(f"the note has more than {MAX_SIGNATURES} signatures")
    return text, signatures


def sign_note(text: str, key: SigningKey) -> str:
    """Sign ``text`` (non-empty lines, ending in a newline) and return the signed note.

    Raises:
        NoteFormatError: the text is empty, does not end in a newline, or has a
            control character or an empty line at its end.
    """
    if not text.endswith("\n") or text.endswith("\n\n") or text == "\n" or _FORBIDDEN.search(text):
        raise NoteFormatError(
            "note text must be lines ending in a newline, without a trailing blank line"
        )
    signature = key.sign(text.encode("utf-8"))
    encoded = base64.b64encode(key.key_id + signature).decode("ascii")
    return f"{text}\n{_DASH} {key.name} {encoded}\n"


def open_note(note: str, key: VerifierKey) -> str:
    """Check that ``key`` signed ``note`` and return the note's text.

    Signatures by other keys are ignored, as the signed-note spec requires.

    Raises:
        NoteFormatError: the note is malformed.
        SignatureError: no signature line is from ``key``, or one from ``key`` fails.
    """
    text, signatures = split_note(note)
    message = text.encode("utf-8")
    mine = [s for s in signatures if s.name == key.name and s.key_id == key.key_id]
    if not mine:
        raise SignatureError(f"the note carries no signature from key {key.name!r}")
    for signature in mine:
        if not key.verify(signature.signature, message):
            raise SignatureError(f"the signature from key {key.name!r} does not match the note")
    return text


@dataclass(frozen=True)
class Checkpoint:
    """A log's state at one size: its origin, tree size and Merkle root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The checkpoint note text: origin, size and base64 root, each on its own line."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode("ascii")]
        return "\n".join([*lines, *self.extensions]) + "\n"

    @classmethod
    def from_body(cls, text: str) -> Checkpoint:
        """Parse checkpoint note text.

        Raises:
            NoteFormatError: there are fewer than three lines, a line is empty, the
                size is not a plain decimal, or the root is not a base64 SHA-256 hash.
        """
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
            raise NoteFormatError("a checkpoint has at least three non-empty lines")
        origin, size, root, *extensions = lines[:-1]
        if not _SIZE.fullmatch(size):
            raise NoteFormatError("the checkpoint size is not a decimal number")
        try:
            root_hash = base64.b64decode(root, validate=True)
        except binascii.Error:
            raise NoteFormatError("the checkpoint root is not base64") from None
        if len(root_hash) != HASH_SIZE or base64.b64encode(root_hash).decode() != root:
            raise NoteFormatError("the checkpoint root is not a base64 SHA-256 hash")
        return cls(origin, int(size), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, key: SigningKey) -> str:
    """The checkpoint as a C2SP note signed by ``key``.

    Raises:
        NoteFormatError: the key name differs from the origin (the spec asks that
            they match), or the origin has a newline or control character.
    """
    if key.name != checkpoint.origin:
        raise NoteFormatError("the signing key's name must be the checkpoint origin")
    return sign_note(checkpoint.body(), key)


def open_checkpoint(note: str, key: VerifierKey) -> Checkpoint:
    """Verify a checkpoint note with ``key`` and parse it; its origin must be the key's name.

    Raises:
        NoteFormatError: the note or its checkpoint text is malformed, or the origin
            is not the key's name.
        SignatureError: the note is not signed by ``key``.
    """
    checkpoint = Checkpoint.from_body(open_note(note, key))
    if checkpoint.origin != key.name:
        raise NoteFormatError("the checkpoint origin is not the verifier key's name")
    return checkpoint


def parse_checkpoint(note: str) -> Checkpoint:
    """Parse a checkpoint note WITHOUT checking its signature.

    Use this only for a checkpoint you kept yourself in a safe place; prefer
    :func:`open_checkpoint`.

    Raises:
        NoteFormatError: the note or its checkpoint text is malformed.
    """
    text, _ = split_note(note)
    return Checkpoint.from_body(text)
