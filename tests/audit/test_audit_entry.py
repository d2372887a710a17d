"""Entries: keyed references, canonical records, and refusal of malformed events."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from steward.audit.canonical import canonical_json
from steward.audit.entry import GENESIS_HASH, AuditEntry, AuditEvent, Outcome, ReferenceHasher
from steward.audit.errors import AuditEventError, EntryFormatError

KEY = bytes(range(32))


def entry(**changes: object) -> AuditEntry:
    fields: dict[str, object] = {
        "actor": "staff/7",
        "action": "field.reveal",
        "object": "client/1234",
        "fields": ["phone", "email", "phone"],
        "purpose": "returning the client's call",
        "outcome": Outcome.ALLOWED,
        "time": datetime(2025, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=1))),
    }
    fields.update(changes)
    return AuditEntry.from_event(AuditEvent(**fields), 0, GENESIS_HASH, ReferenceHasher(KEY))  # type: ignore[arg-type]


def test_record_holds_references_not_identifiers() -> None:
    record = entry().to_record()
    assert b"staff/7" not in record
    assert b"client/1234" not in record
    value = json.loads(record)
    hasher = ReferenceHasher(KEY)
    assert value["actor"] == hasher.actor("staff/7")
    assert value["object"] == hasher.object("client/1234")
    assert value["fields"] == ["email", "phone"]
    assert value["time"] == "2025-03-01T09:30:00.000000Z"
    assert value["prev"] == "00" * 32
    assert value["outcome"] == "allowed"


def test_references_need_the_key_and_are_domain_separated() -> None:
    one, other = ReferenceHasher(KEY), ReferenceHasher(bytes(32))
    assert one.actor("staff/7") == one.actor("staff/7")
    assert one.actor("staff/7") != other.actor("staff/7")
    assert one.actor("x") != one.object("x")
    assert one.key_id != other.key_id
    assert KEY.hex() not in repr(one)


def test_a_short_reference_key_is_refused() -> None:
    with pytest.raises(AuditEventError):
        ReferenceHasher(b"too short")


def test_record_round_trips_and_hashes_stably() -> None:
    original = entry()
    record = original.to_record()
    assert AuditEntry.from_record(record) == original
    assert record == canonical_json(json.loads(record))
    assert original.entry_hash == AuditEntry.from_record(record).entry_hash


@pytest.mark.parametrize(
    "changes",
    [
        {"action": ""},
        {"action": "Reveal Field"},
        {"actor": ""},
        {"object": ""},
        {"fields": ["555-0100 phone"]},
        {"purpose": "two\nlines"},
        {"purpose": "x" * 1001},
        {"outcome": "maybe"},
        {"time": datetime(2025, 3, 1, 10, 30)},
    ],
)
def test_malformed_events_are_refused_without_echoing_them(changes: dict[str, object]) -> None:
    with pytest.raises(AuditEventError) as caught:
        entry(**changes)
    assert "555-0100" not in str(caught.value)
    assert "two\nlines" not in str(caught.value)


def test_event_repr_hides_actor_and_object() -> None:
    event = AuditEvent(actor="jane.doe@example.org", action="record.read", object="client/99")
    assert "jane.doe" not in repr(event)
    assert "client/99" not in repr(event)


def _mutated(**changes: object) -> bytes:
    value = json.loads(entry().to_record())
    value.update(changes)
    return canonical_json(value)


@pytest.mark.parametrize(
    "record",
    [
        b"not json",
        b'{"v":1}',
        _mutated(v=2),
        _mutated(seq=-1),
        _mutated(seq="0"),
        _mutated(actor="staff/7"),
        _mutated(time="2025-03-01 09:30"),
        _mutated(outcome="maybe"),
        _mutated(fields=["phone", "email"]),
        _mutated(prev="00"),
        _mutated(extra=1),
        entry().to_record().replace(b",", b", ", 1),
    ],
)
def test_malformed_records_are_refused(record: bytes) -> None:
    with pytest.raises(EntryFormatError):
        AuditEntry.from_record(record)


@pytest.mark.parametrize(
    "record",
    [
        _mutated(v=True),
        entry().to_record().replace(b"returning", b"\\ud800returning"),
        entry().to_record().replace(b"returning", b"\\u0072eturning"),
    ],
)
def test_records_that_only_look_canonical_are_refused(record: bytes) -> None:
    with pytest.raises(EntryFormatError):
        AuditEntry.from_record(record)


def test_a_lone_surrogate_in_an_event_is_refused() -> None:
    with pytest.raises(AuditEventError):
        entry(purpose="bad \ud800 text")
