"""Setting Django up from the command line, for the commands that use the vault.

The vault's settings read their configuration from ``STEWARD_*`` variables
(:mod:`steward.server.config`); this module sets them from command-line options,
starts Django and brings the database schema up to date.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer

from steward.errors import StewardError

if TYPE_CHECKING:
    from steward.vault import Vault

SETTINGS_MODULE = "steward.server.settings"
DEFAULT_PLAN = Path("plan.yaml")

PlanOption = Annotated[
    Path, typer.Option("--plan", envvar="STEWARD_PLAN", help="The data management plan.")
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="STEWARD_DATABASE_URL",
        help="sqlite:///PATH or postgresql://USER@HOST:PORT/NAME; default: SQLite in --data-dir.",
    ),
]
DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", envvar="STEWARD_DATA_DIR", help="Folder of the embedded SQLite database."
    ),
]

DEFAULT_BACKUP_DIR: Final = Path("steward-backups")
BackupDir = Annotated[
    Path,
    typer.Option(
        "--backup-dir",
        envvar="STEWARD_BACKUP_DIR",
        help="Folder of the encrypted backups (made owner-only).",
    ),
]


class DatabaseUnavailable(StewardError):
    """The database cannot be reached or its schema cannot be brought up to date."""


def setup_django(
    plan: Path,
    keys_dir: Path,
    database_url: str | None,
    data_dir: Path | None,
    *,
    migrate: bool = True,
) -> None:
    """Configure and start Django for ``plan``, then apply migrations quietly
    (unless ``migrate`` is false: commands that only read an existing vault).

    Sets ``STEWARD_PLAN``, ``STEWARD_KEYS_DIR`` and, when given, ``STEWARD_DATABASE_URL``
    and ``STEWARD_DATA_DIR`` (the embedded SQLite database lives there when no URL is
    given), and ``DJANGO_SETTINGS_MODULE``. Call it once per process, before anything
    imports the vault's models.

    Raises:
        StewardError: the database URL's scheme is neither sqlite nor postgresql.
        DatabaseUnavailable: the database cannot be reached or migrated.
    """
    os.environ["STEWARD_PLAN"] = str(plan)
    os.environ["STEWARD_KEYS_DIR"] = str(keys_dir)
    if database_url:
        os.environ["STEWARD_DATABASE_URL"] = database_url
    if data_dir is not None:
        os.environ["STEWARD_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE

    import django
    from django.core.management import call_command
    from django.db import DatabaseError

    django.setup()
    if not migrate:
        return
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as error:
        raise DatabaseUnavailable(
            f"the database cannot be used: {type(error).__name__}: {_first_line(error)}"
        ) from None


def open_vault(
    plan: Path, keys_dir: Path, database_url: str | None, data_dir: Path | None
) -> Vault:
    """Start Django for the vault and return it (plan checked, keys opened).

    Raises:
        StewardError: as :func:`setup_django`, or the plan or keys cannot be used.
    """
    setup_django(plan, keys_dir, database_url, data_dir)
    from steward.vault import get_vault

    return get_vault()


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else "no details"
