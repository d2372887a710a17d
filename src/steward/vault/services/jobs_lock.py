"""One job runner at a time across processes, by a lock in the vault's database.

* PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on the runner's
  connection. It is released when the runner lets go, or when its connection ends
  (the process died), so a crash never leaves the lock held.
* SQLite (and any other database): a lease row in :class:`~steward.vault.models.JobLease`,
  claimed inside an ``IMMEDIATE`` transaction (the vault's SQLite connections begin
  every transaction that way), so two processes cannot both find it free. The lease
  expires after :data:`LEASE_TTL` unless renewed; while a job runs a heartbeat renews
  it, so a runner that died is replaced after at most one lease period.

Expiry times come from :mod:`steward.clock`.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Final, Protocol

from django.db import DatabaseError, connection, transaction

from steward.clock import now
from steward.vault.models import JobLease

RUNNER_LEASE: Final = "job-runner"
LEASE_TTL: Final = timedelta(minutes=10)
HEARTBEAT_SECONDS: Final = 60.0
ADVISORY_KEY: Final = 0x5374657761726431  # "Steward1": the runner's lock in PostgreSQL


class RunnerLock(Protocol):
    """The right to run jobs, held by at most one process at a time."""

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; ``False`` if another runner does."""
        ...

    def renew(self) -> None:
        """Tell other processes the holder is still alive (a no-op where not needed)."""
        ...

    def release(self) -> None:
        """Let go, so another runner may start."""
        ...


class AdvisoryLock:
    """PostgreSQL's session advisory lock on this thread's database connection."""

    def __init__(self, key: int = ADVISORY_KEY) -> None:
        self.key = key
        self._held = False

    def acquire(self) -> bool:
        """Try the lock once without waiting."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            row = cursor.fetchone()
        self._held = bool(row and row[0])
        return self._held

    def renew(self) -> None:
        """Nothing to do: the lock lasts as long as the connection."""

    def release(self) -> None:
        """Unlock, if this connection holds the lock."""
        if self._held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])
            self._held = False


class LeaseLock:
    """A lease row claimed in an ``IMMEDIATE`` transaction; expires unless renewed."""

    def __init__(self, holder: str, *, name: str = RUNNER_LEASE, ttl: timedelta = LEASE_TTL):
        self.holder = holder
        self.name = name
        self.ttl = ttl

    def acquire(self) -> bool:
        """Claim the lease if it is free, expired or already this holder's."""
        with transaction.atomic():
            moment = now()
            lease = JobLease.objects.filter(name=self.name).first()
            if lease is not None and lease.holder != self.holder and lease.expires > moment:
                return False
            JobLease.objects.update_or_create(
                name=self.name, defaults={"holder": self.holder, "expires": moment + self.ttl}
            )
            return True

    def renew(self) -> None:
        """Push the expiry forward, if this holder still has the lease."""
        with transaction.atomic():
            JobLease.objects.filter(name=self.name, holder=self.holder).update(
                expires=now() + self.ttl
            )

    def release(self) -> None:
        """Give the lease up at once."""
        with transaction.atomic():
            JobLease.objects.filter(name=self.name, holder=self.holder).delete()


def runner_lock(holder: str) -> RunnerLock:
    """The lock that suits the vault's database, for a runner called ``holder``."""
    if connection.vendor == "postgresql":
        return AdvisoryLock()
    return LeaseLock(holder)


class Heartbeat:
    """Renews a lock every ``seconds`` from a background thread while a job runs.

    Use as a context manager; the thread closes its own database connection on exit.
    """

    def __init__(self, lock: RunnerLock, seconds: float = HEARTBEAT_SECONDS) -> None:
        self.lock = lock
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="steward-jobs-heartbeat")
        self._thread.daemon = True

    def __enter__(self) -> Heartbeat:
        if isinstance(self.lock, LeaseLock):
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.seconds):
                try:
                    self.lock.renew()
                except DatabaseError:
                    continue  # busy for a moment: the next beat tries again
        finally:
            connection.close()
