"""``steward init``: answer the data-security questionnaire and get a starting plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.text import Text

from steward.cli.errors import EXIT_UNUSABLE, plain_console, print_error, stderr, user_errors
from steward.errors import StewardError
from steward.policy import BUILT_IN_CATEGORIES, load_plan_text
from steward.policy.checks import PLACEHOLDER_RULES, CheckReport, Finding, Severity, run_checks
from steward.policy.model import HostedBy, Lawfulness, LegalBasis, OrganizationKind, Origin
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

stdout = plain_console()
PLAN_NAME = "plan.yaml"
PLACEHOLDER_RULE = PLACEHOLDER_RULES[0].id

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
    _report(target, result.classification.describe(), report)
    steps = []
    if any(f.rule == PLACEHOLDER_RULE for f in report.findings):
        steps.append(
            "replace every TODO placeholder (listed above and at the top of the file): "
            "until then the plan is a draft that fails 'steward policy check', gets "
            "documents only with --draft, and the vault will not run under it"
        )
    if any(f.rule != PLACEHOLDER_RULE for f in _errors(report)):
        steps.append("fix the other errors above: they follow from your answers")
    steps += [
        "remove every field you do not need, and check the suggested retention periods",
        f"steward policy check {target}",
        f"steward policy docs {target} --out {directory / 'docs'}",
    ]
    stdout.print("next steps:")
    for number, step in enumerate(steps, 1):
        stdout.print(f"  {number}. {step}")


def _errors(report: CheckReport) -> list[Finding]:
    return [f for f in report.findings if f.severity is Severity.ERROR]


def _report(target: Path, tier: str, report: CheckReport) -> None:
    """What was written and how it fares: placeholders first, then other errors."""
    errors = _errors(report)
    todos = [f for f in errors if f.rule == PLACEHOLDER_RULE]
    others = [f for f in errors if f.rule != PLACEHOLDER_RULE]
    stdout.print(f"wrote {target}")
    stdout.print(Text.assemble("tier: ", (tier, "bold")))
    warnings = report.count(Severity.WARNING)
    stdout.print(f"check: {_count(len(errors), 'error')}, {_count(warnings, 'warning')}")
    if todos:
        stdout.print(
            f"  {_count(len(todos), 'placeholder')} to fill in ({PLACEHOLDER_RULE}): the plan "
            "passes the checks only once each TODO is replaced with your own answer:"
        )
        for finding in todos:
            stdout.print(f"    {finding.file}:{finding.line}:{finding.column}: {finding.path}")
    for finding in others:
        # These follow from the answers themselves (e.g. lawfulness not confirmed).
        where = f"{finding.file}:{finding.line}:{finding.column}"
        stdout.print(
            Text.assemble(f"  {where}: ", (finding.rule, "bold red"), f" {finding.message}")
        )
        stdout.print(Text.assemble("      ", ("fix:", "dim"), f" {finding.hint}"))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fail(message: str) -> None:
    print_error(message)
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
    stdout.print(
        Text.assemble(
            ("Data-security questionnaire", "bold"), " (Ctrl-C to stop; nothing is written)"
        )
    )
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
            stderr.print(Text(f"  {_plain(error)}", style="yellow"))


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
