"""``steward codes``: issue a person a new access code, when they lost theirs.

    steward codes reissue REFERENCE --reason TEXT --identity-checked --as USER

Taken by a named privacy officer: ``--as`` names their staff account, whose password is
asked for (never an argument), with ``--code`` from their authenticator for roles that
need a second factor. ``--identity-checked`` confirms they checked who the person is
outside Steward. The new code is printed once; the old one stops working at once. The
rule, the register and the audit live in the vault
(:mod:`steward.vault.services.code_reissue`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from steward.cli.django_setup import DEFAULT_PLAN, DatabaseUrl, DataDir, PlanOption
from steward.cli.errors import plain_console, print_error, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir
from steward.cli.staff_sign_in import As, Code, signed_in

app = typer.Typer(
    help="Access codes of people: reissue REFERENCE gives a person who lost theirs a new one.",
    no_args_is_help=True,
)
stdout = plain_console()
NOT_CHECKED = (
    "check who the person is outside Steward first, then confirm it with --identity-checked"
)


@app.command("reissue")
def reissue(
    reference: Annotated[str, typer.Argument(help="The case reference (the record id).")],
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why, in a few words; never the person's name or contacts."),
    ],
    username: As,
    identity_checked: Annotated[
        bool,
        typer.Option("--identity-checked", help="You checked who the person is, outside Steward."),
    ] = False,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Give the person of a case a new access code (printed once); the old one stops
    working and their open pages close."""
    if not identity_checked:
        print_error(NOT_CHECKED)
        raise typer.Exit(2)
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import reissue_code

        new = reissue_code(vault, actor, reference, reason)
    stdout.print(f"New access code for case {reference.strip()[:8]}: {new}")
    stdout.print(
        "Give it to the person now: it is not shown again. Their old code no longer works."
    )
