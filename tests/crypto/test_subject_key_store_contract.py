"""The contract every SubjectKeyStore keeps: the same tests run against each store.

Insert-if-absent, shredding with tombstones and a new generation, compare-and-set
rewrapping that never brings a shredded key back, retirement that refuses while keys
are left under old versions, and errors that are KeyStoreError with a plain message.
A Hypothesis state machine drives each store and a plain model side by side.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from steward.crypto import (
    KeyRetiredError,
    KeyState,
    KeyStoreError,
    MemorySubjectKeyStore,
    Rewrap,
    SqliteSubjectKeyStore,
    StaleKekVersionError,
    SubjectKeyStore,
    WrappedKey,
)

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
StoreFactory = Callable[[], SubjectKeyStore]
STORES = ["memory", "sqlite"]


def _factory(kind: str, folder: Path) -> StoreFactory:
    """A function that opens the store of ``kind`` again: SQLite ones as new connections
    to one file (as another process would), the memory one as the same object."""
    if kind == "memory":
        shared = MemorySubjectKeyStore()
        return lambda: shared
    return lambda: SqliteSubjectKeyStore(folder / "subject-keys.sqlite3")


@pytest.fixture(params=STORES)
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    opened: list[SubjectKeyStore] = []
    factory = _factory(request.param, tmp_path)

    def make() -> SubjectKeyStore:
        store = factory()
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: StoreFactory) -> SubjectKeyStore:
    return open_store()


def key(subject: str, version: int = 1, key_id: bytes | None = None) -> WrappedKey:
    """A wrapped key as the key ring would store it (the bytes are opaque here)."""
    return WrappedKey(key_id or os.urandom(16), subject, version, os.urandom(60), WHEN)


def test_every_store_is_a_subject_key_store(store: SubjectKeyStore) -> None:
    assert isinstance(store, SubjectKeyStore)


def test_a_new_store_starts_at_generation_0_and_version_1(store: SubjectKeyStore) -> None:
    assert store.state() == KeyState(generation=0, min_kek_version=1)
    assert store.count_by_kek_version() == {}
    assert store.shredded_count() == 0
    assert list(store.all_keys()) == []


def test_an_inserted_key_is_found_by_subject_and_by_id(store: SubjectKeyStore) -> None:
    stored = key("ana")
    assert store.insert(stored) == stored
    assert store.by_subject("ana") == stored
    assert store.by_key_id(stored.key_id) == stored
    assert store.by_subject("bo") is None
    assert store.by_key_id(os.urandom(16)) is None
    assert store.count_by_kek_version() == {1: 1}
    assert list(store.all_keys()) == [stored]


def test_a_second_insert_for_a_subject_returns_the_first_key(store: SubjectKeyStore) -> None:
    first = store.insert(key("ana"))
    second = key("ana")
    assert store.insert(second) == first
    assert store.by_key_id(second.key_id) is None
    assert store.count_by_kek_version() == {1: 1}


def test_racing_inserts_for_one_subject_all_end_with_one_key(open_store: StoreFactory) -> None:
    stores = [open_store() for _ in range(3)]  # SQLite: three connections to one file
    candidates = [key("ana") for _ in range(12)]
    kept: list[WrappedKey] = []
    start = threading.Barrier(len(candidates))

    def race(index: int) -> None:
        start.wait()
        kept.append(stores[index % len(stores)].insert(candidates[index]))

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(candidates))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = {k.key_id for k in kept}
    assert len(winners) == 1
    assert winners <= {c.key_id for c in candidates}
    for each in stores:
        assert each.count_by_kek_version() == {1: 1}
        found = each.by_subject("ana")
        assert found is not None
        assert found.key_id in winners


def test_a_key_id_in_use_or_shredded_is_refused(store: SubjectKeyStore) -> None:
    live = store.insert(key("ana"))
    with pytest.raises(KeyStoreError, match="already exists"):
        store.insert(key("bo", key_id=live.key_id))
    store.shred("ana")
    with pytest.raises(KeyStoreError, match="already exists"):
        store.insert(key("cy", key_id=live.key_id))
    assert store.by_subject("bo") is None
    assert store.by_subject("cy") is None


def test_shredding_leaves_a_tombstone_and_starts_a_new_generation(
    store: SubjectKeyStore,
) -> None:
    stored = store.insert(key("ana"))
    other = store.insert(key("bo"))
    assert store.shred("ana") == stored
    assert store.by_subject("ana") is None
    assert store.by_key_id(stored.key_id) is None
    assert store.was_shredded(stored.key_id)
    assert not store.was_shredded(other.key_id)
    assert store.state() == KeyState(generation=1, min_kek_version=1)
    assert store.shredded_count() == 1
    assert store.shred("ana") is None
    assert store.shred("nobody") is None
    assert store.state().generation == 1  # nothing destroyed, nothing to forget
    assert store.by_subject("bo") == other


def test_a_shredded_subject_may_get_a_new_key(store: SubjectKeyStore) -> None:
    old = store.insert(key("ana"))
    store.shred("ana")
    new = store.insert(key("ana"))
    assert new.key_id != old.key_id
    assert store.by_subject("ana") == new
    assert store.was_shredded(old.key_id)


def test_rewrap_replaces_only_the_wrapping_it_expects(store: SubjectKeyStore) -> None:
    a = store.insert(key("a"))
    b = store.insert(key("b"))
    changes = [
        Rewrap(a.key_id, 1, 2, b"new-a"),
        Rewrap(b.key_id, 7, 2, b"new-b"),  # b is not under version 7: left alone
        Rewrap(os.urandom(16), 1, 2, b"nobody"),
    ]
    assert store.rewrap(changes) == 1
    assert store.by_subject("a") == WrappedKey(a.key_id, "a", 2, b"new-a", a.created)
    assert store.by_subject("b") == b
    assert store.count_by_kek_version() == {1: 1, 2: 1}
    assert store.rewrap([]) == 0


def test_rewrap_never_brings_a_shredded_key_back(store: SubjectKeyStore) -> None:
    stored = store.insert(key("ana"))
    store.shred("ana")
    assert store.rewrap([Rewrap(stored.key_id, 1, 2, b"late")]) == 0
    assert store.by_subject("ana") is None
    assert store.by_key_id(stored.key_id) is None


def test_retiring_refuses_while_keys_are_left_and_changes_nothing(
    store: SubjectKeyStore,
) -> None:
    for subject in ("a", "b", "c"):
        store.insert(key(subject, version=1))
    store.insert(key("d", version=2))
    with pytest.raises(KeyRetiredError) as refused:
        store.retire_below(2)
    assert "3 data keys" in str(refused.value)
    assert "rewrap" in str(refused.value)
    assert store.state() == KeyState(generation=0, min_kek_version=1)


def test_retiring_raises_the_minimum_and_refuses_older_keys_from_then_on(
    store: SubjectKeyStore,
) -> None:
    old = store.insert(key("a", version=1))
    store.rewrap([Rewrap(old.key_id, 1, 2, b"under-2")])
    assert store.retire_below(2) == KeyState(generation=1, min_kek_version=2)
    assert store.state() == KeyState(generation=1, min_kek_version=2)
    with pytest.raises(StaleKekVersionError):
        store.insert(key("late", version=1))
    assert store.by_subject("late") is None
    with pytest.raises(StaleKekVersionError):
        store.rewrap([Rewrap(old.key_id, 2, 1, b"back")])
    assert store.count_by_kek_version() == {2: 1}
    assert store.insert(key("late", version=2)).subject == "late"


def test_an_existing_key_is_returned_whatever_version_is_offered(
    store: SubjectKeyStore,
) -> None:
    kept = store.insert(key("a", version=2))
    store.retire_below(2)
    assert store.insert(key("a", version=1)) == kept


def test_the_minimum_never_goes_down(store: SubjectKeyStore) -> None:
    store.retire_below(3)
    assert store.retire_below(2) == KeyState(generation=2, min_kek_version=3)


def test_a_closed_store_says_so(store: SubjectKeyStore) -> None:
    store.close()
    with pytest.raises(KeyStoreError):
        store.by_subject("ana")
    with pytest.raises(KeyStoreError):
        store.insert(key("ana"))


def test_a_store_shared_by_processes_shares_its_state(tmp_path: Path) -> None:
    """Two SQLite connections stand for two processes: every change reaches the other."""
    server = SqliteSubjectKeyStore(tmp_path / "s.sqlite3")
    admin = SqliteSubjectKeyStore(tmp_path / "s.sqlite3")
    stored = server.insert(key("ana"))
    admin.shred("ana")
    assert server.state().generation == 1
    assert server.by_key_id(stored.key_id) is None
    assert server.was_shredded(stored.key_id)
    admin.retire_below(2)
    with pytest.raises(StaleKekVersionError):
        server.insert(key("bo", version=1))
    server.close()
    admin.close()


# -- every store against a model -------------------------------------------------------

subjects = st.sampled_from(["a", "b", "c", "d"])
versions = st.integers(min_value=1, max_value=4)


class StoreAgainstModel(RuleBasedStateMachine):
    """Random operations on a store and on a plain model must agree at every step."""

    kind = "memory"

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.store = _factory(self.kind, Path(self.folder.name))()
        self.keys: dict[str, WrappedKey] = {}
        self.shredded: set[bytes] = set()
        self.generation = 0
        self.minimum = 1

    def teardown(self) -> None:
        self.store.close()
        self.folder.cleanup()

    @rule(subject=subjects, version=versions)
    def insert(self, subject: str, version: int) -> None:
        offered = key(subject, version)
        if subject in self.keys:
            assert self.store.insert(offered) == self.keys[subject]
        elif version < self.minimum:
            with pytest.raises(StaleKekVersionError):
                self.store.insert(offered)
        else:
            assert self.store.insert(offered) == offered
            self.keys[subject] = offered

    @rule(subject=subjects)
    def shred(self, subject: str) -> None:
        destroyed = self.store.shred(subject)
        expected = self.keys.pop(subject, None)
        assert destroyed == expected
        if expected is not None:
            self.shredded.add(expected.key_id)
            self.generation += 1

    @rule(subject=subjects, version=versions, guess=st.booleans())
    def rewrap(self, subject: str, version: int, guess: bool) -> None:
        current = self.keys.get(subject)
        key_id = current.key_id if current else os.urandom(16)
        source = current.kek_version if current and guess else 99
        change = Rewrap(key_id, source, version, os.urandom(60))
        if version < self.minimum:
            with pytest.raises(StaleKekVersionError):
                self.store.rewrap([change])
            return
        applied = self.store.rewrap([change])
        assert applied == (1 if current and guess else 0)
        if current and guess:
            self.keys[subject] = WrappedKey(
                key_id, subject, version, change.wrapped, current.created
            )

    @rule(version=versions)
    def retire(self, version: int) -> None:
        if any(k.kek_version < version for k in self.keys.values()):
            with pytest.raises(KeyRetiredError):
                self.store.retire_below(version)
            return
        self.generation += 1
        self.minimum = max(self.minimum, version)
        assert self.store.retire_below(version) == KeyState(self.generation, self.minimum)

    @invariant()
    def agrees_with_the_model(self) -> None:
        assert self.store.state() == KeyState(self.generation, self.minimum)
        for subject in ("a", "b", "c", "d"):
            assert self.store.by_subject(subject) == self.keys.get(subject)
        counts: dict[int, int] = {}
        for each in self.keys.values():
            counts[each.kek_version] = counts.get(each.kek_version, 0) + 1
        assert self.store.count_by_kek_version() == counts
        assert self.store.shredded_count() == len(self.shredded)
        assert all(self.store.was_shredded(k) for k in self.shredded)


class SqliteStoreAgainstModel(StoreAgainstModel):
    kind = "sqlite"


TestMemoryStoreAgainstModel = StoreAgainstModel.TestCase
TestMemoryStoreAgainstModel.settings = settings(max_examples=40, stateful_step_count=25)
TestSqliteStoreAgainstModel = SqliteStoreAgainstModel.TestCase
TestSqliteStoreAgainstModel.settings = settings(max_examples=25, stateful_step_count=25)


def test_insert_many_stores_new_keys_and_keeps_existing_ones(store: SubjectKeyStore) -> None:
    first = store.insert(key("ana"))
    offered = [key("bo"), key("ana"), key("cy")]
    kept = store.insert_many(offered)
    assert kept == [offered[0], first, offered[2]]
    assert store.by_subject("bo") == offered[0]
    assert store.by_key_id(offered[1].key_id) is None
    assert store.count_by_kek_version() == {1: 3}
    assert store.insert_many([]) == []


def test_insert_many_stores_nothing_when_one_key_is_refused(store: SubjectKeyStore) -> None:
    live = store.insert(key("ana"))
    with pytest.raises(KeyStoreError, match="already exists"):
        store.insert_many([key("bo"), key("cy", key_id=live.key_id)])
    assert store.by_subject("bo") is None
    store.insert(key("dee", version=2))
    store.rewrap([Rewrap(live.key_id, 1, 2, os.urandom(60))])
    store.retire_below(2)
    with pytest.raises(StaleKekVersionError):
        store.insert_many([key("eve", version=2), key("fay", version=1)])
    assert store.by_subject("eve") is None
    assert store.count_by_kek_version() == {2: 2}
