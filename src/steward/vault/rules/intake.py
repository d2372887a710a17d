"""What an intake submission may contain, decided from the plan alone.

:func:`check_submission` returns every problem at once, keyed by field (or ``""`` for
the submission as a whole), so a form can show them all and an API can list them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from steward.policy import consent_purposes as consent_purposes  # re-exported
from steward.policy import only_consent
from steward.policy.model import (
    Dataset,
    DatasetKind,
    FieldSpec,
    InputKind,
    MinorsPolicy,
    Plan,
)

MAX_VALUE_CHARS: Final = 10_000
_EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE: Final = re.compile(r"^[+()0-9 .\-]{5,30}$")
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER: Final = re.compile(r"^-?\d+(\.\d+)?$")
BOOLEAN_VALUES: Final = frozenset({"yes", "no"})


@dataclass(frozen=True)
class Submission:
    """What a person sent: answers by field name, the purposes they opted in to, and
    their statements about age and a guardian's consent."""

    dataset: str
    answers: Mapping[str, str]
    consents: frozenset[str] = frozenset()
    under_age: bool = False
    guardian_consent: bool = False


@dataclass(frozen=True)
class Verdict:
    """The decision on a submission: problems by field, and what may be stored."""

    problems: dict[str, str] = field(default_factory=dict)
    refused_minor: bool = False

    @property
    def accepted(self) -> bool:
        """Whether the submission may be stored."""
        return not self.problems and not self.refused_minor


def asks_age(plan: Plan, dataset: Dataset) -> bool:
    """Whether the form must ask if the person is under the plan's age threshold."""
    del dataset  # every form asks when the plan has a rule for minors
    return plan.minors is not None


def check_submission(plan: Plan, submission: Submission) -> Verdict:
    """Decide whether ``submission`` may be stored under ``plan``.

    Refused: an unknown or non-intake dataset; undeclared fields (all listed); any
    field marked ``never`` (its answer must not reach storage by any path); missing
    required answers; values of the wrong form; opt-ins to purposes that are not
    consent-based; answers whose only purposes rest on consent the person did not
    give; and, under the plan's minors rule, children without a guardian's consent
    (or at all).

    An answer that may be kept only with consent is never stored without it, and never
    silently dropped either: the problem is put on the opt-in box (``consent:<purpose>``),
    which is what the person must change (tick it, or clear the answer). A required
    question that serves only consent purposes makes its box needed to send the form.
    """
    try:
        dataset = plan.dataset(submission.dataset)
    except KeyError:
        return Verdict({"": f"there is no dataset '{submission.dataset}'"})
    if dataset.kind is not DatasetKind.INTAKE_FORM:
        return Verdict({"": f"'{dataset.id}' is not an intake form"})
    problems: dict[str, str] = {}
    declared = {spec.name: spec for spec in dataset.fields}
    undeclared = sorted(set(submission.answers) - set(declared))
    if undeclared:
        problems[""] = "undeclared fields: " + ", ".join(undeclared)
    consentable = set(consent_purposes(plan, dataset))
    known = {p.id for p in plan.purposes}
    for purpose in sorted((submission.consents - consentable) & known):
        problems[f"consent:{purpose}"] = f"'{purpose}' is not a purpose you can agree to here"
    unknown = len(submission.consents - known)
    if unknown:
        problems["consent"] = f"{unknown} ticked purpose(s) are not purposes of this plan"
    for name, spec in declared.items():
        problem = _field_problem(spec, submission.answers.get(name))
        if problem:
            problems[name] = problem
    problems.update(_missing_consents(plan, dataset, submission))
    refused = _refuses_minor(plan, submission)
    if refused and plan.minors and plan.minors.policy is MinorsPolicy.GUARDIAN_CONSENT:
        problems["guardian_consent"] = "a parent or guardian must agree for someone this young"
        refused = False
    return Verdict(problems, refused)


def check_row(plan: Plan, dataset_id: str, answers: Mapping[str, str]) -> dict[str, str]:
    """Every problem with storing ``answers`` as one row of the table ``dataset_id``.

    The same rules as an intake answer (:func:`check_submission`), field by field:
    undeclared fields (all listed, under ``""``), any value for a field marked ``never``,
    missing required values and values of the wrong form. A table row carries no
    person's opt-in, so a value for a field whose only purposes rest on consent is
    refused too. Refused as a whole: an unknown dataset, or one that is not a table
    (intake forms are filled in by the people themselves, with the notice and opt-ins).
    """
    try:
        dataset = plan.dataset(dataset_id)
    except KeyError:
        return {"": f"there is no dataset '{dataset_id}'"}
    if dataset.kind is not DatasetKind.TABLE:
        return {"": f"'{dataset.id}' is not a table"}
    problems: dict[str, str] = {}
    declared = {spec.name: spec for spec in dataset.fields}
    undeclared = sorted(set(answers) - set(declared))
    if undeclared:
        problems[""] = "undeclared fields: " + ", ".join(undeclared)
    for name, spec in declared.items():
        value = answers.get(name)
        problem = _field_problem(spec, value)
        if problem is None and value is not None and value.strip() and only_consent(plan, spec):
            problem = "kept only with the person's consent, which a table row does not record"
        if problem:
            problems[name] = problem
    return problems


def _missing_consents(plan: Plan, dataset: Dataset, submission: Submission) -> dict[str, str]:
    """Problems on the opt-in boxes: answers given (or required) whose only purposes rest
    on consent the person did not give. Keyed ``consent:<purpose>``, the first such
    purpose in plan order; the message names the questions concerned."""
    needed: dict[str, list[str]] = {}
    answered: dict[str, list[str]] = {}
    labels = {p.id: p.label for p in plan.purposes}
    for spec in dataset.collected_fields:
        purposes = only_consent(plan, spec)
        if not purposes or submission.consents.intersection(purposes):
            continue
        value = submission.answers.get(spec.name)
        given = value is not None and bool(value.strip())
        box = f"consent:{purposes[0]}"
        if spec.required:
            needed.setdefault(box, []).append(spec.label)
        elif given:
            answered.setdefault(box, []).append(spec.label)
    problems: dict[str, str] = {}
    for box, questions in needed.items():
        problems[box] = (
            "tick this box to send the form: we can use your answers to "
            f"{_quoted(questions)} only if you agree to "
            f"'{labels[box.removeprefix('consent:')]}'. If you do not agree, do not send the "
            "form; nothing you typed is kept"
        )
    for box, questions in answered.items():
        if box not in problems:
            problems[box] = (
                f"you answered {_quoted(questions)}, which we use only if you agree to this: "
                "tick this box, or clear that answer"
            )
    return problems


def _quoted(labels: list[str]) -> str:
    quoted = [f"'{label}'" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _field_problem(spec: FieldSpec, value: str | None) -> str | None:
    if spec.never:
        return None if value is None else "this answer is never recorded; leave it out"
    blank = value is None or not value.strip()
    if blank:
        return "this answer is required" if spec.required else None
    assert value is not None
    if len(value) > MAX_VALUE_CHARS:
        return f"at most {MAX_VALUE_CHARS} characters"
    return _form_problem(spec, value.strip())


def value_problem(spec: FieldSpec, value: str) -> str | None:
    """What is wrong with storing ``value`` in ``spec`` (staff edits), or ``None``.

    Refused: any value for a field marked ``never``, an over-long value, and a value of
    the wrong form (a choice not listed, a malformed email, phone number, date, number
    or yes/no). An empty value clears the field unless it is required.
    """
    if spec.never:
        return "this answer is never recorded"
    text = value.strip()
    if not text:
        return "this answer is required" if spec.required else None
    if len(text) > MAX_VALUE_CHARS:
        return f"at most {MAX_VALUE_CHARS} characters"
    return _form_problem(spec, text)


def _form_problem(spec: FieldSpec, value: str) -> str | None:
    kind = spec.input
    if kind is InputKind.CHOICE and spec.choices and value not in spec.choices:
        return "choose one of the listed answers"
    if kind is InputKind.EMAIL and not _EMAIL.match(value):
        return "this is not an email address"
    if kind is InputKind.PHONE and not _PHONE.match(value):
        return "this is not a phone number"
    if kind is InputKind.DATE and not _DATE.match(value):
        return "write the date as YYYY-MM-DD"
    if kind is InputKind.NUMBER and not _NUMBER.match(value):
        return "this is not a number"
    if kind is InputKind.BOOLEAN and value not in BOOLEAN_VALUES:
        return "answer yes or no"
    return None


def _refuses_minor(plan: Plan, submission: Submission) -> bool:
    if plan.minors is None or not submission.under_age:
        return False
    if plan.minors.policy is MinorsPolicy.REFUSE:
        return True
    return not submission.guardian_consent
