"""``steward init``: answer the data-security questionnaire and get a starting plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from steward.cli.errors import EXIT_UNUSABLE, stderr, user_errors
from steward.errors import StewardError
from steward.policy.checks import Severity, run_checks
from steward.policy.loader import load_plan_text
from steward.policy.model import HostedBy, LegalBasis, OrganizationKind, Origin
from steward.policy.model.questionnaire import Lawfulness
from steward.policy.scaffold import (
    Answers,
    HostingAnswer,
    PrivacyOfficerAnswer,
    SourceAnswer,
    answer_message,
    load_answers,
    scaffold,
    split_list,
)
from steward.policy.taxonomy import BUILT_IN_CATEGORIES

stdout = Console(highlight=False, soft_wrap=True)
PLAN_NAME = "plan.yaml"

_T = TypeVar("_T")


def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder to write plan.yaml into.", show_default=False)
    ],
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="Read the questionnaire answers from this YAML file."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing plan.yaml.")
    ] = False,
) -> None:
    """Answer the data-security questionnaire and write a starting plan to DIR/plan.yaml.

    Without --answers the questions are asked one by one. Exit 0: written;
    2: bad answers, or a plan is already there (use --force to replace it).
    """
    target = directory / PLAN_NAME
    if directory.exists() and not directory.is_dir():
        _fail(f"{directory}: is a file, not a folder")
    if target.exists() and not force:
        _fail(f"{target} already exists; use --force to overwrite it")
    with user_errors():
        given = load_answers(answers) if answers is not None else _ask()
        result = scaffold(given)
        report = run_checks(load_plan_text(result.text, source=str(target)))
        _write(target, result.text)
    stdout.print(f"wrote {escape(str(target))}")
    stdout.print(f"tier: [bold]{escape(result.classification.describe())}[/]")
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    warnings = report.count(Severity.WARNING)
    stdout.print(f"check: {_count(len(errors), 'error')}, {_count(warnings, 'warning')}")
    for finding in errors:
        # Errors here follow from the answers themselves (e.g. lawfulness not confirmed).
        where = f"{finding.file}:{finding.line}:{finding.column}"
        stdout.print(f"  {escape(where)}: [bold red]{finding.rule}[/] {escape(finding.message)}")
        stdout.print(f"      [dim]fix:[/] {escape(finding.hint)}")
    stdout.print("next steps:")
    steps = []
    if errors:
        steps.append("fix the errors above: they follow from your answers")
    if result.todos:
        steps.append(f"replace the {len(result.todos)} TODO placeholders listed at the top")
    steps += [
        "remove every field you do not need, and check the suggested retention periods",
        f"steward policy check {target}",
        f"steward policy docs {target} --out {directory / 'docs'}",
    ]
    for number, step in enumerate(steps, 1):
        stdout.print(f"  {number}. {escape(step)}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fail(message: str) -> None:
    stderr.print(f"[bold red]error:[/] {escape(message)}", markup=True)
    raise typer.Exit(EXIT_UNUSABLE)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise StewardError(f"{path}: cannot write ({error.strerror})") from None


# ------------------------------------------------------------------ interactive questions


def _ask() -> Answers:
    """Ask every question on the terminal; re-ask a question whose answer is invalid."""
    stdout.print("[bold]Data-security questionnaire[/] (Ctrl-C to stop; nothing is written)")
    name = _valid("Organization name", lambda v: v.strip() or _bad("give a name"))
    kind = _choice("What kind of organization", [k.value for k in OrganizationKind], "other")
    jurisdictions = _valid(
        "Where does it operate (ISO codes, comma-separated, e.g. US-CA)",
        lambda v: _check_field("jurisdictions", v),
    )
    officer_name = _valid("Privacy officer's name", lambda v: v.strip() or _bad("give a name"))
    officer_email = _valid(
        "Privacy officer's email",
        lambda v: PrivacyOfficerAnswer(name=officer_name, email=v).email,
    )
    stdout.print("Kinds of data: " + ", ".join(BUILT_IN_CATEGORIES))
    kinds = _valid(
        "What kinds of data do you hold (comma-separated)",
        lambda v: _check_field("data_kinds", v),
    )
    subjects = _valid(
        "Whose data is it (groups of people, comma-separated, e.g. residents)",
        lambda v: _check_field("subjects", v),
    )
    people = _valid(
        "About how many people (a number; blank if unknown)",
        lambda v: None if not v.strip() else _people(v),
        default="",
    )
    hosted_by = _choice("Who hosts the data", [h.value for h in HostedBy], "self")
    provider = None
    if hosted_by == HostedBy.THIRD_PARTY.value:
        provider = _valid("Hosting provider's name", lambda v: v.strip() or _bad("give a name"))
    location = _valid(
        "Where is it hosted (ISO code; blank if unknown)",
        lambda v: None if not v.strip() else HostingAnswer(location=v.strip().upper()).location,
        default="",
    )
    access = split_list(typer.prompt("Who has access (comma-separated)", default=""))
    origin = _choice("Where did the data come from", [o.value for o in Origin], "data_subjects")
    basis = _choice(
        "On what legal basis was it collected", [b.value for b in LegalBasis], "consent"
    )
    lawful = _choice(
        "Has anyone checked it was collected lawfully", [x.value for x in Lawfulness], "unknown"
    )
    raw: dict[str, Any] = {
        "organization": name,
        "kind": kind,
        "jurisdictions": jurisdictions,
        "privacy_officer": {"name": officer_name, "email": officer_email},
        "data_kinds": kinds,
        "subjects": subjects,
        "people": people,
        "hosting": {"by": hosted_by, "provider": provider, "location": location},
        "access": access,
        "cross_border_transfers": typer.confirm("Does data cross borders", default=False),
        "children": typer.confirm("Is any of it about children", default=False),
        "special_categories": typer.confirm(
            "Does it include special categories (health, religion, ethnicity, ...)",
            default=False,
        ),
        "source": SourceAnswer(origin=origin, basis=basis, lawfully_collected=lawful),
        "shared_with_external_analysts": typer.confirm(
            "Is it shared with outside analysts", default=False
        ),
    }
    try:
        return Answers.model_validate(raw)
    except ValidationError as error:  # pragma: no cover - each answer was checked above
        raise StewardError(f"the answers are not valid: {error}") from None


def _valid(question: str, parse: Callable[[str], _T], default: str | None = None) -> _T:
    """Prompt until ``parse`` accepts the answer; show its complaint in between."""
    while True:
        answer: str = typer.prompt(question, default=default, show_default=bool(default))
        try:
            return parse(answer)
        except (ValueError, ValidationError) as error:
            stderr.print(f"  [yellow]{escape(_plain(error))}[/]", markup=True)


def _choice(question: str, choices: list[str], default: str) -> str:
    """Prompt until the answer is one of ``choices`` (the choices are shown)."""

    def parse(answer: str) -> str:
        value = answer.strip().lower().replace(" ", "_")
        if value not in choices:
            raise ValueError(f"'{answer}' is not one of: {', '.join(choices)}")
        return value

    return _valid(f"{question} [{'/'.join(choices)}]", parse, default=default)


def _check_field(name: str, value: str) -> Any:
    probe = {
        "organization": "x",
        "jurisdictions": "US",
        "privacy_officer": {"name": "x", "email": "x@example.org"},
        "data_kinds": ["contact"],
        "subjects": ["x"],
    }
    return getattr(Answers.model_validate(probe | {name: value}), name)


def _people(text: str) -> int:
    number = int(text.strip().replace(",", "").replace("_", ""))
    if number < 0:
        raise ValueError("the number of people cannot be negative")
    return number


def _bad(message: str) -> Any:
    raise ValueError(message)


def _plain(error: ValueError | ValidationError) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            answer_message(e, tuple(e["loc"])) for e in error.errors(include_url=False)
        )
    text = str(error)
    if text.startswith("invalid literal for int()"):
        return "write a whole number, e.g. 5000"
    return text
