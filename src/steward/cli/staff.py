"""``steward staff``: personal staff accounts of the vault (add, disable, reset, unlock, list)
and who acknowledged the plan (``acknowledgements``).

A one-time password is printed once, when an account is created or reset; the person
chooses their own at first sign-in. Django is started from the same options as
``steward serve``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
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
from steward.cli.errors import EXIT_UNUSABLE, stderr, user_errors, warn
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir

if TYPE_CHECKING:
    from steward.vault import Vault
    from steward.vault.services import Acknowledgement

app = typer.Typer(
    help="Personal staff accounts: add, disable, reset a password, lift a sign-in lock, list, "
    "and who acknowledged the plan.",
    no_args_is_help=True,
)
stdout = Console(highlight=False, soft_wrap=True, markup=False)

Username = Annotated[str, typer.Argument(help="The person's own user name, e.g. 'ana.lima'.")]
CLI_ACTOR = "cli/staff"


def _vault(plan: Path, keys_dir: Path, database_url: str | None, data_dir: Path | None) -> Vault:
    """Start Django for the vault and return it (plan checked, keys opened)."""
    return open_vault(plan, keys_dir, database_url, data_dir)


def parse_until(text: str | None) -> datetime | None:
    """The end of day ``YYYY-MM-DD`` (UTC), or ``None``.

    Raises:
        typer.Exit: the text is not a date (exit 2, with a message).
    """
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        stderr.print(f"error: --until must be a date like 2026-12-31, not '{text}'")
        raise typer.Exit(EXIT_UNUSABLE) from None
    return datetime.combine(day, time.max, tzinfo=UTC)


def _print_password(username: str, password: str, what: str) -> None:
    stdout.print(f"{what} '{username}'. One-time password (shown once, give it in person):")
    stdout.print(password, markup=False)
    stdout.print("They must choose their own password when they first sign in.")


@app.command()
def add(
    username: Username,
    role: Annotated[str, typer.Option("--role", help="The plan's staff role of this person.")],
    team: Annotated[str, typer.Option("--team", help="Their team, for team-scoped roles.")] = "",
    until: Annotated[
        str | None,
        typer.Option("--until", help="Last day of temporary access, YYYY-MM-DD (inclusive)."),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="The person's full name.")] = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Create one person's account under a plan role and print its one-time password."""
    with user_errors():
        vault = _vault(plan, keys_dir, database_url, data_dir)
        end = parse_until(until)
        from steward.vault.services import create_account

        new = create_account(
            vault, username, role, team=team, access_until=end, name=name, by=CLI_ACTOR
        )
    _print_password(new.username, new.password, "Created")
    for warning in new.warnings:
        warn(warning)


@app.command()
def disable(
    username: Username,
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Disable an account and end every session it has, at once."""
    with user_errors():
        vault = _vault(plan, keys_dir, database_url, data_dir)
        from steward.vault.services import disable_account

        ended = disable_account(vault, username, by=CLI_ACTOR)
    stdout.print(f"Disabled '{username}'; ended {ended} session{'s' if ended != 1 else ''}.")


@app.command("reset-password")
def reset_password(
    username: Username,
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Give an account a new one-time password, end its sessions and lift any lockout."""
    with user_errors():
        vault = _vault(plan, keys_dir, database_url, data_dir)
        from steward.vault.services import reset_password as reset

        new = reset(vault, username, by=CLI_ACTOR)
    _print_password(new.username, new.password, "Reset")


@app.command()
def unlock(
    username: Username,
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Lift the sign-in lock on an account at once (audited); says what it lifted."""
    with user_errors():
        vault = _vault(plan, keys_dir, database_url, data_dir)
        from steward.vault.services import unlock_account

        lifted = unlock_account(vault, username, by=CLI_ACTOR)
    forgot = lifted.failures_forgotten
    failures = f"{forgot} failed sign-in{'s' if forgot != 1 else ''}"
    if lifted.was_locked_until is not None:
        until = lifted.was_locked_until.strftime("%Y-%m-%d %H:%M")
        stdout.print(
            f"Lifted the lock on '{username}' (it was locked until {until} UTC); "
            f"forgot {failures}.",
            markup=False,
        )
    else:
        stdout.print(f"'{username}' was not locked; forgot {failures}.", markup=False)


@app.command("list")
def list_accounts(
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """List the staff accounts, their roles and state (no secrets)."""
    with user_errors():
        _vault(plan, keys_dir, database_url, data_dir)
        from steward.vault.services import list_accounts as accounts

        rows = accounts()
    table = Table("user name", "role", "team", "state", "access until", "MFA", "last sign-in")
    for row in rows:
        state = "active" if row.active else "disabled"
        if row.active and row.must_change_password:
            state = "active (one-time password)"
        table.add_row(
            row.username,
            row.role,
            row.team or "-",
            state,
            row.access_until.date().isoformat() if row.access_until else "-",
            "enrolled" if row.mfa_enrolled else "-",
            row.last_login.strftime("%Y-%m-%d %H:%M") if row.last_login else "never",
        )
    if rows:
        stdout.print(table)
    else:
        stdout.print("No staff accounts yet; add one with 'steward staff add'.")


@app.command("acknowledgements")
def acknowledgements(
    history: Annotated[
        bool, typer.Option("--history", help="Every acknowledgement ever recorded, newest first.")
    ] = False,
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Who acknowledged the plan text the vault runs under, and who must still."""
    with user_errors():
        vault = _vault(plan, keys_dir, database_url, data_dir)
        from steward.vault.services import account_standings, acknowledgement_history, plan_text

        text = plan_text(vault)
        rows = account_standings(vault)
        earlier = acknowledgement_history() if history else []
    asked = (
        "every staff member acknowledges it before their first access and after each change"
        if text.required
        else "it does not ask its team to acknowledge it (governance.team_acknowledgement: false)"
    )
    stdout.print(f"Plan version {text.version} (SHA-256 {text.digest}): {asked}.", markup=False)
    if history:
        _print_history(earlier)
        return
    table = Table("user name", "role", "team", "this version", "latest acknowledgement")
    for row in rows:
        this = row.current.at.strftime("%Y-%m-%d %H:%M") if row.current else row.standing.value
        if not row.can_sign_in:
            this += " (cannot sign in)"
        latest = row.latest
        table.add_row(
            row.username,
            row.role,
            row.team or "-",
            this,
            f"version {latest.version} ({latest.digest[:12]}), {latest.at:%Y-%m-%d %H:%M}"
            if latest
            else "never",
        )
    if not rows:
        stdout.print("No staff accounts yet; add one with 'steward staff add'.")
        return
    stdout.print(table)
    waiting = [r for r in rows if r.can_sign_in and r.standing.must_acknowledge]
    if text.required:
        stdout.print(
            f"{len(waiting)} of {sum(r.can_sign_in for r in rows)} accounts that can sign in "
            "must still acknowledge this version (times UTC).",
            markup=False,
        )


def _print_history(rows: list[Acknowledgement]) -> None:
    """Every acknowledgement, newest first (times UTC)."""
    table = Table("when (UTC)", "user name", "role", "plan version", "SHA-256")
    for row in rows:
        table.add_row(
            f"{row.at:%Y-%m-%d %H:%M:%S}", row.username, row.role, row.version, row.digest[:12]
        )
    if rows:
        stdout.print(table)
    else:
        stdout.print("No acknowledgements recorded yet.")
