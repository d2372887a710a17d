"""``steward aggregates``: Counts with small cells suppressed, for donors and the public.

    steward aggregates release DATASET --for RECIPIENT|--public --by FIELD[,FIELD]
        [--from DATE --to DATE] [--epsilon E] --as USER
    steward aggregates list --as USER

Releasing is a person's act: ``--as`` names their staff account, whose password is asked
for. The rules and the counting live in the vault
(:mod:`steward.vault.services.aggregate_releases`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from steward.cli.django_setup import DEFAULT_PLAN, DatabaseUrl, DataDir, PlanOption
from steward.cli.errors import plain_console, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir
from steward.cli.staff_sign_in import As, Code, signed_in

if TYPE_CHECKING:
    from steward.vault.services import ReleaseView

app = typer.Typer(
    help="Counts with small cells suppressed, for donors and the public.", no_args_is_help=True
)
stdout = plain_console()

_DAY = "A day of the month (whole months are counted)."


def _summary(view: ReleaseView) -> str:
    period = f"{view.period_start} to {view.period_end}"
    noise = f", epsilon {view.epsilon:g}" if view.epsilon is not None else ""
    return (
        f"{view.id}  {view.dataset} for {view.audience} by {', '.join(view.by_fields)}, "
        f"{period}: {view.cells} counts, {view.suppressed} suppressed "
        f"(smallest group {view.min_group_size}{noise})"
    )


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


@app.command("release")
def release(
    dataset: Annotated[str, typer.Argument(help="The dataset to count.")],
    by: Annotated[str, typer.Option("--by", help="One field, or two separated by a comma.")],
    username: As,
    recipient: Annotated[
        str, typer.Option("--for", help="The recipient (aggregates only) to release to.")
    ] = "",
    public: Annotated[bool, typer.Option("--public", help="Release to the public.")] = False,
    start: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help=_DAY)
    ] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help=_DAY)] = None,
    epsilon: Annotated[
        float | None,
        typer.Option("--epsilon", help="Add differentially private noise with this budget."),
    ] = None,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Count DATASET by one or two clear fields for a recipient or the public, small
    counts suppressed; print the table as released (JSON)."""
    if bool(recipient) == public:
        stdout.print("Error: give either --for RECIPIENT or --public.")
        raise typer.Exit(2)
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import AggregateReleaseService

        made = AggregateReleaseService(vault).release(
            actor,
            dataset,
            "public" if public else recipient,
            by.split(","),
            _day(start),
            _day(end),
            epsilon,
        )
    stdout.print(("Given again: " if made.again else "Released: ") + _summary(made))
    stdout.print(json.dumps(made.table, indent=2, ensure_ascii=False), markup=False)


@app.command("list")
def list_releases(
    username: As,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """The releases you may see, newest first, and the privacy budget spent per audience."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import AggregateReleaseService

        service = AggregateReleaseService(vault)
        views = service.visible(actor)
        budgets = service.budgets(actor)
    if not views:
        stdout.print("No releases you may see.")
    for view in views:
        stdout.print(_summary(view), markup=False)
    for audience, spent in budgets.items():
        stdout.print(f"Privacy budget spent for {audience}: epsilon {spent:g}")
