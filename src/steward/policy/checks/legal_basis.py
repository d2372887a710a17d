"""Legal basis: every purpose rests on a lawful ground, explicit where the data demands it."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import has_minors, holds_personal_data, needs_explicit_basis
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import Lawfulness, LegalBasis, MinorsPolicy, Plan, Purpose

_NEEDS_REFERENCE = frozenset(
    {LegalBasis.LEGAL_OBLIGATION, LegalBasis.PUBLIC_TASK, LegalBasis.CONTRACT}
)


def _explicit_categories(plan: Plan, purpose: Purpose) -> list[str]:
    """Categories needing an explicit basis that stored fields hold for ``purpose``."""
    return sorted(
        {
            spec.category
            for _, _, _, spec in plan.fields()
            if spec.collected
            and purpose.id in spec.purposes
            and needs_explicit_basis(plan, spec.category)
        }
    )


def _missing_basis(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        if purpose.legal_basis is None:
            yield Issue(("purposes", index), f"purpose '{purpose.id}' has no legal basis")


def _consent_without_text(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        if purpose.legal_basis is LegalBasis.CONSENT and purpose.consent_text is None:
            yield Issue(
                ("purposes", index, "legal_basis"),
                f"purpose '{purpose.id}' rests on consent but does not say what the opt-in says",
            )


def _explicit_basis(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        basis = purpose.legal_basis
        if basis is None or basis is LegalBasis.LEGITIMATE_INTEREST:
            continue  # LAW001 and LAW004 report these
        categories = _explicit_categories(ctx.plan, purpose)
        if not categories:
            continue
        held = ", ".join(categories)
        if basis is LegalBasis.CONSENT and not purpose.explicit_consent:
            yield Issue(
                ("purposes", index, "legal_basis"),
                f"purpose '{purpose.id}' uses {held} on consent that is not explicit",
            )
        elif basis is not LegalBasis.CONSENT and purpose.legal_reference is None:
            yield Issue(
                ("purposes", index, "legal_basis"),
                f"purpose '{purpose.id}' uses {held} on a basis that cites no law",
            )


def _legitimate_interest_for_sensitive(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        if purpose.legal_basis is not LegalBasis.LEGITIMATE_INTEREST:
            continue
        categories = _explicit_categories(ctx.plan, purpose)
        if categories:
            yield Issue(
                ("purposes", index, "legal_basis"),
                f"purpose '{purpose.id}' uses {', '.join(categories)} on legitimate interest",
            )


def _minors_without_rule(ctx: CheckContext) -> Iterator[Issue]:
    places = has_minors(ctx.plan)
    if places and ctx.plan.minors is None:
        yield Issue(places[0], "the plan holds data about children but has no minors rule")


def _minors_refused_but_held(ctx: CheckContext) -> Iterator[Issue]:
    minors = ctx.plan.minors
    if minors is None or minors.policy is not MinorsPolicy.REFUSE:
        return
    places = has_minors(ctx.plan)
    if places:
        yield Issue(
            ("minors", "policy"),
            "the minors rule refuses children's data, yet the plan says it holds some",
        )


def _not_lawfully_collected(ctx: CheckContext) -> Iterator[Issue]:
    source = ctx.plan.questionnaire.source
    if source.lawfully_collected is not Lawfulness.YES and holds_personal_data(ctx.plan):
        yield Issue(
            ("questionnaire", "source", "lawfully_collected"),
            f"the questionnaire answers '{source.lawfully_collected.value}' to whether the "
            "data was collected lawfully",
        )


def _consent_not_withdrawable(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.rights.withdraw_consent:
        return
    consent = [p.id for p in ctx.plan.purposes if p.legal_basis is LegalBasis.CONSENT]
    if consent:
        yield Issue(
            ("rights", "withdraw_consent"),
            f"consent-based purposes ({', '.join(consent)}) but people cannot withdraw consent",
        )


def _basis_without_reference(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        if purpose.legal_basis not in _NEEDS_REFERENCE or purpose.legal_reference is not None:
            continue
        if not _explicit_categories(ctx.plan, purpose):  # else LAW003 reports it as an error
            yield Issue(
                ("purposes", index, "legal_basis"),
                f"purpose '{purpose.id}' rests on {purpose.legal_basis.value} but names no "
                "law, regulation or contract",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        id="LAW001",
        title="Every purpose has a legal basis",
        severity=Severity.ERROR,
        area=Area.LEGAL_BASIS,
        hint="Set legal_basis: consent, legal_obligation, public_task, vital_interest, "
        "contract or legitimate_interest.",
        check=_missing_basis,
    ),
    Rule(
        id="LAW002",
        title="Consent-based purposes state what the opt-in says",
        severity=Severity.ERROR,
        area=Area.LEGAL_BASIS,
        hint="Add consent_text: the words next to the opt-in box, naming the data and purpose.",
        check=_consent_without_text,
        digit=("A5",),
    ),
    Rule(
        id="LAW003",
        title="Special, status and children's data need explicit consent or an explicit law",
        severity=Severity.ERROR,
        area=Area.LEGAL_BASIS,
        hint="Use consent with explicit_consent: true, or cite the law in legal_reference.",
        check=_explicit_basis,
    ),
    Rule(
        id="LAW004",
        title="Legitimate interest is never enough for special, status or children's data",
        severity=Severity.ERROR,
        area=Area.LEGAL_BASIS,
        hint="Rest the purpose on explicit consent or on a law you cite, or stop collecting "
        "the data.",
        check=_legitimate_interest_for_sensitive,
    ),
    Rule(
        id="LAW005",
        title="Data about children comes with a guardian rule",
        severity=Severity.ERROR,
        area=Area.LEGAL_BASIS,
        hint="Add a minors section: policy (refuse or guardian_consent) and age_threshold.",
        check=_minors_without_rule,
    ),
    Rule(
        id="LAW006",
        title="A plan that refuses children's data does not hold any",
        severity=Severity.WARNING,
        area=Area.LEGAL_BASIS,
        hint="Use policy: guardian_consent, or stop collecting data about children.",
        check=_minors_refused_but_held,
    ),
    Rule(
        id="LAW007",
        title="The data was checked to have been collected lawfully",
        severity=Severity.ERROR,
        area=Area.LEGAL_BASIS,
        hint="Confirm how the data was collected (ask a lawyer if unsure), then answer "
        'questionnaire.source.lawfully_collected: "yes".',
        check=_not_lawfully_collected,
    ),
    Rule(
        id="LAW008",
        title="People can withdraw consent they gave",
        severity=Severity.ERROR,
        area=Area.LEGAL_BASIS,
        hint="Set rights.withdraw_consent: true.",
        check=_consent_not_withdrawable,
        digit=("A5", "C1"),
    ),
    Rule(
        id="LAW009",
        title="A legal obligation, public task or contract names its source",
        severity=Severity.WARNING,
        area=Area.LEGAL_BASIS,
        hint="Add legal_reference: the law, regulation or contract the purpose rests on.",
        check=_basis_without_reference,
    ),
)
