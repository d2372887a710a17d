"""Which audit log a ``steward audit`` command reads: a file log or the vault's own log.

``--log DIR`` names a file log. Otherwise the command opens the vault's log, in the
database that ``serve`` uses with the same options (``--data-dir``, ``--database-url``,
``--keys-dir``, ``--plan``). Options typed on the command line win over environment
variables; the two kinds together on the command line, or both only in the
environment, are refused as ambiguous (exit 2).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final
from urllib.parse import urlparse

import typer

from steward.audit import AuditError, AuditStore, FileAuditStore
from steward.cli.django_setup import DEFAULT_PLAN
from steward.errors import StewardError

DEFAULT_DATA_DIR: Final = Path("steward-data")
LOG_ENV: Final = "STEWARD_AUDIT_DIR"
VAULT_OPTIONS: Final = ("data_dir", "database_url")

LogDir = Annotated[
    Path | None,
    typer.Option(
        "--log",
        envvar=LOG_ENV,
        help="A file audit log (folder with entries.jsonl). Without it: the vault's own log.",
    ),
]
PlanPath = Annotated[
    Path,
    typer.Option(
        "--plan", envvar="STEWARD_PLAN", help="The vault's plan (as for serve; not read here)."
    ),
]


@dataclass(frozen=True)
class OpenedLog:
    """An audit log opened for a command: its store, what to call it, and its kind."""

    store: AuditStore
    name: str
    in_vault: bool


def choose_log(context: typer.Context, log: Path | None) -> bool:
    """Whether the command reads the vault's log (``True``) or the file log ``log``.

    Raises:
        StewardError: both kinds of log were named, so the choice is ambiguous.
    """

    def given(name: str) -> str | None:
        """Where the option's value came from: COMMANDLINE, ENVIRONMENT, or None if defaulted."""
        source = context.get_parameter_source(name)
        if source is None or source.name not in ("COMMANDLINE", "ENVIRONMENT"):
            return None
        return source.name

    command_line = "COMMANDLINE"
    log_source = given("log") if log is not None else None
    vault_sources = {given(name) for name in VAULT_OPTIONS} - {None}
    if log_source is command_line and command_line in vault_sources:
        raise StewardError(
            "give either --log (a file audit log) or --data-dir/--database-url (the vault's "
            "log), not both"
        )
    if log_source is command_line:
        return False
    if command_line in vault_sources:
        return True
    if log_source is not None and vault_sources:
        raise StewardError(
            f"both {LOG_ENV} and the vault's STEWARD_DATA_DIR/STEWARD_DATABASE_URL are set: "
            "say which log to use with --log or --data-dir/--database-url"
        )
    return log_source is None


def open_file_log(log: Path) -> OpenedLog:
    """The file log in ``log``.

    Raises:
        StewardError: ``log`` holds no audit log.
    """
    if not (log / "entries.jsonl").exists():
        raise StewardError(f"{log}: no audit log here (expected {log / 'entries.jsonl'})")
    return OpenedLog(FileAuditStore(log), str(log), in_vault=False)


def open_vault_log(
    plan: Path, keys_dir: Path, database_url: str | None, data_dir: Path | None
) -> OpenedLog:
    """The vault's own audit log, in the database ``serve`` would use with these options.

    Nothing is created or migrated: a database that holds no vault is an error.

    Raises:
        StewardError: no vault database is there, or it cannot be read.
    """
    from steward.server import ServerConfig, sqlite_path

    env = dict(os.environ)
    if database_url:
        env["STEWARD_DATABASE_URL"] = database_url
    if data_dir is not None:
        env["STEWARD_DATA_DIR"] = str(data_dir)
    url = ServerConfig.from_environ(env).database_url
    parsed = urlparse(url)
    where = f"{parsed.hostname or 'localhost'}:{parsed.port or 5432}{parsed.path}"
    if url.startswith("sqlite:"):
        path = Path(sqlite_path(url))
        where = str(path)
        if not path.is_file():
            raise StewardError(
                f"{path}: no vault database here; give the vault's --data-dir or --database-url "
                "(or --log for a file audit log)"
            )
    # These commands sign no sessions: never create Django's key file in the keys folder.
    os.environ.setdefault("STEWARD_SECRET_KEY", secrets.token_urlsafe(50))
    from steward.cli.django_setup import setup_django

    setup_django(plan or DEFAULT_PLAN, keys_dir, database_url, data_dir, migrate=False)
    from steward.vault import DatabaseAuditStore

    store = DatabaseAuditStore()
    try:
        store.size()
    except AuditError as error:
        raise StewardError(f"{where}: no vault's audit log can be read there ({error})") from None
    return OpenedLog(store, f"the vault's audit log ({where})", in_vault=True)
