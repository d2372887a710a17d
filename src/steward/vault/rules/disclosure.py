"""Whether a disclosure of identified records may be opened, approved, refused, withdrawn
or delivered: a pure rule of the plan's ``disclosure`` section, its recipients, the
fields asked for and the people's consent answers.

Opening (:func:`decide_opening`) is refused, with a plain reason, when:

* the plan has no ``disclosure`` section, or the one acting is not a signed-in staff
  person in good standing (:mod:`~steward.vault.rules.staff_standing`);
* the ground is not one of the plan's ``allowed_grounds``, or is not sufficient on its
  own (staff discretion, an informal request);
* a plan recipient is named that may receive only counts or de-identified extracts, or
  may not receive a field's category, or serves none of a field's purposes;
* no plan recipient is named (an outside party: a court, an agency) and the ground is
  not a legal order (court order, warrant, subpoena, statutory obligation);
* a field is one the plan never records (``never``), or is of a special category, a
  vulnerable status (immigration, criminal history, victim status) or children's data
  and the ground is not a legal order. So such a field never goes out on consent
  alone, nor to a plan recipient on any other ground than a legal order; under a
  legal order the fields asked are those the order names, which the approver checks
  against the document;
* the requester's role has no ``export`` grant over a field;
* consent is the ground and a person has not agreed (refused, never answered, or
  withdrew) to a purpose the disclosure serves (a purpose of the recipient that a
  field serves), or that purpose does not rest on consent at all (nobody was asked).

Approving (:func:`decide_step`): only a role in ``disclosure.approver_roles``, never
the requester when ``approver_not_requester``, and only while the request is
``requested``. The approver may narrow it (fewer fields or records: compliance
``partial``, :func:`narrowing_refusal`) or refuse it with a reason. The requester
withdraws a request still waiting. A prohibition of notice (a gag order) is recorded at
approval, with its reason and end date, and is refused where the plan says the person
is ``always`` told (:func:`prohibition_refusal`). Delivery is by an approver (not the
requester when a second person is required), of an approved request, once
``deliver_after`` is past and no person's objection is left undecided.

Plain Python: no Django, no database, no clock (time is passed in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from steward.policy import Decision, decide
from steward.policy.model import (
    Action,
    Dataset,
    FieldSpec,
    LegalBasis,
    LegalGround,
    Notification,
    Plan,
    Recipient,
)
from steward.vault.rules.own_choices import serves_purpose
from steward.vault.rules.reveal import ConsentState
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal

__all__ = [
    "DONE_BY",
    "DisclosureAsk",
    "DisclosureState",
    "DisclosureStep",
    "Pending",
    "compliance_of",
    "decide_opening",
    "decide_step",
    "narrowing_refusal",
    "prohibition_refusal",
    "received_purposes",
    "withheld_field",
]

DONE_BY: Final = "a disclosure is asked for, approved and delivered"
"""Completes the staff-standing refusal: "... by a person with a staff account"."""


class DisclosureState(StrEnum):
    """Where a disclosure request stands (the model's ``state``)."""

    REQUESTED = "requested"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    APPROVED = "approved"
    DELIVERED = "delivered"
    EXPIRED = "expired"


class DisclosureStep(StrEnum):
    """What a staff member does to an open disclosure request."""

    APPROVE = "approve"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    DELIVER = "deliver"
    READ_DOCUMENT = "read_document"


@dataclass(frozen=True)
class DisclosureAsk:
    """What a new request asks for: the facts :func:`decide_opening` looks at.

    ``consents`` holds the consent answers of each record's person (one mapping per
    record asked for); they are looked at only when consent is the ground.
    """

    dataset: Dataset
    ground: str
    fields: Sequence[str]
    recipient: str = ""
    party: str = ""
    consents: Sequence[Mapping[str, ConsentState]] = field(default_factory=tuple)


@dataclass(frozen=True)
class Pending:
    """What the rule looks at on an existing request."""

    state: DisclosureState
    requested_by: int
    deliver_after: datetime | None = None
    objections_open: int = 0
    """Objections of people not yet dropped or confirmed by an approver."""


def _ground(value: str) -> LegalGround | None:
    try:
        return LegalGround(value)
    except ValueError:
        return None


def _recipient(plan: Plan, recipient_id: str) -> Recipient | None:
    return next((r for r in plan.recipients if r.id == recipient_id), None)


def withheld_field(plan: Plan, spec: FieldSpec, ground: LegalGround) -> str | None:
    """Why ``spec`` may not go out on ``ground``, or ``None`` when it may.

    A ``never`` field holds nothing to give. A field of a special category, a
    vulnerable status or children's data goes out only on a legal order.
    """
    if spec.never:
        return f"'{spec.name}' is never recorded, so it is never disclosed"
    try:
        category = plan.category(spec.category)
    except KeyError:
        return f"'{spec.name}' is of a category the plan does not know"
    if category.needs_explicit_basis and not ground.is_legal_order:
        return (
            f"'{spec.name}' is {category.label.lower()}: it is disclosed only on a legal "
            f"order that names it, never on {ground.value.replace('_', ' ')}"
        )
    return None


def received_purposes(recipient: Recipient, specs: Sequence[FieldSpec]) -> frozenset[str]:
    """The purposes a disclosure to ``recipient`` of ``specs`` serves: the recipient's
    purposes that some field serves."""
    return frozenset(p for s in specs for p in s.purposes if p in recipient.purposes)


def _recipient_refusal(recipient: Recipient, specs: Sequence[FieldSpec]) -> str | None:
    if recipient.aggregates_only:
        return f"'{recipient.id}' receives only counts with small groups suppressed"
    if recipient.deidentified_only:
        return f"'{recipient.id}' receives only de-identified extracts"
    for spec in specs:
        if spec.category not in recipient.categories:
            return f"'{recipient.id}' may not receive '{spec.name}' (category {spec.category})"
        if not any(p in recipient.purposes for p in spec.purposes):
            return f"'{recipient.id}' serves none of the purposes of '{spec.name}'"
    return None


def _consent_refusal(
    plan: Plan, purposes: frozenset[str], consents: Sequence[Mapping[str, ConsentState]]
) -> str | None:
    consent_based = {p.id for p in plan.purposes if p.legal_basis is LegalBasis.CONSENT}
    for purpose in sorted(purposes):
        if purpose not in consent_based:
            return (
                f"consent is the ground, but the plan asks nobody's consent to '{purpose}'; "
                "a disclosure for it needs another ground"
            )
    for number, states in enumerate(consents, start=1):
        for purpose in sorted(purposes):
            if not serves_purpose(plan, purpose, states):
                said = states.get(purpose, ConsentState.NOT_AGREED).value
                return (
                    f"consent is the ground, but the person of record {number} has not "
                    f"agreed to '{purpose}' ({said})"
                )
    return None


def _first_refusal(plan: Plan, who: StaffStanding) -> str | None:
    """Why nothing may be done at all: no disclosure section, or not a staff person in
    good standing."""
    if plan.disclosure is None:
        return "the plan allows no disclosures (it has no disclosure section)"
    return standing_refusal(who, DONE_BY)


def decide_opening(plan: Plan, who: StaffStanding, ask: DisclosureAsk) -> Decision:
    """Whether ``who`` may open the disclosure ``ask`` describes. Never raises; the
    reason says why in plain words and names no person."""
    rules, refusal = plan.disclosure, _first_refusal(plan, who)
    if rules is None or refusal is not None:
        return Decision(False, refusal or "")
    ground = _ground(ask.ground)
    if ground is None or ground not in rules.allowed_grounds:
        allowed = ", ".join(g.value for g in rules.allowed_grounds) or "none"
        return Decision(False, f"the plan does not allow '{ask.ground}' (allowed: {allowed})")
    if not ground.sufficient:
        return Decision(False, f"'{ground.value}' cannot justify a disclosure on its own")
    if not ask.fields:
        return Decision(False, "name at least one field to disclose")
    if not ask.consents:
        return Decision(False, "name at least one record to disclose")
    specs: list[FieldSpec] = []
    for name in ask.fields:
        try:
            spec = ask.dataset.field(name)
        except KeyError:
            return Decision(False, f"'{ask.dataset.id}' has no field '{name}'")
        why = withheld_field(plan, spec, ground)
        if why:
            return Decision(False, why)
        if not decide(who.role, Action.EXPORT, spec).allowed:
            return Decision(
                False, f"the role '{who.role.id}' has no export grant over '{spec.name}'"
            )
        specs.append(spec)
    if ask.recipient:
        recipient = _recipient(plan, ask.recipient)
        if recipient is None:
            return Decision(False, f"the plan has no recipient '{ask.recipient}'")
        why = _recipient_refusal(recipient, specs)
        if why:
            return Decision(False, why)
    else:
        if not ask.party.strip():
            return Decision(False, "name the recipient: a plan recipient, or the outside party")
        if not ground.is_legal_order:
            return Decision(
                False,
                "an outside party that is not one of the plan's recipients receives data "
                "only on a legal order",
            )
        recipient = None
    # Consent is never the ground of an outside party: it is not a legal order.
    if ground is LegalGround.CONSENT and recipient is not None:
        why = _consent_refusal(plan, received_purposes(recipient, specs), ask.consents)
        if why:
            return Decision(False, why)
    return Decision(True, f"'{ground.value}' is an allowed ground and every field may go out")


_FROM: Final = {
    DisclosureStep.APPROVE: DisclosureState.REQUESTED,
    DisclosureStep.REFUSE: DisclosureState.REQUESTED,
    DisclosureStep.WITHDRAW: DisclosureState.REQUESTED,
    DisclosureStep.DELIVER: DisclosureState.APPROVED,
}
_WORD: Final = {
    DisclosureStep.APPROVE: "approved",
    DisclosureStep.REFUSE: "refused",
    DisclosureStep.WITHDRAW: "withdrawn",
    DisclosureStep.DELIVER: "delivered",
}


def decide_step(
    plan: Plan,
    who: StaffStanding,
    step: DisclosureStep,
    pending: Pending,
    *,
    now: datetime | None = None,
) -> Decision:
    """Whether ``who`` may take ``step`` on ``pending``. ``now`` is needed to deliver.
    Never raises; the reason names the rule, never a person."""
    rules, refusal = plan.disclosure, _first_refusal(plan, who)
    if rules is None or refusal is not None:
        return Decision(False, refusal or "")
    own = pending.requested_by == who.user_id
    approver = who.role.id in rules.approver_roles
    if step is DisclosureStep.READ_DOCUMENT:
        if own or approver:
            return Decision(True, "the requester and the approvers read the document")
        return Decision(False, "only the requester and the approvers read the document")
    if pending.state is not _FROM[step]:
        return Decision(
            False, f"the request is {pending.state.value}, so it cannot be {_WORD[step]}"
        )
    if step is DisclosureStep.WITHDRAW:
        if own:
            return Decision(True, "the requester withdraws a request still waiting")
        return Decision(False, "only the person who asked withdraws a request")
    if not approver:
        return Decision(
            False, f"the plan does not let the role '{who.role.id}' approve disclosures"
        )
    if own and rules.approver_not_requester:
        return Decision(
            False,
            f"someone other than the person who asked must {step.value} a disclosure: "
            "nobody approves their own request",
        )
    if step is DisclosureStep.DELIVER:
        if pending.deliver_after is None or now is None or now < pending.deliver_after:
            return Decision(
                False, "the people told have not yet had the time the plan gives them to object"
            )
        if pending.objections_open:
            return Decision(
                False,
                f"{pending.objections_open} objection(s) are undecided: drop those records "
                "or confirm them with a reason",
            )
        return Decision(True, "an approver delivers an approved request")
    return Decision(True, "the plan lets this role decide disclosures")


def narrowing_refusal(
    fields_asked: Sequence[str],
    fields_kept: Sequence[str],
    records_asked: Sequence[str],
    records_kept: Sequence[str],
) -> str | None:
    """Why an approval keeping ``fields_kept`` of ``records_kept`` is not a narrowing of
    the request, or ``None``: an approver keeps some of what was asked, never more."""
    if not fields_kept:
        return "keep at least one field, or refuse the request"
    if not records_kept:
        return "keep at least one record, or refuse the request"
    extra = [f for f in fields_kept if f not in fields_asked]
    if extra:
        return f"'{extra[0]}' was not asked for: an approval may only narrow a request"
    if any(r not in records_asked for r in records_kept):
        return "a record that was not asked for: an approval may only narrow a request"
    return None


def compliance_of(
    fields_asked: Sequence[str],
    fields_kept: Sequence[str],
    records_asked: Sequence[str],
    records_kept: Sequence[str],
) -> str:
    """``full`` when everything asked is kept, else ``partial``."""
    whole = set(fields_kept) == set(fields_asked) and set(records_kept) == set(records_asked)
    return "full" if whole else "partial"


def prohibition_refusal(
    plan: Plan, until: datetime | None, reason: str, now: datetime
) -> str | None:
    """Why a prohibition of notice ending ``until`` may not be recorded, or ``None``
    (also when none is asked: ``until`` is ``None`` and ``reason`` empty)."""
    if until is None and not reason.strip():
        return None
    rules = plan.disclosure
    if rules is not None and rules.notify_subject is Notification.ALWAYS:
        return "the plan says the person is always told: notice cannot be prohibited"
    if until is None or not reason.strip():
        return "a prohibition of notice needs both its reason and the date it ends"
    if until <= now:
        return "a prohibition of notice must end in the future"
    return None
