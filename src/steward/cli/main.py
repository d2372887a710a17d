"""The ``steward`` console script.

The whole command line (:func:`full_app`) imports every command group, and with them
the plan's models, the crypto and the audit log. ``steward deid ...`` needs none of
that: :func:`run` builds an app of the ``deid`` group alone for it, so a de-identification
command starts in a fraction of the time. ``steward.cli.main.app`` is the whole command
line, built on first use.
"""

from __future__ import annotations

import sys
from functools import cache

import typer

from steward import __version__

NAME = "steward"
HELP = "Steward keeps sensitive personal data under an organization's data management plan."
ALONE = frozenset({"deid"})
"""Command groups that start on their own (see the module)."""


def _typer() -> typer.Typer:
    return typer.Typer(
        name=NAME,
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )


@cache
def full_app() -> typer.Typer:
    """Every command of ``steward``."""
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

    app = _typer()
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
    app.command("version")(version)
    return app


@cache
def group_app(group: str) -> typer.Typer:
    """``steward`` with the one command group ``group`` (one of :data:`ALONE`)."""
    from steward.cli import deid

    groups = {"deid": deid.app}
    app = _typer()
    app.add_typer(groups[group], name=group)
    return app


def version() -> None:
    """Print Steward's version."""
    typer.echo(__version__)


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run() -> None:
    """Entry point of the ``steward`` console script."""
    first = sys.argv[1] if len(sys.argv) > 1 else ""
    (group_app(first) if first in ALONE else full_app())()
