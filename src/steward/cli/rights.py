"""``steward rights``: the privacy officer's queue of people's rights requests.

    steward rights list --as USER [--overdue] [--status open] [--kind correction]
    steward rights decide ID --decision apply|carry_out|answered|refuse --reason TEXT --as USER

Reading the register and deciding are a named person's acts, audited: ``--as`` names
their staff account, whose password is asked for (never an argument), with ``--code``
from their authenticator for roles that need a second factor. The rules and the work
live in the vault (:mod:`steward.vault.services.rights_requests`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from steward.cli.django_setup import DEFAULT_PLAN, DatabaseUrl, DataDir, PlanOption
from steward.cli.errors import plain_console, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir
from steward.cli.staff_sign_in import As, Code, signed_in

if TYPE_CHECKING:
    pass

app = typer.Typer(
    help="People's rights requests: list the queue (overdue first) and decide them.",
    no_args_is_help=True,
)
stdout = plain_console()


@app.command("list")
def list_requests(
    username: As,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue requests.")] = False,
    status: Annotated[
        str, typer.Option("--status", help="open, done or refused; all when empty.")
    ] = "open",
    kind: Annotated[str, typer.Option("--kind", help="Only requests of this kind.")] = "",
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """The rights requests in queue order: overdue first, then by deadline."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import RightsQueue

        rows = RightsQueue(vault).list(
            actor, status="open" if overdue else status or None, kind=kind or None, limit=500
        )
    if overdue:
        rows = [row for row in rows if row.overdue]
    if not rows:
        stdout.print("No rights requests.")
    for row in rows:
        due = f"due {row.due:%Y-%m-%d}" if row.due else "no deadline"
        flag = "  OVERDUE" if row.overdue else ""
        field = f" {row.field}" if row.field else ""
        stdout.print(
            f"{row.id}  {row.kind:<12} {row.status:<8} case {row.record or '-'}{field}  "
            f"received {row.received:%Y-%m-%d}  {due}{flag}"
        )


@app.command()
def decide(
    request_id: Annotated[str, typer.Argument(help="The request's number (rights list).")],
    decision: Annotated[
        str,
        typer.Option(
            "--decision",
            help="apply (a correction), carry_out (an erasure), answered (any other kind) "
            "or refuse.",
        ),
    ],
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why, in a few words; shown to the person; no values."),
    ],
    username: As,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Decide an open request with a reason, and carry the decision out."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import RightsQueue

        done = RightsQueue(vault).decide(actor, request_id, decision, reason)
    stdout.print(f"Rights request {done.id} ({done.kind}) is now {done.status}.")
