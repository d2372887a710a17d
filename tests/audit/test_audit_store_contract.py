"""The contract every :class:`AuditStore` keeps, checked on each store Steward ships.

The same tests run on the memory store, the file store and the database store the
vault uses in production (:class:`DatabaseAuditStore`), on SQLite, and on PostgreSQL
when the suite runs with ``STEWARD_TEST_DATABASE_URL`` (``make test`` does).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from steward.audit import AuditLog, ReferenceHasher, SigningKey, verify_log
from steward.audit.errors import AuditConflictError, AuditWriteError
from steward.audit.store import AuditStore, FileAuditStore, MemoryAuditStore
from tests.audit.audit_helpers import make_event

STORES = ["memory", "file", pytest.param("database", marks=pytest.mark.django_db)]
STORES_FOR_THREADS = [
    "memory",
    "file",
    pytest.param("database", marks=pytest.mark.django_db(transaction=True)),
]
StoreFactory = Callable[[], AuditStore]


def _database_store() -> AuditStore:
    from steward.vault.audit_store import DatabaseAuditStore

    return DatabaseAuditStore()


def _factory(kind: str, tmp_path: Path) -> StoreFactory:
    """New store objects over one shared log (a writer each, as processes would have)."""
    if kind == "memory":
        shared = MemoryAuditStore()
        return lambda: shared
    if kind == "file":
        return lambda: FileAuditStore(tmp_path / "audit")
    return _database_store


@pytest.fixture(params=STORES)
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    return _factory(request.param, tmp_path)


@pytest.fixture
def store(new_store: StoreFactory) -> AuditStore:
    return new_store()


def test_every_store_satisfies_the_protocol(store: AuditStore) -> None:
    assert isinstance(store, AuditStore)


def test_append_read_size_tail_and_checkpoints(store: AuditStore) -> None:
    assert (store.size(), store.tail(), list(store.read())) == (0, (0, None), [])
    for number in range(5):
        store.append(number, b'{"n":%d}' % number)
    assert store.size() == 5
    assert store.tail() == (5, b'{"n":4}')
    assert list(store.read(1, 3)) == [b'{"n":1}', b'{"n":2}']
    assert list(store.read(3)) == [b'{"n":3}', b'{"n":4}']
    assert list(store.read(7)) == []
    store.save_checkpoint("a\nnote\n")
    store.save_checkpoint("another\n")
    assert store.checkpoints() == ["a\nnote\n", "another\n"]


def test_an_append_by_a_stale_number_is_refused(store: AuditStore) -> None:
    store.append(0, b"{}")
    with pytest.raises(AuditConflictError):
        store.append(0, b"{}")
    with pytest.raises(AuditConflictError):
        store.append(2, b"{}")
    assert store.size() == 1
    assert list(store.read()) == [b"{}"]


def test_append_next_builds_from_the_tail_and_returns_the_number(store: AuditStore) -> None:
    seen: list[tuple[int, bytes | None]] = []

    def build(size: int, last: bytes | None) -> bytes:
        seen.append((size, last))
        return b'{"after":%d}' % size

    assert [store.append_next(build) for _ in range(3)] == [0, 1, 2]
    assert seen == [(0, None), (1, b'{"after":0}'), (2, b'{"after":1}')]
    assert store.tail() == (3, b'{"after":2}')


def test_nothing_is_stored_when_the_builder_fails(store: AuditStore) -> None:
    store.append(0, b"{}")

    def refuse(size: int, last: bytes | None) -> bytes:
        raise AuditWriteError("cannot encode")

    with pytest.raises(AuditWriteError, match="cannot encode"):
        store.append_next(refuse)
    assert store.size() == 1
    assert store.append_next(lambda size, last: b"[]") == 1


def test_a_log_on_the_store_verifies_and_keeps_its_checkpoints(
    store: AuditStore, hasher: ReferenceHasher, signing_key: SigningKey
) -> None:
    log = AuditLog(store, hasher)
    for number in range(20):
        log.append(make_event(number))
    note = log.checkpoint(signing_key)
    assert store.checkpoints() == [note]
    report = verify_log(store, note, signing_key.verifier)
    assert (report.ok, report.size, report.checkpoints_checked) == (True, 20, 2)


# Concurrent writers
# ------------------

WRITERS = 8
EACH = 15


def _append_concurrently(new_store: StoreFactory, hasher: ReferenceHasher) -> list[BaseException]:
    """``WRITERS`` threads, each with its own store object, append ``EACH`` entries at once."""
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        log = AuditLog(new_store(), hasher)
        start.wait()
        try:
            for count in range(EACH):
                log.append(make_event(number * 100 + count))
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            _close_thread_connection()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _close_thread_connection() -> None:
    from django.db import connection

    connection.close()


@pytest.fixture(params=STORES_FOR_THREADS)
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """A store factory for writers on several threads (each its own database connection)."""
    if request.param == "database":
        from django.db import connection

        if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
            pytest.skip(
                "in-memory SQLite is shared-cache, which has no busy wait; real SQLite files "
                "under two server processes are tested in test_audit_concurrent_intake.py"
            )
    return _factory(request.param, tmp_path)


def test_concurrent_writers_wait_their_turn_and_never_fork(
    shared_store: StoreFactory, hasher: ReferenceHasher
) -> None:
    errors = _append_concurrently(shared_store, hasher)
    assert errors == []
    report = verify_log(shared_store(), strict=True)
    assert (report.ok, report.size) == (True, WRITERS * EACH), report.reason


def _append_from_a_process(directory: str, count: int) -> None:
    log = AuditLog(FileAuditStore(directory), ReferenceHasher(bytes(range(32))))
    for number in range(count):
        log.append(make_event(number))


def test_processes_appending_to_one_file_log_never_fork(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_append_from_a_process, args=(str(tmp_path / "audit"), 30))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    report = verify_log(FileAuditStore(tmp_path / "audit"), strict=True)
    assert (report.ok, report.size) == (True, 120), report.reason
