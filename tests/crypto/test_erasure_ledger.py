"""The erasure ledger file: append-only JSON lines, ids only, torn tails tolerated."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.crypto import (
    ErasureLedger,
    FileErasureLedger,
    KeyStoreError,
    LedgerEntry,
    MemoryErasureLedger,
)

Kind = Literal["record", "fields", "anonymized", "subject"]
AT = datetime(2027, 1, 1, tzinfo=UTC)
ENTRIES = [
    LedgerEntry(kind="subject", at=AT, subject="s-1"),
    LedgerEntry(kind="record", at=AT, record="r-1", subject="s-2", counted=True),
    LedgerEntry(kind="fields", at=AT, record="r-2", fields=("email", "phone")),
    LedgerEntry(kind="anonymized", at=AT, record="r-3"),
]


@pytest.mark.parametrize(
    "make", [lambda p: FileErasureLedger(p / "l.jsonl"), lambda p: MemoryErasureLedger()]
)
def test_entries_come_back_in_order(tmp_path: Path, make: Callable[[Path], ErasureLedger]) -> None:
    ledger = make(tmp_path)
    assert isinstance(ledger, ErasureLedger)
    ledger.append(ENTRIES[:2])
    ledger.append(ENTRIES[2:])
    ledger.append([])
    assert list(ledger.entries()) == ENTRIES


def test_the_file_is_owner_only_and_appended(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    FileErasureLedger(path).append(ENTRIES[:1])
    FileErasureLedger(path).append(ENTRIES[1:2])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text().splitlines()) == 2
    assert list(FileErasureLedger(tmp_path / "none.jsonl").entries()) == []


def test_a_torn_last_line_is_skipped_but_a_damaged_middle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    ledger = FileErasureLedger(path)
    ledger.append(ENTRIES)
    with path.open("a") as file:
        file.write('{"kind": "subj')
    assert list(ledger.entries()) == ENTRIES
    path.write_text("garbage\n" + path.read_text())
    with pytest.raises(KeyStoreError, match="damaged at line 1"):
        list(ledger.entries())


def test_an_unwritable_ledger_is_a_key_store_error(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="cannot write the erasure ledger"):
        FileErasureLedger(tmp_path / "missing" / "l.jsonl").append(ENTRIES)


@given(
    st.sampled_from(list(get_args(Kind))),
    st.text(alphabet="0123456789abcdef-", max_size=36),
    st.lists(st.from_regex(r"[a-z_]{1,20}", fullmatch=True), max_size=4),
    st.booleans(),
)
def test_an_entry_round_trips_through_its_line(
    kind: Kind, ident: str, fields: list[str], counted: bool
) -> None:
    entry = LedgerEntry(
        kind=kind, at=AT, record=ident, subject=ident, fields=tuple(fields), counted=counted
    )
    assert LedgerEntry.from_json(entry.to_json()) == entry
