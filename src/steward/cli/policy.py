"""``steward policy``: check a plan, export its schema, write its documents, compare two."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from steward.cli.errors import (
    EXIT_FINDINGS,
    EXIT_OK,
    plain_console,
    print_error,
    user_errors,
    warn,
)

if TYPE_CHECKING:
    from steward.policy import LoadedPlan
    from steward.policy.checks import CheckReport

app = typer.Typer(
    help="Check a data management plan, export its schema, write its documents.",
    no_args_is_help=True,
)
stdout = plain_console()


class OutputFormat(StrEnum):
    """How findings are printed."""

    TEXT = "text"
    JSON = "json"


PlanArgument = Annotated[Path, typer.Argument(help="The plan file (YAML).", show_default=False)]

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
"""How each severity is shown, by its value (the checks load the plan's models)."""


@app.command()
def check(
    plan: PlanArgument,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text for people, json for tools.")
    ] = OutputFormat.TEXT,
) -> None:
    """Run the privacy-by-design checks.

    Exit 0: no errors; 1: errors; 2: the file cannot be read or is not YAML.
    """
    from steward.policy import load_plan  # the plan's models load only now
    from steward.policy.checks import run_checks  # the plan's models load only now

    with user_errors():
        report = run_checks(load_plan(plan))
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        _print_report(report)
    raise typer.Exit(EXIT_OK if report.passed else EXIT_FINDINGS)


@app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the schema here instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of plan files, for editors and validators."""
    from steward.policy import plan_json_schema  # the plan's models load only now

    text = json.dumps(plan_json_schema(), indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    with user_errors():
        _write_text(out, text)
    typer.echo(f"wrote {out}")


@app.command()
def docs(
    plans: Annotated[
        list[Path],
        typer.Argument(help="One or more plan files (YAML).", show_default=False),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the documents into.")],
    draft: Annotated[
        bool,
        typer.Option(help="Write documents even if the plan fails checks, marked as drafts."),
    ] = False,
    pdf: Annotated[
        bool,
        typer.Option("--pdf", help="Also write each document as PDF (WeasyPrint), beside them."),
    ] = False,
) -> None:
    """Write the plans' documents (HTML and Markdown, and PDF with --pdf) into a folder.

    Every document states the plan version, the plan's SHA-256, when it was generated
    and the Steward version. With several plans, each plan's documents go into a folder
    named after its organization, and an index lists them all; a plan that cannot be
    read or fails its checks is reported and gets no folder, the others are written.

    A plan that fails checks gets no documents (exit 1) unless --draft is given; then
    every document says it is a draft. Exit 2: a file cannot be read or is not YAML.
    """
    from steward import clock
    from steward.policy.documents import write_collection, write_documents

    generated = clock.now()
    accepted: list[tuple[LoadedPlan, int]] = []
    code = EXIT_OK
    for path in plans:
        loaded, failing, refused = _plan_for_documents(path, draft)
        code = max(code, refused)
        if loaded is not None:
            accepted.append((loaded, failing))
    with user_errors():
        if len(plans) == 1 and accepted:
            loaded, failing = accepted[0]
            written = write_documents(
                loaded, out, failing_checks=failing, generated=generated, pdf=pdf
            )
        elif accepted:
            written = write_collection(
                [a[0] for a in accepted],
                out,
                failing_checks=[a[1] for a in accepted],
                generated=generated,
                pdf=pdf,
            )
        else:
            written = []
    for path in written:
        typer.echo(str(path))
    for loaded, failing in accepted:
        if failing:
            warn(f"{loaded.source} fails {failing} checks; its documents are marked draft")
    raise typer.Exit(code)


def _plan_for_documents(path: Path, draft: bool) -> tuple[LoadedPlan | None, int, int]:
    """(the loaded plan or None, its failing checks, the exit code it earns).

    Problems are printed as they are found; a plan that is refused is None."""
    from steward.policy import load_plan  # the plan's models load only now
    from steward.policy.checks import Severity, run_checks

    try:
        with user_errors():
            loaded = load_plan(path)
            failing = run_checks(loaded).count(Severity.ERROR)
    except typer.Exit as refused:
        return None, 0, refused.exit_code
    if failing and not draft:
        print_error(
            f"{path} fails {failing} checks; run 'steward policy check {path}' "
            "and fix them, or pass --draft to write documents marked as drafts"
        )
        return None, failing, EXIT_FINDINGS
    return loaded, failing, EXIT_OK


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier plan file.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later plan file.", show_default=False)],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text for people, json for tools.")
    ] = OutputFormat.TEXT,
) -> None:
    """Say what changed in practice between two plans: fields and datasets, purposes and
    retention, recipients and transfers, roles and grants, disclosure rules, the review
    schedule, every other setting added, removed or changed, and the checks that now
    pass or fail.

    Exit 0 whether or not anything changed; 1: a file is not a valid plan; 2: a file
    cannot be read or is not YAML.
    """
    from steward.policy import diff_plans, load_plan  # the plan's models load only now

    with user_errors():
        before = load_plan(old).plan
        after = load_plan(new).plan
    changes = diff_plans(before, after)
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps([c.as_dict() for c in changes], indent=2))
        return
    if not changes:
        typer.echo("no change of practice between the two plans")
        return
    for change in changes:
        typer.echo(f"- [{change.area}] {change.text}")


def _print_report(report: CheckReport) -> None:
    """Print the report; every text from the plan or its file name is printed as it is."""
    from steward.policy.checks import Severity

    classification = report.classification
    stdout.print(Text.assemble((report.source, "bold"), f": tier {classification.describe()}"))
    for finding in report.findings:
        where = f"{finding.file}:{finding.line}:{finding.column}"
        severity = (finding.severity.value, _STYLE[finding.severity.value])
        stdout.print(Text.assemble(f"{where}: ", severity, f" {finding.rule} {finding.message}"))
        stdout.print(Text.assemble("    ", ("fix:", "dim"), f" {finding.hint}"))
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    notes = report.count(Severity.INFO)
    verdict = ("passed", "green") if report.passed else ("failed", "bold red")
    stdout.print(Text.assemble(verdict, f": {errors} errors, {warnings} warnings, {notes} notes"))


def _write_text(path: Path, text: str) -> None:
    from steward.errors import StewardError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise StewardError(f"{path}: cannot write ({error.strerror})") from None
