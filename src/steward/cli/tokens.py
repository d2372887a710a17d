"""``steward tokens``: create, revoke and list the vault's API service tokens.

A token is printed once, when it is created, and never again: the vault keeps only
its SHA-256. Django is started from the same options as ``steward serve``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from steward.cli.django_setup import (
    DEFAULT_PLAN,
    DatabaseUrl,
    DataDir,
    PlanOption,
    open_vault,
)
from steward.cli.errors import stderr, user_errors, warn
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir

if TYPE_CHECKING:
    from steward.vault import Vault

app = typer.Typer(help="Create, revoke and list API service tokens.", no_args_is_help=True)
stdout = Console(highlight=False, soft_wrap=True, markup=False)

CLI_ACTOR = "cli/tokens"


def _vault(plan: Path, keys_dir: Path, database_url: str | None, data_dir: Path | None) -> Vault:
    """Start Django for the vault and return it (plan checked, keys opened)."""
    return open_vault(plan, keys_dir, database_url, data_dir)


@app.command()
def create(
    name: Annotated[str, typer.Argument(help="A unique name, e.g. the calling service's.")],
    role: Annotated[str, typer.Option("--role", help="The plan's staff role it acts under.")],
    team: Annotated[str, typer.Option("--team", help="Its team, for team-scoped roles.")] = "",
    days: Annotated[int, typer.Option("--days", help="Days until it expires (1-365).")] = 90,
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Create a token for one plan role and print it once; the vault cannot show it again.

    Store it in the calling service's secret store.
    """
    with user_errors():
        vault = _vault(plan, keys_dir, database_url, data_dir)
        from steward.vault.services import create_token

        issued = create_token(vault, name, role, team=team, days=days, actor=CLI_ACTOR)
    stderr.print(
        f"created token '{issued.name}' for role '{issued.role}'"
        + (f", team '{issued.team}'" if issued.team else "")
        + f", expires {issued.expires:%Y-%m-%d %H:%M} UTC. It is shown only this once:"
    )
    stdout.print(issued.token)
    for warning in issued.warnings:
        warn(warning)


@app.command()
def revoke(
    name: Annotated[str, typer.Argument(help="The token's name.")],
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Revoke a token at once; requests carrying it are refused from now on."""
    with user_errors():
        vault = _vault(plan, keys_dir, database_url, data_dir)
        from steward.vault.services import revoke_token

        changed = revoke_token(vault, name, actor=CLI_ACTOR)
    stdout.print(f"revoked token '{name}'" if changed else f"token '{name}' was already revoked")


@app.command("list")
def list_command(
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """List tokens: name, role, team, dates and state (never the token itself)."""
    with user_errors():
        _vault(plan, keys_dir, database_url, data_dir)
        from steward.vault.services import list_tokens

        tokens = list_tokens()
    if not tokens:
        stdout.print("no tokens")
        return
    table = Table("name", "role", "team", "created", "expires", "state")
    for t in tokens:
        table.add_row(
            t.name,
            t.role,
            t.team or "-",
            f"{t.created:%Y-%m-%d}",
            f"{t.expires:%Y-%m-%d}" if t.expires else "-",
            t.state(),
        )
    stdout.print(table)
