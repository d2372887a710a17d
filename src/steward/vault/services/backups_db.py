"""The databases backups read and write, reached directly (not through Django's ORM).

A backup is taken from the live database, restored into an empty one, and checked in a
temporary one; none of those is necessarily the database Django is set up for, so this
module opens them itself: SQLite files with :mod:`sqlite3`, PostgreSQL with psycopg and
the ``pg_dump`` / ``pg_restore`` programs. Passwords go to those programs in their
environment, never on the command line, and never into a message.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from steward.errors import StewardError

Engine = Literal["sqlite", "postgresql"]
SQLITE_FILE: Final = "steward.sqlite3"
_SAFE_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


class DatabaseProblem(StewardError):
    """A database for a backup cannot be reached, read or written."""


@dataclass(frozen=True)
class DatabaseRef:
    """Where one database is: a SQLite file, or a PostgreSQL database and how to log in.

    ``repr`` and :meth:`describe` never show the password.
    """

    engine: Engine
    path: Path | None = None
    name: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> DatabaseRef:
        """From a Django ``DATABASES`` entry.

        Raises:
            DatabaseProblem: the engine is neither SQLite nor PostgreSQL.
        """
        engine = str(settings.get("ENGINE", ""))
        if engine.endswith("sqlite3"):
            return cls("sqlite", path=Path(str(settings["NAME"])))
        if engine.endswith("postgresql"):
            return cls(
                "postgresql",
                name=str(settings.get("NAME") or ""),
                user=str(settings.get("USER") or ""),
                password=str(settings.get("PASSWORD") or ""),
                host=str(settings.get("HOST") or ""),
                port=str(settings.get("PORT") or ""),
            )
        raise DatabaseProblem(f"backups support SQLite and PostgreSQL, not {engine or 'this'}")

    @classmethod
    def from_options(cls, database_url: str | None, data_dir: Path | None) -> DatabaseRef:
        """From the command line's ``--database-url`` or ``--data-dir`` (as ``serve`` reads them).

        Raises:
            StewardError: the URL's scheme is neither sqlite nor postgresql.
        """
        from steward.server import database_settings

        url = database_url or f"sqlite:///{(data_dir or Path('steward-data')) / SQLITE_FILE}"
        return cls.from_settings(database_settings(url))

    def with_name(self, name: str) -> DatabaseRef:
        """The same PostgreSQL server and login, another database."""
        return DatabaseRef("postgresql", None, name, self.user, self.password, self.host, self.port)

    def describe(self) -> str:
        """Where the database is, for messages (no password)."""
        if self.engine == "sqlite":
            return str(self.path)
        where = f"{self.host or 'local socket'}{':' + self.port if self.port else ''}"
        return f"PostgreSQL database '{self.name}' on {where}"

    def pg_environment(self) -> dict[str, str]:
        """``PG*`` variables that point ``pg_dump`` / ``pg_restore`` at this database."""
        values = {
            "PGDATABASE": self.name,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGHOST": self.host,
            "PGPORT": self.port,
        }
        return {key: value for key, value in values.items() if value}

    def connect_postgres(self, *, autocommit: bool = False) -> Any:
        """A psycopg connection to this PostgreSQL database.

        Raises:
            DatabaseProblem: it cannot be reached.
        """
        import psycopg
        from psycopg.conninfo import make_conninfo

        params = {
            "dbname": self.name,
            "user": self.user,
            "password": self.password,
            "host": self.host,
            "port": self.port,
            "connect_timeout": "10",
        }
        try:
            return psycopg.connect(
                make_conninfo("", **{k: v for k, v in params.items() if v}), autocommit=autocommit
            )
        except psycopg.Error as error:
            raise DatabaseProblem(
                f"cannot reach {self.describe()}: {type(error).__name__}"
            ) from None


@contextmanager
def open_database(ref: DatabaseRef) -> Iterator[Any]:
    """A DB-API connection to ``ref`` (an existing SQLite file or a PostgreSQL database).

    Raises:
        DatabaseProblem: the file is missing or the server cannot be reached.
    """
    if ref.engine == "sqlite":
        assert ref.path is not None
        if not ref.path.is_file():
            raise DatabaseProblem(f"there is no database at {ref.path}")
        with closing(sqlite3.connect(ref.path)) as connection:
            yield connection
    else:
        with closing(ref.connect_postgres()) as connection:
            yield connection


def user_tables(connection: Any, engine: Engine) -> list[str]:
    """The names of the database's own tables (not the engine's catalogue), sorted."""
    if engine == "sqlite":
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    else:
        sql = (
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema') ORDER BY tablename"
        )
    cursor = connection.cursor()
    cursor.execute(sql)
    return [str(row[0]) for row in cursor.fetchall()]


def table_counts(connection: Any, engine: Engine) -> dict[str, int]:
    """How many rows each of the database's own tables holds."""
    counts = {}
    cursor = connection.cursor()
    for table in user_tables(connection, engine):
        if not _SAFE_NAME.match(table):
            raise DatabaseProblem(f"unexpected table name {table!r} in the database")
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - checked name
        counts[table] = int(cursor.fetchone()[0])
    return counts


def is_empty(ref: DatabaseRef) -> bool:
    """Whether ``ref`` holds no tables (a missing or zero-length SQLite file counts as empty).

    Raises:
        DatabaseProblem: a PostgreSQL database cannot be reached.
    """
    if ref.engine == "sqlite":
        assert ref.path is not None
        if not ref.path.exists() or (ref.path.is_file() and ref.path.stat().st_size == 0):
            return True
        try:
            with open_database(ref) as connection:
                return not user_tables(connection, "sqlite")
        except sqlite3.DatabaseError:
            return False
    with open_database(ref) as connection:
        return not user_tables(connection, "postgresql")


def placeholder(engine: Engine) -> str:
    """The DB-API parameter marker of ``engine``'s driver."""
    return "?" if engine == "sqlite" else "%s"


def as_uuid_text(value: object) -> str:
    """A UUID column's value as Django shows it (``8-4-4-4-12``), from either engine."""
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def require_program(name: str) -> str:
    """The path of a PostgreSQL client program.

    Raises:
        DatabaseProblem: it is not installed.
    """
    found = shutil.which(name)
    if found is None:
        raise DatabaseProblem(
            f"'{name}' is not installed; install the PostgreSQL client tools of the "
            "server's major version (Debian: postgresql-client)"
        )
    return found
