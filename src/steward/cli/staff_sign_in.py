"""A staff member acting from the command line: the ``--as`` and ``--code`` options and
the password prompt shared by ``steward erase``, ``steward rights`` and ``steward codes``.

The person signs in as themself (their password, and their authenticator's code for
roles that need a second factor), so every step is theirs in the audit log, exactly as
on the staff pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from steward.cli.django_setup import open_vault

if TYPE_CHECKING:
    from steward.vault import Vault
    from steward.vault.services import Actor

As = Annotated[
    str,
    typer.Option("--as", help="Your own staff user name; your password is asked for."),
]
Code = Annotated[
    str,
    typer.Option("--code", help="Your authenticator's current code (roles with a second factor)."),
]


def signed_in(
    username: str,
    code: str,
    plan: Path,
    keys_dir: Path,
    database_url: str | None,
    data_dir: Path | None,
) -> tuple[Vault, Actor]:
    """Start Django, ask for the password, and return the vault and the acting person.

    Raises:
        StewardError: the plan, keys or database cannot be opened, or the password or
            code is wrong (the callers' ``user_errors`` turn it into a clear message).
    """
    vault = open_vault(plan, keys_dir, database_url, data_dir)
    password = typer.prompt(f"Password for {username}", hide_input=True, err=True)
    from steward.vault.services import actor_by_password

    return vault, actor_by_password(vault, username, password, code)
