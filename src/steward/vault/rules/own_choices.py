"""A person's own choices: which consents they may withdraw or give, whether a record
still serves a purpose, and whether their erasure is immediate. Pure rules of the plan.

* **Withdrawing** (``rights.withdraw_consent``): a purpose resting on consent that the
  person agreed to (an agreed answer, not withdrawn since) may be withdrawn. A
  withdrawal is the person's, not one form's: it ends their agreement on every record.
* **Giving later** (``rights.privacy_settings``): a consent purpose that a record's
  dataset asks for, not agreed now, may be given on that record, but only while the
  record still holds a field serving the purpose (a field deleted after a withdrawal
  never comes back, so there is nothing to agree to any more).
* **Serving a purpose** (:func:`serves_purpose`): a record serves a purpose resting on
  consent only while the person agrees to it; a purpose of any other basis is always
  served. Every use of a purpose asks this: exports of the access service, and the
  de-identified extracts of a later issue, which must use this same function.
* **Erasure** (:func:`erasure_route`): immediate where the plan offers erasure
  (``rights.erasure``) and no stored field of the person is kept by a purpose whose
  basis is a legal obligation and whose retention has not ended; otherwise a request
  staff answer, with the list of what is kept, why and until when.

Minors and guardians: where the plan's ``minors.policy`` is ``guardian_consent``, a
child's answers are given by a guardian and stored with ``by_guardian``. The access
code of the receipt is the only credential, so whoever holds it (the guardian who filled
in the form, or the young person once they hold the code) withdraws those answers
exactly as their own: :func:`decide_withdrawal` treats guardian answers like any other,
and the withdrawal ends them all. Giving consent again later is an answer of the person
holding the code, stored without ``by_guardian``. Under ``policy: refuse`` no child's
data is collected, so there is nothing to withdraw for a guardian.

Plain Python: no database, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from steward.policy import Decision
from steward.policy.model import FieldSpec, Grant, LegalBasis, MinorsPolicy, Plan
from steward.vault.rules.retention import RetentionFacts, purpose_end
from steward.vault.rules.reveal import ConsentState

__all__ = [
    "NO_END",
    "ErasureRoute",
    "Holding",
    "KeptField",
    "decide_give",
    "decide_withdrawal",
    "erasure_route",
    "givable_purposes",
    "guardian_answers_withdrawable",
    "person_states",
    "serves_purpose",
    "withdrawable_purposes",
]

NO_END: Final = "no end stated"
"""What :attr:`KeptField.until_text` says when a kept field has no end date yet."""


def _consent_purpose(plan: Plan, purpose_id: str) -> bool:
    return any(p.id == purpose_id and p.legal_basis is LegalBasis.CONSENT for p in plan.purposes)


def serves_purpose(plan: Plan, purpose_id: str, states: Mapping[str, ConsentState]) -> bool:
    """Whether a record whose consent answers are ``states`` serves ``purpose_id`` now.

    A purpose resting on consent is served only while the answer is agreed (not
    refused, not withdrawn, not missing); a purpose of any other basis (or unknown to
    the plan: nothing to agree to) is always served. Every use of a purpose must ask
    this: exports, counts made for a purpose, and de-identified extracts (a later
    issue), which must call this function rather than decide again. Never raises.
    """
    if not _consent_purpose(plan, purpose_id):
        return True
    return states.get(purpose_id) is ConsentState.AGREED


def served_fields(
    plan: Plan,
    grant: Grant,
    fields: Sequence[FieldSpec],
    states: Mapping[str, ConsentState],
) -> list[FieldSpec]:
    """The ``fields`` a record may give out under ``grant`` (an export grant): those with
    no purpose the grant names, or serving one of the purposes the grant covers
    (:func:`serves_purpose`). A field granted by its category covers all its purposes."""

    def covered(spec: FieldSpec) -> list[str]:
        if spec.category in grant.categories:
            return list(spec.purposes)
        return [p for p in spec.purposes if p in grant.purposes]

    served = []
    for spec in fields:
        purposes = covered(spec)
        if not purposes or any(serves_purpose(plan, p, states) for p in purposes):
            served.append(spec)
    return served


def person_states(per_record: Iterable[Mapping[str, ConsentState]]) -> dict[str, ConsentState]:
    """The person's answer to each purpose over all their records: agreed if any record
    is agreed; else withdrawn if any is withdrawn; else not agreed."""
    rank = {ConsentState.AGREED: 2, ConsentState.WITHDRAWN: 1, ConsentState.NOT_AGREED: 0}
    out: dict[str, ConsentState] = {}
    for states in per_record:
        for purpose, state in states.items():
            if purpose not in out or rank[state] > rank[out[purpose]]:
                out[purpose] = state
    return out


def decide_withdrawal(plan: Plan, purpose_id: str, states: Mapping[str, ConsentState]) -> Decision:
    """Whether the person whose answers are ``states`` (see :func:`person_states`) may
    withdraw ``purpose_id`` now. The reason is plain words, never a personal value."""
    if not plan.rights.withdraw_consent:
        return Decision(False, "this organization's plan does not offer withdrawing consent")
    if not any(p.id == purpose_id for p in plan.purposes):
        return Decision(False, "there is no such purpose")
    if not _consent_purpose(plan, purpose_id):
        return Decision(
            False, "this purpose does not rest on your consent, so it cannot be withdrawn"
        )
    state = states.get(purpose_id)
    if state is ConsentState.WITHDRAWN:
        return Decision(False, "you have already withdrawn your consent to this purpose")
    if state is not ConsentState.AGREED:
        return Decision(
            False, "you have not agreed to this purpose, so there is nothing to withdraw"
        )
    return Decision(True, "you agreed to this purpose and may withdraw at any time")


def withdrawable_purposes(plan: Plan, states: Mapping[str, ConsentState]) -> list[str]:
    """The purposes the person may withdraw now, in plan order."""
    return [p.id for p in plan.purposes if decide_withdrawal(plan, p.id, states)]


def decide_give(
    plan: Plan,
    purpose_id: str,
    dataset_id: str,
    states: Mapping[str, ConsentState],
    stored: Iterable[str],
) -> Decision:
    """Whether the person may agree now to ``purpose_id`` on one record of
    ``dataset_id`` whose answers are ``states`` and which still stores the fields
    ``stored``. Never raises (an unknown dataset is refused)."""
    if not plan.rights.privacy_settings:
        return Decision(False, "this organization's plan does not offer privacy settings")
    if not _consent_purpose(plan, purpose_id):
        return Decision(False, "this purpose does not ask for your consent")
    try:
        dataset = plan.dataset(dataset_id)
    except KeyError:
        return Decision(False, "this form is no longer in the organization's plan")
    serving = {s.name for s in dataset.collected_fields if purpose_id in s.purposes}
    if not serving:
        return Decision(False, "this form does not ask for consent to this purpose")
    if states.get(purpose_id) is ConsentState.AGREED:
        return Decision(False, "you already agree to this purpose")
    if not serving & set(stored):
        return Decision(False, "nothing of this form is still kept for this purpose")
    return Decision(True, "you may agree to this purpose")


def givable_purposes(
    plan: Plan, dataset_id: str, states: Mapping[str, ConsentState], stored: Iterable[str]
) -> list[str]:
    """The purposes the person may agree to now on one record, in plan order."""
    kept = frozenset(stored)
    return [p.id for p in plan.purposes if decide_give(plan, p.id, dataset_id, states, kept)]


def guardian_answers_withdrawable(plan: Plan) -> bool:
    """Whether the plan collects children's data on a guardian's consent, whose answers
    (``by_guardian``) the holder of the code withdraws like any other."""
    return plan.minors is not None and plan.minors.policy is MinorsPolicy.GUARDIAN_CONSENT


@dataclass(frozen=True)
class Holding:
    """One record of the person, for the erasure rule: its retention facts (stored
    fields, dates, withdrawals). No values."""

    facts: RetentionFacts


@dataclass(frozen=True)
class KeptField:
    """A field an erasure cannot remove yet: what, why, on what law, until when."""

    field: str
    field_label: str
    dataset: str
    purpose: str
    purpose_label: str
    legal_basis: str
    legal_reference: str
    until: datetime | None

    @property
    def basis_text(self) -> str:
        """The legal basis in words (``legal obligation``)."""
        return self.legal_basis.replace("_", " ")

    @property
    def until_text(self) -> str:
        """The end as a date (``YYYY-MM-DD``), or :data:`NO_END`."""
        return self.until.date().isoformat() if self.until is not None else NO_END


@dataclass(frozen=True)
class ErasureRoute:
    """How a person's erasure goes: at once, or as a request with what is kept."""

    immediate: bool
    reason: str
    kept: tuple[KeptField, ...]


def erasure_route(plan: Plan, holdings: Sequence[Holding], now: datetime) -> ErasureRoute:
    """Decide at ``now`` whether the person's erasure is immediate.

    Immediate when the plan offers erasure and no stored field of theirs is kept by a
    purpose resting on a legal obligation whose retention has not ended (no end yet, or
    an end after ``now``). Otherwise a request, listing each such field with the
    purpose, its basis and reference, and its end (``None``: no end stated), in the
    order of the plan's fields. Never raises.
    """
    purposes = {p.id: p for p in plan.purposes}
    kept: list[KeptField] = []
    for holding in holdings:
        facts = holding.facts
        if facts.record_purged:
            continue
        try:
            dataset = plan.dataset(facts.dataset)
        except KeyError:
            continue
        held = facts.stored - facts.purged
        for spec in dataset.fields:
            if spec.name not in held:
                continue
            name = spec.name
            for purpose_id in spec.purposes:
                purpose = purposes.get(purpose_id)
                if purpose is None or purpose.legal_basis is not LegalBasis.LEGAL_OBLIGATION:
                    continue
                end = purpose_end(purpose, facts)
                if end is not None and end <= now:
                    continue
                kept.append(
                    KeptField(
                        field=name,
                        field_label=spec.label,
                        dataset=dataset.id,
                        purpose=purpose.id,
                        purpose_label=purpose.label,
                        legal_basis=purpose.legal_basis.value,
                        legal_reference=purpose.legal_reference or "",
                        until=end,
                    )
                )
    if not plan.rights.erasure:
        return ErasureRoute(
            False,
            "the organization's plan does not offer erasure at once; "
            "staff will answer your request",
            tuple(kept),
        )
    if kept:
        return ErasureRoute(
            False,
            "some of your data must be kept by law for a while; staff will erase the rest "
            "and tell you what is kept",
            tuple(kept),
        )
    return ErasureRoute(True, "nothing of yours must be kept by law, so erasure is immediate", ())
