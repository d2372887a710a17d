"""Encrypted backups: round trip, bounded memory, and detection of every kind of damage."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.crypto import DecryptionError, FileKeyProvider, MalformedCiphertextError
from steward.crypto.backup import (
    MAGIC,
    TAG,
    TruncatedBackupError,
    decrypt_file,
    decrypt_stream,
    encrypt_file,
    encrypt_stream,
)

CHUNK = 1024


def _encrypt(data: bytes, provider: FileKeyProvider) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, provider, chunk_size=CHUNK)
    return out.getvalue()


def _decrypt(blob: bytes, provider: FileKeyProvider) -> bytes:
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(blob), out, provider)
    return out.getvalue()


def _chunks(blob: bytes) -> tuple[bytes, list[bytes]]:
    header_end = len(MAGIC) + 4 + int.from_bytes(blob[len(MAGIC) : len(MAGIC) + 4], "big")
    body = blob[header_end:]
    size = CHUNK + TAG
    return blob[:header_end], [body[i : i + size] for i in range(0, len(body), size)]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25)
@given(data=st.binary(max_size=5 * CHUNK))
def test_round_trip(provider: FileKeyProvider, data: bytes) -> None:
    assert _decrypt(_encrypt(data, provider), provider) == data


def test_exact_multiple_of_the_chunk_size(provider: FileKeyProvider) -> None:
    data = b"x" * (3 * CHUNK)
    assert _decrypt(_encrypt(data, provider), provider) == data


@pytest.fixture
def blob(provider: FileKeyProvider) -> bytes:
    return _encrypt(bytes(range(256)) * 16, provider)  # 4 chunks


def test_truncated_at_a_chunk_boundary(provider: FileKeyProvider, blob: bytes) -> None:
    header, chunks = _chunks(blob)
    with pytest.raises(TruncatedBackupError):
        _decrypt(header + b"".join(chunks[:-1]), provider)


def test_truncated_inside_a_chunk(provider: FileKeyProvider, blob: bytes) -> None:
    with pytest.raises(DecryptionError):
        _decrypt(blob[:-7], provider)


def test_reordered_chunks(provider: FileKeyProvider, blob: bytes) -> None:
    header, chunks = _chunks(blob)
    chunks[0], chunks[1] = chunks[1], chunks[0]
    with pytest.raises(DecryptionError, match="chunk 0"):
        _decrypt(header + b"".join(chunks), provider)


def test_changed_byte(provider: FileKeyProvider, blob: bytes) -> None:
    damaged = bytearray(blob)
    damaged[-CHUNK] ^= 0x40
    with pytest.raises(DecryptionError):
        _decrypt(bytes(damaged), provider)


def test_appended_chunk(provider: FileKeyProvider, blob: bytes) -> None:
    header, chunks = _chunks(blob)
    with pytest.raises(DecryptionError):
        _decrypt(header + b"".join(chunks) + chunks[1], provider)


def test_altered_header(provider: FileKeyProvider, blob: bytes) -> None:
    damaged = blob.replace(b'"chunk_size": 1024', b'"chunk_size": 1025', 1)
    with pytest.raises(DecryptionError):
        _decrypt(damaged, provider)


@pytest.mark.parametrize("bad", [b"", b"garbage", MAGIC + b"\x00\x00\x00\x02{}"])
def test_not_a_backup(provider: FileKeyProvider, bad: bytes) -> None:
    with pytest.raises(MalformedCiphertextError):
        _decrypt(bad, provider)


def test_another_key_file_cannot_read_it(tmp_path: Path, blob: bytes) -> None:
    other = FileKeyProvider.create(tmp_path / "other.json")
    with pytest.raises(DecryptionError):
        _decrypt(blob, other)


def test_files_are_all_or_nothing(provider: FileKeyProvider, tmp_path: Path) -> None:
    plain, encrypted, restored = tmp_path / "db", tmp_path / "db.enc", tmp_path / "restored"
    plain.write_bytes(b"record " * 5000)
    encrypt_file(plain, encrypted, provider)
    assert decrypt_file(encrypted, restored, provider) == plain.stat().st_size
    assert restored.read_bytes() == plain.read_bytes()
    encrypted.write_bytes(encrypted.read_bytes()[:-100])
    restored.unlink()
    with pytest.raises(DecryptionError):
        decrypt_file(encrypted, restored, provider)
    assert not restored.exists()
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.slow
def test_memory_stays_bounded_for_large_streams(provider: FileKeyProvider) -> None:
    class Zeros(io.RawIOBase):
        def __init__(self, size: int) -> None:
            self.left = size

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            n = self.left if n < 0 else min(n, self.left)
            self.left -= n
            return bytes(n)

    class Sink(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: bytes) -> int:  # type: ignore[override]
            return len(data)

    tracemalloc.start()
    encrypt_stream(Zeros(256 * 1024 * 1024), Sink(), provider, chunk_size=1024 * 1024)  # type: ignore[arg-type]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 16 * 1024 * 1024
