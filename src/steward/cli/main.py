"""The ``steward`` console script."""

from __future__ import annotations

import typer

from steward import __version__
from steward.cli import (
    aggregates,
    audit,
    backup,
    codes,
    deid,
    delivery,
    disclosures,
    erase,
    extracts,
    intake,
    jobs,
    keys,
    policy,
    retention,
    rights,
    staff,
    tokens,
    transparency,
)
from steward.cli.demo import demo
from steward.cli.imports import import_command
from steward.cli.init_command import init
from steward.cli.serve import serve
from steward.cli.synth import synth

app = typer.Typer(
    name="steward",
    help="Steward keeps sensitive personal data under an organization's data management plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(policy.app, name="policy")
app.add_typer(keys.app, name="keys")
app.add_typer(audit.app, name="audit")
app.add_typer(backup.app, name="backup")
app.add_typer(jobs.app, name="jobs")
app.add_typer(retention.app, name="retention")
app.add_typer(tokens.app, name="tokens")
app.add_typer(staff.app, name="staff")
app.add_typer(intake.app, name="intake")
app.add_typer(deid.app, name="deid")
app.add_typer(erase.app, name="erase")
app.add_typer(rights.app, name="rights")
app.add_typer(codes.app, name="codes")
app.add_typer(disclosures.app, name="disclosures")
app.add_typer(delivery.app, name="delivery")
app.add_typer(extracts.app, name="extracts")
app.add_typer(aggregates.app, name="aggregates")
app.add_typer(transparency.app, name="transparency")
app.command("init")(init)
app.command("serve")(serve)
app.command("demo")(demo)
app.command("synth")(synth)
app.command("import")(import_command)


@app.command()
def version() -> None:
    """Print Steward's version."""
    typer.echo(__version__)


def run() -> None:
    """Entry point of the ``steward`` console script."""
    app()
