"""C2SP signed notes and checkpoints: format, known answers, signing and rejection."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.audit.checkpoint import (
    Checkpoint,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    sign_checkpoint,
    sign_note,
    split_note,
)
from steward.audit.errors import NoteFormatError, SignatureError
from steward.audit.keys import SigningKey, VerifierKey
from tests.audit.test_audit_keys import PETER_VERIFIER, peter

# The example note of golang.org/x/mod/sumdb/note (note.go, ExampleSign). Ed25519 is
# deterministic, so signing the same text with the same key must give these bytes.
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_NOTE = (
    PETER_TEXT
    + "\n"
    + "\u2014 PeterNeumann "
    + "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
    + "\n"
)
ORIGIN = "steward.example/audit"


def test_signing_reproduces_the_go_example_note() -> None:
    assert sign_note(PETER_TEXT, peter()) == PETER_NOTE


def test_the_go_example_note_opens_with_its_verifier_key() -> None:
    assert open_note(PETER_NOTE, VerifierKey.from_text(PETER_VERIFIER)) == PETER_TEXT


def test_an_altered_note_is_rejected() -> None:
    key = VerifierKey.from_text(PETER_VERIFIER)
    with pytest.raises(SignatureError):
        open_note(PETER_NOTE.replace("cryptography", "cryptographY"), key)


def test_a_note_from_another_key_is_rejected() -> None:
    stranger = SigningKey.generate("PeterNeumann")
    with pytest.raises(SignatureError, match="no signature"):
        open_note(PETER_NOTE, stranger.verifier)


def test_unknown_signatures_are_ignored_when_a_known_one_verifies() -> None:
    other = SigningKey.generate("witness.example")
    extra = sign_note(PETER_TEXT, other).split("\n\n")[1]
    assert open_note(PETER_NOTE + extra, VerifierKey.from_text(PETER_VERIFIER)) == PETER_TEXT


def test_checkpoint_body_format() -> None:
    root = bytes(range(32))
    checkpoint = Checkpoint(ORIGIN, 20852163, root)
    encoded = base64.b64encode(root).decode()
    assert checkpoint.body() == f"{ORIGIN}\n20852163\n{encoded}\n"
    assert Checkpoint.from_body(checkpoint.body()) == checkpoint


def test_the_c2sp_example_checkpoint_body_parses() -> None:
    # The example of c2sp.org/tlog-checkpoint.
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = Checkpoint.from_body(body)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.body() == body


@given(st.integers(0, 2**63), st.binary(min_size=32, max_size=32))
def test_signed_checkpoint_round_trip(size: int, root: bytes) -> None:
    key = SigningKey("steward.example/audit", peter().private_key)
    note = sign_checkpoint(Checkpoint(ORIGIN, size, root), key)
    lines = note.split("\n")
    assert lines[:3] == [ORIGIN, str(size), base64.b64encode(root).decode()]
    assert lines[3] == ""
    assert lines[4].startswith(f"\u2014 {ORIGIN} ")
    signature = base64.b64decode(lines[4].split(" ")[2])
    assert signature[:4] == key.key_id
    assert len(signature) == 68
    assert open_checkpoint(note, key.verifier) == Checkpoint(ORIGIN, size, root)
    assert parse_checkpoint(note) == Checkpoint(ORIGIN, size, root)


def test_a_checkpoint_with_a_changed_size_or_root_is_rejected() -> None:
    key = SigningKey.generate(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 10, bytes(32)), key)
    with pytest.raises(SignatureError):
        open_checkpoint(note.replace("\n10\n", "\n11\n"), key.verifier)
    other_root = base64.b64encode(b"\x01" * 32).decode()
    with pytest.raises(SignatureError):
        open_checkpoint(
            note.replace(base64.b64encode(bytes(32)).decode(), other_root), key.verifier
        )


def test_a_checkpoint_checked_with_the_wrong_key_is_rejected() -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 3, bytes(32)), SigningKey.generate(ORIGIN))
    with pytest.raises(SignatureError):
        open_checkpoint(note, SigningKey.generate(ORIGIN).verifier)


def test_a_changed_signature_is_rejected() -> None:
    key = SigningKey.generate(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 3, bytes(32)), key)
    body, signature_line = note.split("\n\n")
    blob = bytearray(base64.b64decode(signature_line.split(" ")[2]))
    blob[10] ^= 1
    forged = f"{body}\n\n\u2014 {ORIGIN} {base64.b64encode(bytes(blob)).decode()}\n"
    with pytest.raises(SignatureError):
        open_checkpoint(forged, key.verifier)


def test_the_signing_key_must_be_named_after_the_origin() -> None:
    with pytest.raises(NoteFormatError):
        sign_checkpoint(Checkpoint(ORIGIN, 1, bytes(32)), SigningKey.generate("other.example/log"))


@pytest.mark.parametrize(
    "body",
    [
        "origin\n10\n",
        "origin\n010\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n-1\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n10\n" + base64.b64encode(bytes(31)).decode() + "\n",
        "origin\n10\nnot base64!\n",
        "\n10\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n10\n" + base64.b64encode(bytes(32)).decode(),
    ],
)
def test_malformed_checkpoint_bodies_are_refused(body: str) -> None:
    with pytest.raises(NoteFormatError):
        Checkpoint.from_body(body)


@pytest.mark.parametrize(
    "note",
    [
        "",
        "text\n",
        "text\n\n",
        "text\n\n- name AAAAAAA=\n",
        "text\n\n\u2014 name not-base64\n",
        "text\n\n\u2014 name AAAA\n",
        "te\x00xt\n\n\u2014 name AAAAAAAAAAAAAAAA\n",
        "text\n\n\u2014 name AAAAAAAAAAAAAAAA",
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteFormatError):
        split_note(note)


def test_the_extension_lines_of_a_checkpoint_are_kept() -> None:
    body = f"{ORIGIN}\n5\n{base64.b64encode(bytes(32)).decode()}\nextension\n"
    assert Checkpoint.from_body(body).extensions == ("extension",)
