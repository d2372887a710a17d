"""``steward erase``: erase a person, asked for by one staff member and, when the plan
requires it, approved by another.

    steward erase REFERENCE --reason TEXT --as USER      # ask (the case reference)
    steward erase find DATASET FIELD --as USER           # find the case by a searchable field
    steward erase list --as USER                         # requests and where they stand
    steward erase approve REQUEST_ID --as OTHER_USER     # approve and carry it out
    steward erase refuse|cancel REQUEST_ID --as USER

Every step is taken by a named person: ``--as`` names their staff account, whose password
is asked for (never an argument), with ``--code`` from their authenticator for roles
that need a second factor. So an approval needs the second person's own password.
The rule and the deletion live in the vault (:mod:`steward.vault.services.erasure`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from steward.cli.django_setup import DEFAULT_PLAN, DatabaseUrl, DataDir, PlanOption
from steward.cli.errors import plain_console, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir
from steward.cli.staff_sign_in import As, Code, signed_in

if TYPE_CHECKING:
    from steward.vault.services import ErasureView


class _AskByDefault(TyperGroup):
    """``steward erase REFERENCE ...`` means ``steward erase request REFERENCE ...``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["request", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_AskByDefault,
    help="Erase a person: REFERENCE --reason TEXT --as USER asks; another person approves "
    "(approve REQUEST_ID --as USER) when the plan requires it.",
    no_args_is_help=True,
)
stdout = plain_console()

RequestId = Annotated[str, typer.Argument(help="The erasure request's number (erase list).")]


def _show(view: ErasureView) -> str:
    case = str(view.record)[:8] if view.record else "-"
    return f"erasure request {view.id} (case {case}, {view.dataset}) is {view.state}"


@app.command("request")
def request(
    reference: Annotated[str, typer.Argument(help="The case reference (the record id).")],
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why, in a few words; never the person's name or contacts."),
    ],
    username: As,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Ask for the erasure of the person a case is about (carried out at once where the
    plan needs no second person)."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import ErasureService

        made = ErasureService(vault).request(actor, reference, reason)
    if made.state == "done":
        stdout.print(f"Erased: {_show(made)}. Their data key is destroyed.")
        return
    stdout.print(f"Filed {_show(made)}.")
    stdout.print(
        "Another person of an approving role approves it: "
        f"steward erase approve {made.id} --as USER"
    )


def _decide(step: str, request_id: str, username: str, code: str, **where: Any) -> None:
    with user_errors():
        vault, actor = signed_in(username, code, **where)
        from steward.vault.services import ErasureService

        service = ErasureService(vault)
        done = getattr(service, step)(actor, request_id)
    stdout.print(f"Now {_show(done)}.")


def _decision_command(step: str, summary: str) -> None:
    """Register ``steward erase STEP REQUEST_ID --as USER``: one person's decision."""

    def command(
        request_id: RequestId,
        username: As,
        code: Code = "",
        plan: PlanOption = DEFAULT_PLAN,
        keys_dir: KeysDir = DEFAULT_KEYS_DIR,
        database_url: DatabaseUrl = None,
        data_dir: DataDir = None,
    ) -> None:
        _decide(
            step, request_id, username, code,
            plan=plan, keys_dir=keys_dir, database_url=database_url, data_dir=data_dir,
        )  # fmt: skip

    command.__doc__ = summary
    app.command(step)(command)


for _step, _summary in (
    ("approve", "Approve another person's erasure request; the person is erased at once."),
    ("refuse", "Turn an erasure request down; nothing is erased."),
    ("cancel", "Withdraw an erasure request that is not approved yet."),
):
    _decision_command(_step, _summary)


@app.command("list")
def list_requests(
    username: As,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """The erasure requests, newest first, and where each stands."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import ErasureService

        rows = ErasureService(vault).list_requests(actor)
    if not rows:
        stdout.print("No erasure requests.")
    for row in rows:
        decided = f", decided by {row.decided_by}" if row.decided_by else ""
        stdout.print(
            f"{row.id}  {row.state:<9}  case {row.record or '-'}  {row.dataset}  "
            f"asked by {row.requested_by} {row.requested_at:%Y-%m-%d %H:%M}{decided}"
        )


@app.command()
def find(
    dataset: Annotated[str, typer.Argument(help="The dataset, e.g. service_request.")],
    field: Annotated[str, typer.Argument(help="A searchable field, e.g. email.")],
    username: As,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Find the case references of a person by a searchable field; the value is asked for
    (not typed on the command line, so it stays out of the shell's history)."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        value = typer.prompt(f"{dataset}.{field} to look for", hide_input=True, err=True)
        from steward.vault.services import ErasureService

        found = ErasureService(vault).find(actor, dataset, field, value)
    if not found:
        stdout.print("No case matches.")
        raise typer.Exit(1)
    for view in found:
        stdout.print(f"{view.id}  {view.dataset}  received {view.created:%Y-%m-%d}  {view.status}")
