"""``steward transparency``:
The transparency report and the sharing inventory, from the register.

    steward transparency report --from 2026-01-01 --to 2026-03-31 --out DIR

writes ``report.html`` (one self-contained page) and ``report.json``, computed from the
egress register at the moment the command runs, and audits the publication
(``transparency.publish``). Nothing is stored to be edited: run it again for a fresh copy.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from steward.cli.django_setup import DatabaseUrl, DataDir, PlanOption, setup_django
from steward.cli.errors import plain_console, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir
from steward.errors import StewardError

app = typer.Typer(
    help="The transparency report and the sharing inventory, from the register.",
    no_args_is_help=True,
)
stdout = plain_console()

PUBLISH_ACTOR = "cli/transparency"


class BadDate(StewardError):
    """A date on the command line that is not YYYY-MM-DD."""


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(f"{option} must be a date written YYYY-MM-DD, not '{text[:20]}'") from None


@app.command()
def report(
    start: Annotated[str, typer.Option("--from", help="The first day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="The last day, included, YYYY-MM-DD.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write report.html and report.json.")
    ],
    plan: PlanOption,
    database_url: DatabaseUrl = None,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
) -> None:
    """Compute the public transparency report of a period from the register and write it
    as report.html and report.json in --out. Exit 2 on a bad date or period, or a folder
    that cannot be written."""
    with user_errors():
        from steward.policy.documents import prepare_folder, write_atomically
        from steward.vault.rules import period_between

        period = period_between(_day(start, "--from"), _day(end, "--to"))
        prepare_folder(out)
        setup_django(plan, keys_dir, database_url, data_dir)
        from steward.vault import get_vault
        from steward.vault.services import publish_report

        done = publish_report(get_vault(), period, PUBLISH_ACTOR)
        write_atomically(out / "report.html", done.html)
        write_atomically(out / "report.json", done.json)
    figures = done.report.tally.requests
    stdout.print(
        f"Transparency report {period.label}: {figures.total} requests "
        f"({figures.full} fully, {figures.partial} in part, "
        f"{figures.refused + figures.refused_at_opening} refused, "
        f"{figures.withdrawn} withdrawn)."
    )
    stdout.print(f"Wrote {out / 'report.html'} and {out / 'report.json'}.")
