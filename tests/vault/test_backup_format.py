"""The backup payload: a manifest line, then the database, however the bytes arrive."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.vault.services.backups_format import (
    AuditSummary,
    BackupError,
    KeyVersions,
    Manifest,
    PayloadWriter,
    payload_header,
)

MANIFEST = Manifest(
    name="steward-20260901T020000Z-abcdef",
    created="2026-09-01T02:00:00+00:00",
    engine="postgresql",
    plan_version="2026.2",
    plan_digest="ab" * 32,
    tables={"vault_record": 3, "vault_auditentryrow": 7},
    audit=AuditSummary(7, "cd" * 32),
    keys=KeyVersions(2, {"1": 1, "2": 2}),
)


@given(st.binary(max_size=3000), st.lists(st.integers(min_value=1, max_value=400), max_size=30))
def test_the_manifest_comes_off_the_front_however_the_chunks_fall(
    database: bytes, cuts: list[int]
) -> None:
    payload = payload_header(MANIFEST) + database
    out = io.BytesIO()
    writer = PayloadWriter(out)
    position = 0
    for size in [*cuts, len(payload)]:
        writer.write(payload[position : position + size])
        position += size
    assert writer.finished() == MANIFEST
    assert out.getvalue() == database


def test_a_backup_of_another_engine_is_refused_as_soon_as_its_manifest_is_read() -> None:
    writer = PayloadWriter(io.BytesIO(), "sqlite")
    with pytest.raises(BackupError, match="postgresql backup"):
        writer.write(payload_header(MANIFEST) + b"x" * 10)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"SQLite format 3\x00", "not a Steward database backup"),
        (b"steward-backup/1\n{not json}\n", "damaged"),
        (b'steward-backup/1\n{"format": "steward-backup/9"}\n', "not a steward-backup/1"),
    ],
)
def test_payloads_that_are_not_backups(payload: bytes, message: str) -> None:
    with pytest.raises(BackupError, match=message):
        PayloadWriter(io.BytesIO()).write(payload)


def test_a_payload_that_ends_inside_its_manifest() -> None:
    writer = PayloadWriter(io.BytesIO())
    writer.write(payload_header(MANIFEST)[:20])
    with pytest.raises(BackupError, match="ends inside its manifest"):
        writer.finished()
