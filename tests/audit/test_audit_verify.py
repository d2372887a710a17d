"""The verifier finds each kind of damage and names the first bad position."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.audit import (
    AuditLog,
    Checkpoint,
    FileAuditStore,
    MemoryAuditStore,
    Problem,
    ReferenceHasher,
    SigningKey,
    parse_checkpoint,
    verify_log,
)
from steward.audit.canonical import canonical_json
from steward.audit.merkle import leaf_hash
from tests.audit.audit_helpers import ORIGIN, make_event


def _lines(log: AuditLog) -> list[bytes]:
    assert isinstance(log.store, FileAuditStore)
    return log.store.entries_path.read_bytes().splitlines()


def _rewrite(log: AuditLog, lines: list[bytes]) -> None:
    assert isinstance(log.store, FileAuditStore)
    log.store.entries_path.write_bytes(b"".join(line + b"\n" for line in lines))


def _edit(record: bytes, **changes: object) -> bytes:
    value = json.loads(record)
    value.update(changes)
    return canonical_json(value)


def test_an_intact_log_verifies(file_log: AuditLog, signing_key: SigningKey) -> None:
    note = file_log.checkpoint(signing_key)
    report = verify_log(file_log.store, note, signing_key.verifier)
    assert report.ok
    assert bool(report)
    assert (report.size, report.root_hash) == (10, file_log.root())
    assert report.first_bad_index is None
    assert report.problem is None
    assert report.checkpoints_checked == 2


def test_an_empty_log_verifies() -> None:
    report = verify_log(MemoryAuditStore())
    assert report.ok
    assert report.size == 0


def test_a_changed_entry_is_found_at_its_position(file_log: AuditLog) -> None:
    lines = _lines(file_log)
    lines[3] = _edit(lines[3], purpose="nothing to see here")
    _rewrite(file_log, lines)
    report = verify_log(file_log.store)
    assert not report.ok
    assert (report.first_bad_index, report.problem) == (3, Problem.BROKEN_CHAIN)
    assert "entry 3" in report.reason
    assert "nothing to see" not in report.reason


def test_a_changed_first_entry_is_found(file_log: AuditLog) -> None:
    lines = _lines(file_log)
    lines[0] = _edit(lines[0], outcome="allowed" if b"denied" in lines[0] else "denied")
    _rewrite(file_log, lines)
    report = verify_log(file_log.store)
    assert (report.first_bad_index, report.problem) == (0, Problem.BROKEN_CHAIN)


def test_a_deleted_entry_is_found(file_log: AuditLog) -> None:
    lines = _lines(file_log)
    del lines[4]
    _rewrite(file_log, lines)
    report = verify_log(file_log.store)
    assert (report.first_bad_index, report.problem) == (4, Problem.OUT_OF_ORDER)
    assert "missing" in report.reason


def test_an_inserted_copy_is_found(file_log: AuditLog) -> None:
    lines = _lines(file_log)
    lines.insert(5, lines[2])
    _rewrite(file_log, lines)
    report = verify_log(file_log.store)
    assert (report.first_bad_index, report.problem) == (5, Problem.OUT_OF_ORDER)
    assert "inserted" in report.reason


def test_an_inserted_forgery_with_the_right_number_and_link_is_found(file_log: AuditLog) -> None:
    lines = _lines(file_log)
    forged = _edit(lines[5], purpose="forged", seq=5, prev=leaf_hash(lines[4]).hex())
    lines.insert(5, forged)
    _rewrite(file_log, lines)
    report = verify_log(file_log.store)
    assert not report.ok
    assert report.first_bad_index == 6
    assert report.problem is Problem.OUT_OF_ORDER


def test_reordered_entries_are_found(file_log: AuditLog) -> None:
    lines = _lines(file_log)
    lines[6], lines[7] = lines[7], lines[6]
    _rewrite(file_log, lines)
    report = verify_log(file_log.store)
    assert (report.first_bad_index, report.problem) == (6, Problem.OUT_OF_ORDER)


def test_a_garbled_record_is_found(file_log: AuditLog) -> None:
    lines = _lines(file_log)
    lines[2] = lines[2][:-5]
    _rewrite(file_log, lines)
    report = verify_log(file_log.store)
    assert (report.first_bad_index, report.problem) == (2, Problem.MALFORMED)


def test_a_truncated_tail_is_found_with_a_retained_checkpoint(
    file_log: AuditLog, signing_key: SigningKey
) -> None:
    retained = file_log.checkpoint(signing_key)
    _rewrite(file_log, _lines(file_log)[:7])
    assert isinstance(file_log.store, FileAuditStore)
    file_log.store.checkpoints_path.unlink()  # the attacker also removes the server's copy
    assert verify_log(file_log.store).ok  # without a checkpoint, a cut tail is invisible
    report = verify_log(file_log.store, retained, signing_key.verifier)
    assert not report.ok
    assert (report.first_bad_index, report.problem) == (7, Problem.TRUNCATED)
    assert "10" in report.reason
    assert "7" in report.reason


def test_a_truncated_tail_is_found_with_the_stored_checkpoint(
    file_log: AuditLog, signing_key: SigningKey
) -> None:
    file_log.checkpoint(signing_key)
    _rewrite(file_log, _lines(file_log)[:9])
    report = verify_log(file_log.store, public_key=signing_key.verifier)
    assert (report.first_bad_index, report.problem) == (9, Problem.TRUNCATED)


def test_a_changed_last_entry_is_found_with_a_checkpoint(
    file_log: AuditLog, signing_key: SigningKey
) -> None:
    retained = file_log.checkpoint(signing_key)
    lines = _lines(file_log)
    lines[-1] = _edit(lines[-1], purpose="rewritten")
    _rewrite(file_log, lines)
    assert isinstance(file_log.store, FileAuditStore)
    file_log.store.checkpoints_path.unlink()
    assert verify_log(file_log.store).ok  # the chain alone cannot see a changed last entry
    report = verify_log(file_log.store, retained, signing_key.verifier)
    assert report.problem is Problem.ROOT_MISMATCH
    assert report.suspect_range == (0, 10)


def test_rewritten_history_is_found_and_narrowed_by_older_checkpoints(
    file_log: AuditLog, signing_key: SigningKey
) -> None:
    file_log.checkpoint(signing_key)
    for number in range(10, 20):
        file_log.append(make_event(number))
    retained = file_log.checkpoint(signing_key)
    lines = _lines(file_log)
    lines[14] = _edit(lines[14], purpose="rewritten")
    for position in range(15, 20):  # re-chain everything after the change
        lines[position] = _edit(lines[position], prev=leaf_hash(lines[position - 1]).hex())
    _rewrite(file_log, lines)
    report = verify_log(file_log.store, retained, signing_key.verifier)
    assert report.problem is Problem.ROOT_MISMATCH
    assert report.first_bad_index is None
    assert report.suspect_range == (10, 20)
    assert "between 10 and 19" in report.reason


def test_a_changed_checkpoint_signature_is_rejected(
    file_log: AuditLog, signing_key: SigningKey
) -> None:
    retained = file_log.checkpoint(signing_key)
    body, signature_line = retained.split("\n\n")
    blob = bytearray(base64.b64decode(signature_line.split(" ")[2]))
    blob[-1] ^= 0x40
    forged = f"{body}\n\n\u2014 {ORIGIN} {base64.b64encode(bytes(blob)).decode()}\n"
    report = verify_log(file_log.store, forged, signing_key.verifier)
    assert report.problem is Problem.BAD_CHECKPOINT
    assert "retained checkpoint" in report.reason


def test_a_checkpoint_from_another_key_is_rejected(
    file_log: AuditLog, signing_key: SigningKey
) -> None:
    impostor = SigningKey.generate(ORIGIN)
    note = file_log.checkpoint(impostor)
    report = verify_log(file_log.store, note, signing_key.verifier)
    assert report.problem is Problem.BAD_CHECKPOINT


def test_a_forged_stored_checkpoint_is_rejected_when_a_key_is_given(
    file_log: AuditLog, signing_key: SigningKey
) -> None:
    file_log.checkpoint(SigningKey.generate(ORIGIN))
    report = verify_log(file_log.store, public_key=signing_key.verifier)
    assert report.problem is Problem.BAD_CHECKPOINT
    assert "stored checkpoint 1" in report.reason


def test_a_verified_checkpoint_object_can_be_passed(
    file_log: AuditLog, signing_key: SigningKey
) -> None:
    checkpoint = parse_checkpoint(file_log.checkpoint(signing_key))
    assert verify_log(file_log.store, checkpoint).ok
    bigger = Checkpoint(checkpoint.origin, 11, checkpoint.root_hash)
    assert verify_log(MemoryAuditStore(), bigger).problem is Problem.TRUNCATED


def test_entry_damage_before_a_checkpoint_is_reported_by_position(
    file_log: AuditLog, signing_key: SigningKey
) -> None:
    retained = file_log.checkpoint(signing_key)
    lines = _lines(file_log)
    lines[2] = _edit(lines[2], purpose="changed")
    _rewrite(file_log, lines)
    report = verify_log(file_log.store, retained, signing_key.verifier)
    assert (report.first_bad_index, report.problem) == (2, Problem.BROKEN_CHAIN)


def test_an_unreadable_store_is_reported(tmp_path: Path) -> None:
    store = FileAuditStore(tmp_path)
    store.entries_path.mkdir()
    report = verify_log(store)
    assert report.problem is Problem.UNREADABLE


def test_a_large_log_verifies_and_finds_late_damage(signing_key: SigningKey) -> None:
    from steward.audit import ReferenceHasher

    log = AuditLog(MemoryAuditStore(), ReferenceHasher(bytes(32)))
    for number in range(5000):
        log.append(make_event(number))
    note = log.checkpoint(signing_key)
    assert verify_log(log.store, note, signing_key.verifier).ok
    assert isinstance(log.store, MemoryAuditStore)
    log.store.records[4321] = _edit(log.store.records[4321], purpose="late change")
    report = verify_log(log.store, note, signing_key.verifier)
    assert (report.first_bad_index, report.problem) == (4321, Problem.BROKEN_CHAIN)


# Fast (default) and strict verification
# --------------------------------------


def _memory_log(count: int = 10) -> AuditLog:
    log = AuditLog(MemoryAuditStore(), ReferenceHasher(bytes(32)))
    for number in range(count):
        log.append(make_event(number))
    return log


def _records(log: AuditLog) -> list[bytes]:
    assert isinstance(log.store, MemoryAuditStore)
    return log.store.records


def _rechain(records: list[bytes], start: int) -> None:
    """Recompute every link from ``start`` on, as an attacker (or a faulty writer) would."""
    for position in range(start, len(records)):
        if records[position].endswith(b"}"):  # skip records garbled earlier
            records[position] = _edit(
                records[position], prev=leaf_hash(records[position - 1]).hex()
            )


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("position", [0, 4, 9])
def test_every_changed_byte_is_found_in_every_mode(
    signing_key: SigningKey, position: int, strict: bool
) -> None:
    log = _memory_log()
    note = log.checkpoint(signing_key)
    records = _records(log)
    original = records[position]
    for offset in range(len(original)):
        for replacement in {original[offset] ^ 0x01, ord("0"), ord(" ")} - {original[offset]}:
            changed = bytearray(original)
            changed[offset] = replacement
            records[position] = bytes(changed)
            report = verify_log(log.store, note, signing_key.verifier, strict=strict)
            assert not report.ok, (offset, replacement)
    records[position] = original
    assert verify_log(log.store, note, signing_key.verifier, strict=strict).ok


def test_an_entry_written_malformed_is_found_in_strict_mode() -> None:
    log = _memory_log()
    records = _records(log)
    records[4] = _edit(records[4], action="Not A Token")
    _rechain(records, 5)
    # Its bytes are what was written and every link holds: nothing was *changed*,
    # so only a full parse of entry 4 shows it was never a well-formed entry.
    assert verify_log(log.store).ok
    report = verify_log(log.store, strict=True)
    assert (report.first_bad_index, report.problem) == (4, Problem.MALFORMED)
    assert "'action'" in report.reason


@pytest.mark.parametrize("position", [0, 9])
def test_a_malformed_first_or_last_entry_is_found_in_every_mode(position: int) -> None:
    log = _memory_log()
    records = _records(log)
    records[position] = _edit(records[position], time="yesterday")
    if position + 1 < len(records):
        _rechain(records, position + 1)
    for strict in (False, True):
        report = verify_log(log.store, strict=strict)
        assert (report.first_bad_index, report.problem) == (position, Problem.MALFORMED)


def test_an_empty_first_record_is_malformed() -> None:
    store = MemoryAuditStore()
    store.records.append(b"")
    report = verify_log(store)
    assert (report.first_bad_index, report.problem) == (0, Problem.MALFORMED)


class _ChangingStore(MemoryAuditStore):
    """Serves a damaged copy on the first read and the intact log afterwards."""

    def __init__(self, intact: list[bytes], damaged: list[bytes]) -> None:
        super().__init__()
        self.records = intact
        self._first: list[bytes] | None = damaged

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        if self._first is not None:
            first, self._first = self._first, None
            return iter(first[start:stop])
        return super().read(start, stop)


def test_a_log_that_changes_between_the_two_passes_is_not_reported_intact() -> None:
    intact = list(_records(_memory_log()))
    damaged = list(intact)
    damaged[3] = _edit(damaged[3], purpose="changed")
    report = verify_log(_ChangingStore(intact, damaged))
    assert not report.ok
    assert report.problem is Problem.UNREADABLE
    assert "changed while it was being verified" in report.reason


_DAMAGE = st.sampled_from(["delete", "insert-copy", "swap", "edit", "edit-rechain", "garble"])


@settings(max_examples=60)
@given(damage=st.lists(st.tuples(_DAMAGE, st.integers(0, 11)), max_size=3))
def test_fast_and_strict_verification_give_the_same_report_on_damage(
    signing_key: SigningKey, damage: list[tuple[str, int]]
) -> None:
    log = _memory_log(12)
    note = log.checkpoint(signing_key)
    records = _records(log)
    original = list(records)
    for kind, where in damage:
        if not records:
            break
        at = where % len(records)
        if kind == "delete":
            del records[at]
        elif kind == "insert-copy":
            records.insert(at, records[(at + 3) % len(records)])
        elif kind == "swap":
            other = (at + 1) % len(records)
            records[at], records[other] = records[other], records[at]
        elif kind == "garble":
            records[at] = records[at][: len(records[at]) // 2]
        elif records[at].endswith(b"}"):  # not a record garbled earlier
            records[at] = _edit(records[at], purpose=f"edited at {at}")
            if kind == "edit-rechain" and at + 1 < len(records):
                _rechain(records, at + 1)
    for checkpoint in (None, note):
        fast = verify_log(log.store, checkpoint, signing_key.verifier)
        strict = verify_log(log.store, checkpoint, signing_key.verifier, strict=True)
        assert fast == strict
        if checkpoint is not None:
            assert fast.ok == (records == original)


# Which entry a broken link names
# -------------------------------


def _other_link(record: bytes, data: st.DataObject) -> str:
    current = json.loads(record)["prev"]
    link = data.draw(st.binary(min_size=32, max_size=32).map(bytes.hex), label="link")
    return link if link != current else "f" * 64 if current != "f" * 64 else "e" * 64


@settings(max_examples=80)
@given(size=st.integers(2, 24), data=st.data())
def test_an_edited_link_is_reported_at_its_own_entry(
    signing_key: SigningKey, size: int, data: st.DataObject
) -> None:
    log = _memory_log(size - 1)
    log.checkpoint(signing_key)  # the vault signs checkpoints on its own
    log.append(make_event(size))
    records = _records(log)
    position = data.draw(st.integers(0, size - 1), label="position")
    records[position] = _edit(records[position], prev=_other_link(records[position], data))
    for strict in (False, True):
        report = verify_log(log.store, public_key=signing_key.verifier, strict=strict)
        assert (report.problem, report.first_bad_index) == (Problem.BROKEN_CHAIN, position)
        assert f"entry {position}" in report.reason or f"entry, {position}" in report.reason
        assert report.suspect_range is None


@settings(max_examples=60)
@given(size=st.integers(2, 24), data=st.data())
def test_without_a_checkpoint_only_the_last_link_is_ambiguous(
    size: int, data: st.DataObject
) -> None:
    log = _memory_log(size)
    records = _records(log)
    position = data.draw(st.integers(0, size - 1), label="position")
    records[position] = _edit(records[position], prev=_other_link(records[position], data))
    report = verify_log(log.store)
    assert report.problem is Problem.BROKEN_CHAIN
    if position < size - 1:
        assert (report.first_bad_index, report.suspect_range) == (position, None)
    else:
        # A changed last link looks exactly like a changed entry before it.
        assert report.first_bad_index == position - 1
        assert report.suspect_range == (position - 1, position + 1)
        assert f"the link in entry {position}" in report.reason


@settings(max_examples=60)
@given(size=st.integers(3, 24), data=st.data())
def test_an_edited_entry_is_still_reported_at_its_own_position(
    size: int, data: st.DataObject
) -> None:
    log = _memory_log(size)
    records = _records(log)
    position = data.draw(st.integers(0, size - 2), label="position")
    records[position] = _edit(records[position], purpose="edited afterwards")
    report = verify_log(log.store)
    assert (report.problem, report.first_bad_index) == (Problem.BROKEN_CHAIN, position)
    assert "edited afterwards" not in report.reason
