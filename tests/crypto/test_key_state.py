"""Key state reaches every key ring that shares the key folder, at once.

Each key ring here stands for one process: its own key file reader and its own
connection to the subject key store, as a running server and ``steward keys`` have.
Shredding, rotating, rewrapping and retiring in one of them takes effect in the
others on their next use; the race where a server read "current = 1" just before
another process rotated, rewrapped and retired cannot strand a key.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from steward.clock import ManualClock, use_clock
from steward.crypto import (
    FileKeyProvider,
    KeyRetiredError,
    KeyRing,
    KeyShreddedError,
    KeyStoreError,
    SqliteSubjectKeyStore,
    WrappedKey,
)
from steward.crypto.field_format import parse_header

PLACE = {"dataset": "service_request", "record": "r-1", "field": "full_name"}
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def open_ring(folder: Path) -> KeyRing:
    """A key ring on ``folder``, as a separate process would open it."""
    return KeyRing(
        FileKeyProvider(folder / "kek.json"), SqliteSubjectKeyStore(folder / "subject-keys.sqlite3")
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    keys = tmp_path / "keys"
    FileKeyProvider.create(keys / "kek.json")
    return keys


@pytest.fixture
def server(folder: Path) -> Iterator[KeyRing]:
    ring = open_ring(folder)
    yield ring
    ring.store.close()


@pytest.fixture
def admin(folder: Path) -> Iterator[KeyRing]:
    ring = open_ring(folder)
    yield ring
    ring.store.close()


def test_a_key_shredded_elsewhere_stops_working_here_at_once(
    server: KeyRing, admin: KeyRing
) -> None:
    gone = server.encrypt("ana", b"Ana Lima", **PLACE)
    kept = server.encrypt("bo", b"Bo Diaz", **PLACE)
    assert server.decrypt(gone, **PLACE) == b"Ana Lima"  # now in the server's cache
    assert admin.shred("ana")
    with pytest.raises(KeyShreddedError):
        server.decrypt(gone, **PLACE)
    with pytest.raises(KeyShreddedError):
        server.decrypt_record({"full_name": gone}, dataset=PLACE["dataset"], record="r-1")
    assert server.decrypt(kept, **PLACE) == b"Bo Diaz"


def test_a_version_rotated_elsewhere_is_used_here_for_new_keys(
    server: KeyRing, admin: KeyRing
) -> None:
    server.encrypt("before", b"v", **PLACE)
    assert admin.rotate() == 2
    server.encrypt("after", b"v", **PLACE)
    after = server.store.by_subject("after")
    assert after is not None
    assert after.kek_version == 2


def test_rotation_rewrap_and_retirement_elsewhere_leave_every_value_readable(
    server: KeyRing, admin: KeyRing, folder: Path
) -> None:
    values = {f"s{i}": server.encrypt(f"s{i}", f"v{i}".encode(), **PLACE) for i in range(5)}
    for round_ in range(3):
        admin.rotate()
        values[f"mid{round_}"] = server.encrypt(f"mid{round_}", b"mid", **PLACE)
        admin.rewrap()
        admin.retire_below(admin.provider.current_version())
        values[f"late{round_}"] = server.encrypt(f"late{round_}", b"late", **PLACE)
    restarted = open_ring(folder)
    for ciphertext in values.values():
        assert restarted.decrypt(ciphertext, **PLACE)  # after a restart, all still open
        assert server.decrypt(ciphertext, **PLACE)
    assert [v.version for v in restarted.status().versions] == [4]
    assert restarted.status().ok


class RetireMidway(SqliteSubjectKeyStore):
    """The server's store, where another process rotates, rewraps and retires just after
    the server wrapped a new key under version 1 and just before it stores it."""

    def __init__(self, path: Path, admin: KeyRing) -> None:
        super().__init__(path)
        self.admin = admin
        self.raced = True  # armed by the test

    def insert(self, key: WrappedKey) -> WrappedKey:
        if not self.raced:
            self.raced = True
            assert key.kek_version == 1
            self.admin.rotate()
            self.admin.rewrap()
            self.admin.retire_below(2)
        return super().insert(key)


def test_a_key_wrapped_just_before_a_retirement_is_wrapped_again(
    folder: Path, admin: KeyRing
) -> None:
    store = RetireMidway(folder / "subject-keys.sqlite3", admin)
    server = KeyRing(FileKeyProvider(folder / "kek.json"), store)
    server.encrypt("early", b"v", **PLACE)  # one key under version 1, rewrapped by admin
    store.raced = False
    ciphertext = server.encrypt("ana", b"Ana Lima", **PLACE)
    stored = store.by_subject("ana")
    assert stored is not None
    assert stored.kek_version == 2
    assert [v.version for v in admin.provider.versions()] == [2]  # version 1 erased
    assert open_ring(folder).decrypt(ciphertext, **PLACE) == b"Ana Lima"
    store.close()


def test_retire_refuses_while_a_server_just_stored_a_key_under_the_old_version(
    folder: Path, admin: KeyRing
) -> None:
    """A server still wrapping under version 1 (it read the key file just before the
    rotation) stores a key after the rewrap: retiring must refuse, and erase nothing."""
    stale_provider = FileKeyProvider(folder / "kek.json")
    admin.rotate()
    admin.rewrap()
    late = stale_provider.wrap(1, b"k" * 32, b"context")
    admin.store.insert(WrappedKey(b"x" * 16, "late", 1, late, START))
    with pytest.raises(KeyRetiredError, match="1 data keys"):
        admin.retire_below(2)
    kept = json.loads((folder / "kek.json").read_text())
    assert "1" in kept["versions"]
    assert kept["min_decrypt"] == 1
    assert admin.store.state().min_kek_version == 1


def test_a_key_file_and_store_that_do_not_belong_together_are_refused(
    folder: Path, admin: KeyRing, tmp_path: Path
) -> None:
    admin.rotate()
    admin.rewrap()
    admin.retire_below(2)
    other_file = FileKeyProvider.create(tmp_path / "other" / "kek.json")  # current = 1
    mismatched = KeyRing(other_file, admin.store)
    with pytest.raises(KeyRetiredError, match="do not belong together"):
        mismatched.encrypt("new", b"v", **PLACE)
    assert mismatched.status().problems


def test_two_processes_rotating_at_once_never_lose_a_version(folder: Path) -> None:
    first, second = FileKeyProvider(folder / "kek.json"), FileKeyProvider(folder / "kek.json")
    assert first.create_version() == 2
    assert second.create_version() == 3  # read the file first, not its stale copy
    assert [v.version for v in FileKeyProvider(folder / "kek.json").versions()] == [1, 2, 3]


def test_a_key_file_removed_under_a_running_server_is_an_error_not_stale_keys(
    folder: Path, server: KeyRing
) -> None:
    server.encrypt("ana", b"v", **PLACE)
    (folder / "kek.json").unlink()
    with pytest.raises(KeyStoreError, match="no such key file"):
        server.encrypt("bo", b"v", **PLACE)


# -- status, with time moved by a ManualClock -------------------------------------------


def test_status_ages_versions_by_the_clock(tmp_path: Path) -> None:
    clock = ManualClock(START)
    with use_clock(clock):
        ring = KeyRing(
            FileKeyProvider.create(tmp_path / "kek.json"),
            SqliteSubjectKeyStore(tmp_path / "subject-keys.sqlite3"),
        )
        ring.encrypt("ana", b"v", **PLACE)
        clock.advance(days=90)
        ring.rotate()
        clock.advance(days=10)
        report = ring.status()
    assert [(v.version, v.age, v.wrapped_keys, v.state) for v in report.versions] == [
        (1, timedelta(days=100), 1, "decrypt only"),
        (2, timedelta(days=10), 0, "current"),
    ]
    assert report.versions[0].created == START
    assert report.ok
    assert any("rewrap" in n for n in report.notices)
    stored = ring.store.by_subject("ana")
    assert stored is not None
    assert stored.created == START


def test_status_shows_keys_under_a_version_the_key_file_no_longer_holds(
    folder: Path, admin: KeyRing
) -> None:
    admin.encrypt("ana", b"v", **PLACE)
    admin.rotate()
    FileKeyProvider(folder / "kek.json").retire_below(2)  # the key file alone, as before
    report = admin.status()
    (lost,) = [v for v in report.versions if v.version == 1]
    assert (lost.held, lost.wrapped_keys, lost.state, lost.stranded) == (
        False,
        1,
        "retired, erased",
        True,
    )
    assert not report.ok
    assert "1 data keys are wrapped under KEK version 1" in report.problems[0]


def test_status_notes_an_interrupted_retirement(folder: Path, admin: KeyRing) -> None:
    admin.rotate()
    admin.store.retire_below(2)  # the store's half; the key file was not changed yet
    report = admin.status()
    assert report.ok
    assert (report.store_minimum, report.key_file_minimum) == (2, 1)
    assert any("retire --below 2" in n for n in report.notices)
    assert [v.state for v in report.versions] == ["retired", "current"]


# -- two processes doing anything, as a property --------------------------------------

subjects = st.sampled_from(["a", "b", "c"])


class TwoProcesses(RuleBasedStateMachine):
    """Two key rings on one key folder do random key work; after every step each value
    opens in both unless its key was shredded, and then it fails in both."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        folder = Path(self.tmp.name)
        FileKeyProvider.create(folder / "kek.json")
        self.rings = [open_ring(folder), open_ring(folder)]
        self.values: list[tuple[bytes, bytes]] = []
        self.shredded: set[bytes] = set()

    def teardown(self) -> None:
        for ring in self.rings:
            ring.store.close()
        self.tmp.cleanup()

    @rule(which=st.integers(0, 1), subject=subjects, text=st.binary(max_size=16))
    def encrypt(self, which: int, subject: str, text: bytes) -> None:
        self.values.append((self.rings[which].encrypt(subject, text, **PLACE), text))

    @rule(which=st.integers(0, 1), subject=subjects)
    def shred(self, which: int, subject: str) -> None:
        stored = self.rings[which].store.by_subject(subject)
        self.rings[which].shred(subject)
        if stored is not None:
            self.shredded.add(stored.key_id)

    @rule(which=st.integers(0, 1))
    def rotate(self, which: int) -> None:
        self.rings[which].rotate()

    @rule(which=st.integers(0, 1))
    def rewrap(self, which: int) -> None:
        self.rings[which].rewrap()

    @precondition(lambda self: self.rings[0].provider.current_version() > 1)
    @rule(which=st.integers(0, 1))
    def retire(self, which: int) -> None:
        ring = self.rings[which]
        with suppress(KeyRetiredError):  # keys left under old versions: refused, unchanged
            ring.retire_below(ring.provider.current_version())

    @invariant()
    def every_value_opens_unless_its_key_was_shredded(self) -> None:
        for ciphertext, text in self.values:
            for ring in self.rings:
                if parse_header(ciphertext).key_id in self.shredded:
                    with pytest.raises(KeyShreddedError):
                        ring.decrypt(ciphertext, **PLACE)
                else:
                    assert ring.decrypt(ciphertext, **PLACE) == text
        assert self.rings[0].status().ok


TestTwoProcesses = TwoProcesses.TestCase
TestTwoProcesses.settings = settings(max_examples=30, stateful_step_count=20)


def test_a_key_file_made_readable_by_others_is_refused_by_a_running_server(
    folder: Path, server: KeyRing
) -> None:
    server.encrypt("ana", b"v", **PLACE)
    (folder / "kek.json").chmod(0o644)
    with pytest.raises(KeyStoreError, match="let others read it"):
        server.encrypt("bo", b"v", **PLACE)


class CountingStore:
    """A subject key store that counts how often its key state is read."""

    def __init__(self, inner: SqliteSubjectKeyStore) -> None:
        self.inner = inner
        self.state_reads = 0

    def state(self):
        self.state_reads += 1
        return self.inner.state()

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def test_one_state_read_serves_a_page_and_a_shred_counts_from_the_next(
    folder: Path, admin: KeyRing
) -> None:
    counting = CountingStore(SqliteSubjectKeyStore(folder / "subject-keys.sqlite3"))
    server = KeyRing(FileKeyProvider(folder / "kek.json"), counting)
    sealed = {
        subject: server.encrypt(subject, subject.encode(), **PLACE) for subject in ("a", "b", "c")
    }
    counting.state_reads = 0
    for value in sealed.values():
        server.decrypt(value, **PLACE)
    assert counting.state_reads == 3  # outside a block: once a call
    counting.state_reads = 0
    with server.one_state_read(), server.one_state_read():  # nested: the outer one reads
        for subject, value in sealed.items():
            assert server.decrypt(value, **PLACE) == subject.encode()
        assert admin.shred("a")
        assert server.decrypt(sealed["a"], **PLACE) == b"a"  # the page began before the shred
    assert counting.state_reads == 1
    with server.one_state_read(), pytest.raises(KeyShreddedError):
        server.decrypt(sealed["a"], **PLACE)
    assert server.decrypt(sealed["b"], **PLACE) == b"b"
    counting.inner.close()
