"""Public intake forms, generated from a plan dataset, and the reading of what was posted.

Nothing here is hard-coded per form: :func:`build_form` turns a plan dataset into a
view-model the template prints (questions split into required and voluntary, the
purposes beside each, the questions never recorded, one opt-in per consent-based
purpose and the age questions), and :func:`read_post` turns posted data into a
:class:`~steward.vault.rules.intake.Submission`, refusing any name the form does not
have. Plain Python over plan objects: no Django, so it is tested without a request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from steward.policy import needed_consents
from steward.policy.documents import purpose_labels
from steward.policy.model import Dataset, FieldSpec, InputKind, MinorsPolicy, Plan
from steward.vault.rules.intake import Submission, asks_age, consent_purposes

CSRF_CONTROL: Final = "csrfmiddlewaretoken"
CONSENT_CONTROL: Final = "opt-in"
UNDER_AGE_CONTROL: Final = "under-age"
GUARDIAN_CONTROL: Final = "guardian-consent"
"""Names of our own controls. Plan field names cannot contain ``-``, so they never clash."""

_INPUT_TYPES: Final = {
    InputKind.TEXT: "text",
    InputKind.EMAIL: "email",
    InputKind.PHONE: "tel",
    InputKind.DATE: "date",
    InputKind.NUMBER: "number",
}
_AUTOCOMPLETE: Final = {InputKind.EMAIL: "email", InputKind.PHONE: "tel"}
_SHOWN_NAMES: Final = 20
_SHOWN_NAME_CHARS: Final = 64


@dataclass(frozen=True)
class Question:
    """One answerable field as the form shows it.

    ``widget`` is ``input``, ``textarea``, ``select`` or ``radios``; ``input_type`` is
    the HTML type of an ``input``.
    """

    name: str
    label: str
    widget: str
    input_type: str
    required: bool
    purposes: tuple[str, ...]
    help: str | None
    choices: tuple[str, ...]
    value: str
    error: str | None
    autocomplete: str | None

    @property
    def id(self) -> str:
        """The control's element id (prefixed, so it cannot clash with the page's ids)."""
        return f"field-{self.name}"

    @property
    def described_by(self) -> str:
        """Ids of the purpose, help and error texts, for ``aria-describedby``."""
        ids = [f"{self.id}-purpose"]
        if self.help:
            ids.append(f"{self.id}-help")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclass(frozen=True)
class NeverNote:
    """A question the organization never records, and why."""

    label: str
    reason: str


@dataclass(frozen=True)
class OptIn:
    """The opt-in box of one consent-based purpose; ``needed`` when the form cannot be
    sent without it (a required question serves only consent purposes)."""

    purpose: str
    label: str
    consent_text: str
    fields: tuple[str, ...]
    checked: bool
    error: str | None
    needed: bool = False

    @property
    def id(self) -> str:
        """The checkbox's element id."""
        return f"opt-in-{self.purpose}"


@dataclass(frozen=True)
class AgeQuestion:
    """The plan's rule for children, as questions: am I under the threshold, and (when
    the plan allows children with a guardian's agreement) does my guardian agree."""

    threshold: int
    guardian: bool
    under_age: bool
    guardian_consent: bool
    error: str | None


@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary: the element it points to and the message."""

    target: str
    label: str
    message: str


@dataclass(frozen=True)
class IntakeForm:
    """Everything an intake form page shows, in the order it shows it."""

    dataset: Dataset
    required: tuple[Question, ...]
    voluntary: tuple[Question, ...]
    never: tuple[NeverNote, ...]
    opt_ins: tuple[OptIn, ...]
    age: AgeQuestion | None
    errors: tuple[ErrorLink, ...] = ()

    @property
    def needed_opt_ins(self) -> tuple[OptIn, ...]:
        """The boxes the form cannot be sent without, shown apart and said to be needed."""
        return tuple(o for o in self.opt_ins if o.needed)

    @property
    def optional_opt_ins(self) -> tuple[OptIn, ...]:
        """The boxes the person may leave empty and still be helped."""
        return tuple(o for o in self.opt_ins if not o.needed)

    @property
    def sealed(self) -> bool:
        """Whether answers are encrypted to a key only the organization's staff hold."""
        return self.dataset.sealed


@dataclass(frozen=True)
class Refusal:
    """A post the form could not have sent: names it does not have, names of questions
    never recorded, and answers sent more than once. Names are shortened for display."""

    undeclared: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    repeated: tuple[str, ...] = ()


@dataclass(frozen=True)
class Posted:
    """What a person sent, kept for showing the form again (``never`` answers are never
    part of it), and the submission made from it."""

    submission: Submission
    values: dict[str, str] = field(default_factory=dict)


def build_form(
    plan: Plan,
    dataset: Dataset,
    posted: Posted | None = None,
    problems: Mapping[str, str] | None = None,
) -> IntakeForm:
    """The form of ``dataset``, empty or filled with ``posted`` and marked with ``problems``
    (field name, ``consent:<purpose>``, ``guardian_consent`` or ``""`` -> message).

    Opt-ins are ticked only when ``posted`` says the person ticked them.
    """
    problems = dict(problems or {})
    values = posted.values if posted else {}
    submission = posted.submission if posted else None
    questions = [
        _question(plan, spec, values.get(spec.name, ""), problems.get(spec.name))
        for spec in dataset.collected_fields
    ]
    needed = set(needed_consents(plan, dataset))
    opt_ins = tuple(
        _opt_in(plan, dataset, pid, submission, problems, needed=pid in needed)
        for pid in consent_purposes(plan, dataset)
    )
    age = _age_question(plan, dataset, submission, problems.get("guardian_consent"))
    errors = _error_links(questions, opt_ins, age, problems)
    return IntakeForm(
        dataset=dataset,
        required=tuple(q for q in questions if q.required),
        voluntary=tuple(q for q in questions if not q.required),
        never=tuple(
            NeverNote(spec.label, spec.never_reason or "none of our purposes needs it")
            for spec in dataset.fields
            if spec.never
        ),
        opt_ins=opt_ins,
        age=age,
        errors=errors,
    )


def read_post(
    plan: Plan, dataset: Dataset, posted: Mapping[str, Sequence[str]]
) -> Posted | Refusal:
    """The submission made from posted form data (name -> every value sent), or a
    :class:`Refusal` when the post holds a name this form does not have, an answer to a
    question never recorded (even an empty one), or one answer sent several times.

    Only the dataset's declared field names are read as answers; our consent and age
    controls are read only when this form has them.
    """
    declared = {spec.name: spec for spec in dataset.fields}
    controls = set(_own_controls(plan, dataset))
    undeclared = sorted(n for n in posted if n not in declared and n not in controls)
    never = sorted(n for n in posted if n in declared and declared[n].never)
    repeated = sorted(
        n for n, v in posted.items() if n in declared and n not in never and len(v) > 1
    )
    if undeclared or never or repeated:
        return Refusal(shown_names(undeclared), shown_names(never), shown_names(repeated))
    values = {name: posted[name][0] for name in declared if posted.get(name)}
    consents = frozenset(posted.get(CONSENT_CONTROL, ()))
    submission = Submission(
        dataset=dataset.id,
        answers=dict(values),
        consents=consents,
        under_age=UNDER_AGE_CONTROL in posted,
        guardian_consent=GUARDIAN_CONTROL in posted,
    )
    return Posted(submission, values)


def _own_controls(plan: Plan, dataset: Dataset) -> list[str]:
    controls = [CSRF_CONTROL]
    if consent_purposes(plan, dataset):
        controls.append(CONSENT_CONTROL)
    if asks_age(plan, dataset):
        controls.append(UNDER_AGE_CONTROL)
        if plan.minors is not None and plan.minors.policy is MinorsPolicy.GUARDIAN_CONSENT:
            controls.append(GUARDIAN_CONTROL)
    return controls


def shown_names(names: list[str]) -> tuple[str, ...]:
    """``names`` shortened for display: at most 20, each at most 64 characters."""
    shown = [n if len(n) <= _SHOWN_NAME_CHARS else n[:_SHOWN_NAME_CHARS] + "…" for n in names]
    if len(shown) > _SHOWN_NAMES:
        shown = [*shown[:_SHOWN_NAMES], f"and {len(shown) - _SHOWN_NAMES} more"]
    return tuple(shown)


def _question(plan: Plan, spec: FieldSpec, value: str, error: str | None) -> Question:
    kind = spec.input
    if kind is InputKind.TEXTAREA:
        widget = "textarea"
    elif kind is InputKind.CHOICE:
        widget = "select"
    elif kind is InputKind.BOOLEAN:
        widget = "radios"
    else:
        widget = "input"
    return Question(
        name=spec.name,
        label=spec.label,
        widget=widget,
        input_type=_INPUT_TYPES.get(kind, "text"),
        required=spec.required,
        purposes=tuple(purpose_labels(plan, spec.purposes)),
        help=spec.help,
        choices=("yes", "no") if kind is InputKind.BOOLEAN else tuple(spec.choices),
        value=value,
        error=error,
        autocomplete=_AUTOCOMPLETE.get(kind),
    )


def _opt_in(
    plan: Plan,
    dataset: Dataset,
    purpose_id: str,
    submission: Submission | None,
    problems: Mapping[str, str],
    *,
    needed: bool,
) -> OptIn:
    purpose = plan.purpose(purpose_id)
    return OptIn(
        purpose=purpose.id,
        label=purpose.label,
        consent_text=purpose.consent_text or f"Yes, I agree to: {purpose.label}.",
        fields=tuple(s.label for s in dataset.collected_fields if purpose.id in s.purposes),
        checked=submission is not None and purpose.id in submission.consents,
        error=problems.get(f"consent:{purpose.id}"),
        needed=needed,
    )


def _age_question(
    plan: Plan, dataset: Dataset, submission: Submission | None, error: str | None
) -> AgeQuestion | None:
    if not asks_age(plan, dataset) or plan.minors is None:
        return None
    return AgeQuestion(
        threshold=plan.minors.age_threshold,
        guardian=plan.minors.policy is MinorsPolicy.GUARDIAN_CONSENT,
        under_age=submission is not None and submission.under_age,
        guardian_consent=submission is not None and submission.guardian_consent,
        error=error,
    )


def _error_links(
    questions: list[Question],
    opt_ins: tuple[OptIn, ...],
    age: AgeQuestion | None,
    problems: Mapping[str, str],
) -> tuple[ErrorLink, ...]:
    links = [ErrorLink(q.id, q.label, q.error) for q in questions if q.error]
    links += [ErrorLink(o.id, f"Your agreement: {o.label}", o.error) for o in opt_ins if o.error]
    if age is not None and age.error:
        links.append(ErrorLink("guardian-consent", "Parent or guardian", age.error))
    shown = {q.name for q in questions} | {f"consent:{o.purpose}" for o in opt_ins}
    if age is not None:
        shown.add("guardian_consent")
    for key, message in problems.items():
        if key not in shown:
            links.append(ErrorLink("form-errors", "This form", message))
    return tuple(links)
