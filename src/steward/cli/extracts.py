"""``steward extracts``: de-identified extracts of vault records for analysts.

    steward extracts make DATASET --for RECIPIENT --as USER [--recipe FILE] [--k N]
    steward extracts make DATASET --role ROLE --as USER [--purpose P] [--recipe FILE] [--k N]
    steward extracts list --as USER

The one making it is a named staff person with an export grant (``--as`` names their
account; the password is asked for, never an argument). The extract is released only
when its measured risk meets its target; otherwise it is recorded as withheld with the
reason, and exit status 1. An extract for a recipient is delivered at once, encrypted
(to the recipient's public key, or under a passphrase shown once): the link and the
passphrase are printed for the maker to hand over. The rules live in the vault
(:mod:`steward.vault.rules.extract_release`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from steward.cli.django_setup import DEFAULT_PLAN, DatabaseUrl, DataDir, PlanOption
from steward.cli.errors import plain_console, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir
from steward.cli.staff_sign_in import As, Code, signed_in

app = typer.Typer(
    help="De-identified extracts of vault records for analysts.", no_args_is_help=True
)
stdout = plain_console()


@app.command("make")
def make(
    dataset: Annotated[str, typer.Argument(help="The plan dataset to extract.")],
    username: As,
    recipient: Annotated[
        str | None, typer.Option("--for", help="The plan recipient (deidentified_only).")
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="The analyst role the extract is for.")
    ] = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="The purpose (default: the only one).")
    ] = None,
    recipe: Annotated[
        Path | None, typer.Option("--recipe", help="A de-identification recipe file.")
    ] = None,
    k: Annotated[int | None, typer.Option("--k", help="A k above the plan's target.")] = None,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Make a de-identified extract of DATASET for a recipient or an analyst role."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import deliver_extract, make_extract, shown_manifest

        made = make_extract(
            vault,
            actor,
            dataset=dataset,
            recipient=recipient,
            role=role,
            purpose=purpose,
            recipe=recipe,
            k=k,
        )
        measured = shown_manifest(made).get("measured", {})
        delivered = None
        if made.state == "released" and made.recipient:
            delivered = deliver_extract(vault, actor, made.id)
    who = f"recipient {made.recipient}" if made.recipient else f"role {made.role}"
    if made.state != "released":
        stdout.print(
            f"Withheld: extract {made.id} for {who} did not meet k={made.k_target}: "
            f"{escape(made.withheld)}. Nothing leaves."
        )
        raise typer.Exit(1)
    stdout.print(
        f"Released: extract {made.id} for {who}, {made.rows} rows of {made.source_records} "
        f"records, fields {', '.join(made.fields)}; k target {made.k_target}, measured k "
        f"{measured.get('k')}; expires {made.expires:%Y-%m-%d %H:%M} UTC."
    )
    if delivered is not None:
        stdout.print(
            f"Give the recipient this link (it works {delivered.delivery.max_fetches} times): "
            f"{delivered.path}"
        )
        if delivered.passphrase:
            stdout.print(
                f"and, by another way (phone, in person), this passphrase: "
                f"{delivered.passphrase}  (shown only now; Steward does not keep it)"
            )


@app.command("list")
def list_command(
    username: As,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """The extracts you may see, newest first, with their measured risk."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import shown_manifest, visible_extracts

        extracts = visible_extracts(vault, actor)
        lines = []
        for e in extracts:
            measured = shown_manifest(e).get("measured", {})
            who = e.recipient or f"role {e.role}"
            lines.append(
                f"{e.id}  {e.made_at:%Y-%m-%d %H:%M}  {e.dataset}  for {who}  {e.state}  "
                f"k {measured.get('k', '-')}/{e.k_target}  rows {e.rows}"
            )
    if not lines:
        stdout.print("No extracts.")
    for line in lines:
        stdout.print(escape(line))
