"""A verified prefix, extended as the log grows, agrees with verifying the whole log and
catches a log cut short or changed below it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.audit import (
    AuditLog,
    Checkpoint,
    LogIntegrityError,
    MemoryAuditStore,
    ReferenceHasher,
    verify_log,
)
from steward.audit.canonical import canonical_json
from steward.audit.merkle import leaf_hash
from steward.audit.prefix import VerifiedPrefix, extend_prefix, hash_prefix
from tests.audit.audit_helpers import make_event


def _log(size: int) -> AuditLog:
    log = AuditLog(MemoryAuditStore(), ReferenceHasher(bytes(32)))
    for number in range(size):
        log.append(make_event(number))
    return log


def _records(log: AuditLog) -> list[bytes]:
    assert isinstance(log.store, MemoryAuditStore)
    return log.store.records


@settings(max_examples=50)
@given(steps=st.lists(st.integers(0, 9), min_size=1, max_size=6))
def test_extending_step_by_step_gives_the_whole_log_s_root(steps: list[int]) -> None:
    log = _log(0)
    prefix = VerifiedPrefix()
    for count in steps:
        for number in range(count):
            log.append(make_event(log.size() + number))
        prefix = extend_prefix(log.store, prefix)
        report = verify_log(log.store)
        assert (prefix.size, prefix.root) == (report.size, report.root_hash)
    assert prefix == hash_prefix(log.store, log.size())


def test_checkpoints_in_the_new_range_must_match() -> None:
    log = _log(4)
    prefix = extend_prefix(log.store, VerifiedPrefix())
    for number in range(4, 9):
        log.append(make_event(number))
    good = Checkpoint("o", 6, log.root(6))
    assert extend_prefix(log.store, prefix, [("mine", good)]).size == 9
    bad = Checkpoint("o", 7, log.root(6))
    with pytest.raises(LogIntegrityError, match="the first 7 entries do not match mine"):
        extend_prefix(log.store, prefix, [("mine", bad)])
    beyond = Checkpoint("o", 12, log.root(6))
    with pytest.raises(LogIntegrityError, match="mine covers 12 entries but the log holds 9"):
        extend_prefix(log.store, prefix, [("mine", beyond)])


def _edit(record: bytes, **changes: object) -> bytes:
    value = json.loads(record)
    value.update(changes)
    return canonical_json(value)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("cut", "the log holds 4 entries but 6 were verified before"),
        ("change-last-verified", "entry 5 is not the entry verified before"),
        ("change-new", "entry 7 does not follow entry 6"),
        ("garble-new", "entry 7 is malformed"),
        ("renumber-new", "entry 8 does not follow entry 7"),
    ],
)
def test_damage_at_or_after_the_prefix_is_caught(damage: str, message: str) -> None:
    log = _log(6)
    prefix = extend_prefix(log.store, VerifiedPrefix())
    for number in range(6, 10):
        log.append(make_event(number))
    records = _records(log)
    if damage == "cut":
        del records[4:]
    elif damage == "change-last-verified":
        records[5] = _edit(records[5], purpose="changed")
    elif damage == "change-new":
        records[6] = _edit(records[6], purpose="changed")
    elif damage == "garble-new":
        records[7] = records[7][:-3]
    else:
        records[8] = _edit(records[8], seq=9, prev=leaf_hash(records[7]).hex())
    with pytest.raises(LogIntegrityError, match=message):
        extend_prefix(log.store, prefix)
