"""Whether a database error means "busy, try again shortly" rather than a fault.

A locked SQLite database (another process holds the write lock beyond the wait), a
PostgreSQL lock or serialization conflict, a server refusing connections for now, or
a subject key store kept busy by another process are answered 503 with
``Retry-After``: nothing was done, and the same request will probably succeed in a
moment. Every other database error stays a fault (500).
"""

from __future__ import annotations

from typing import Final

from steward.crypto import KeyStoreBusyError

RETRY_AFTER_SECONDS: Final = 5
"""What ``Retry-After`` tells a client to wait, in seconds."""

SQLITE_BUSY: Final = (
    "database is locked",
    "database table is locked",
    "database schema is locked",
)
POSTGRES_BUSY: Final = frozenset(
    {
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
        "55P03",  # lock_not_available
        "57P03",  # cannot_connect_now
        "53300",  # too_many_connections
    }
)


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` (or the driver error it wraps) is a passing lock or overload."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "sqlstate", None) in POSTGRES_BUSY:
            return True
        if isinstance(current, KeyStoreBusyError):
            return True
        if type(current).__name__ in ("OperationalError", "DatabaseError") and any(
            text in str(current).lower() for text in SQLITE_BUSY
        ):
            return True
        current = current.__cause__ or current.__context__
    return False
