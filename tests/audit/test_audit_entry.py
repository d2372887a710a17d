"""Entries: keyed references, canonical records, and refusal of malformed events."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from steward.audit.canonical import canonical_json
from steward.audit.entry import (
    GENESIS_HASH,
    PREV_MARKER,
    PREV_MIN_OFFSET,
    SEQ_MARKER,
    AuditEntry,
    AuditEvent,
    Outcome,
    ReferenceHasher,
    check_record,
    quick_match,
)
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


# The verifier reads each record's number and link by byte search
# (``quick_match``); entry.py argues this is exact for every canonical record.
# Purposes and field names are the members a caller controls, so they get the
# most hostile text we can think of: the markers themselves, quotes, backslashes,
# control characters (escaped in JSON) and non-ASCII text.

_MARKER_TEXT = st.sampled_from(
    [
        ',"prev":"',
        ',"seq":',
        ',"seq":7,"',
        '"prev"',
        '\\",\\"prev\\":\\"',
        ',"v":1}',
        "\\",
        '"',
        ",",
        ":",
        "0" * 64,
        "f" * 64,
        "\n",
        "\x00",
        "\u2028",
        "\U0001f600",
    ]
)
_PURPOSES = st.lists(
    st.one_of(_MARKER_TEXT, st.text(st.characters(exclude_categories=["Cs"]), max_size=12)),
    max_size=8,
).map("".join)
_FIELD_NAMES = st.lists(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_.:/-]{0,20}", fullmatch=True), max_size=4
)
_HASHES = st.binary(min_size=32, max_size=32)
_SEQS = st.integers(min_value=0, max_value=2**53 - 1)


def _hostile_record(purpose: str, names: list[str], seq: int, prev: bytes, action: str) -> bytes:
    """A record as the writer encodes it; built directly, so that the purpose may also
    hold control characters (refused for new events, but a valid record member)."""
    hasher = ReferenceHasher(KEY)
    return AuditEntry(
        seq=seq,
        time="2025-03-01T09:30:00.000000Z",
        actor_ref=hasher.actor("staff/7"),
        action=action,
        object_ref=hasher.object("client/1"),
        fields=tuple(sorted(set(names))),
        purpose=purpose[:1000],
        outcome=Outcome.FAILED,
        ref_key_id=hasher.key_id,
        prev_hash=prev,
    ).to_record()


@settings(max_examples=300)
@given(
    purpose=_PURPOSES,
    names=_FIELD_NAMES,
    seq=_SEQS,
    prev=_HASHES,
    other_seq=_SEQS,
    other_prev=_HASHES,
    action=st.sampled_from(["a", "field.reveal", "x:prev", "seq"]),
)
def test_quick_match_reads_exactly_the_number_and_link_of_canonical_records(
    purpose: str,
    names: list[str],
    seq: int,
    prev: bytes,
    other_seq: int,
    other_prev: bytes,
    action: str,
) -> None:
    record = _hostile_record(purpose, names, seq, prev, action)
    check_record(record)  # canonical: the premise of the argument
    assert record.count(PREV_MARKER) == 1
    assert record.count(SEQ_MARKER) == 1
    assert record.index(PREV_MARKER) >= PREV_MIN_OFFSET
    assert quick_match(record, seq, prev)
    assert quick_match(record, other_seq, other_prev) == (other_seq == seq and other_prev == prev)
    assert quick_match(record, other_seq, prev) == (other_seq == seq)
    assert quick_match(record, seq, other_prev) == (other_prev == prev)


@given(seq=_SEQS, other_seq=_SEQS, prev=_HASHES)
def test_a_purpose_holding_forged_markers_does_not_fool_quick_match(
    seq: int, other_seq: int, prev: bytes
) -> None:
    assume(seq != other_seq)
    forged_prev = bytes(32)
    purpose = f',"prev":"{forged_prev.hex()}","seq":{other_seq},"time":"x","v":1}}'
    record = _hostile_record(purpose, [], seq, prev, "a")
    assert quick_match(record, seq, prev)
    assert not quick_match(record, other_seq, prev)
    assert quick_match(record, seq, forged_prev) == (prev == forged_prev)


def test_the_shortest_record_puts_prev_at_the_minimum_offset() -> None:
    record = _hostile_record("", [], 0, GENESIS_HASH, "a")
    assert record.index(PREV_MARKER) == PREV_MIN_OFFSET
