"""What an intake submission may contain, decided from the plan alone.

:func:`check_submission` returns every problem at once, keyed by field (or ``""`` for
the submission as a whole), so a form can show them all and an API can list them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from steward.policy.model import (
    Dataset,
    DatasetKind,
    FieldSpec,
    InputKind,
    LegalBasis,
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


def consent_purposes(plan: Plan, dataset: Dataset) -> list[str]:
    """Ids of consent-based purposes that collected fields of ``dataset`` serve, in plan order."""
    used = {p for spec in dataset.collected_fields for p in spec.purposes}
    return [p.id for p in plan.purposes if p.id in used and p.legal_basis is LegalBasis.CONSENT]


def asks_age(plan: Plan, dataset: Dataset) -> bool:
    """Whether the form must ask if the person is under the plan's age threshold."""
    del dataset  # every form asks when the plan has a rule for minors
    return plan.minors is not None


def check_submission(plan: Plan, submission: Submission) -> Verdict:
    """Decide whether ``submission`` may be stored under ``plan``.

    Refused: an unknown or non-intake dataset; undeclared fields (all listed); any
    field marked ``never`` (its answer must not reach storage by any path); missing
    required answers; values of the wrong form; opt-ins to purposes that are not
    consent-based; answers whose only purposes the person did not agree to; and,
    under the plan's minors rule, children without a guardian's consent (or at all).
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
        value = submission.answers.get(name)
        problem = _field_problem(plan, spec, value, submission.consents)
        if problem:
            problems[name] = problem
    refused = _refuses_minor(plan, submission)
    if refused and plan.minors and plan.minors.policy is MinorsPolicy.GUARDIAN_CONSENT:
        problems["guardian_consent"] = "a parent or guardian must agree for someone this young"
        refused = False
    return Verdict(problems, refused)


def _field_problem(
    plan: Plan, spec: FieldSpec, value: str | None, consents: frozenset[str]
) -> str | None:
    if spec.never:
        return None if value is None else "this answer is never recorded; leave it out"
    blank = value is None or not value.strip()
    if blank:
        return "this answer is required" if spec.required else None
    assert value is not None
    if len(value) > MAX_VALUE_CHARS:
        return f"at most {MAX_VALUE_CHARS} characters"
    form = _form_problem(spec, value.strip())
    if form:
        return form
    basis = {p.id: p.legal_basis for p in plan.purposes}
    purposes = spec.purposes
    only_consent = purposes and all(basis.get(p) is LegalBasis.CONSENT for p in purposes)
    if only_consent and not consents.intersection(purposes):
        return "you gave this answer but did not agree to the purpose it is asked for"
    return None


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
