"""Hosting: where the data lives, who runs it, and whether it crosses borders."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import (
    collected_fields,
    holds_personal_data,
    is_personal,
    is_status,
    organization_countries,
)
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import HostedBy, Plan, Recipient, RecipientKind, country_of


def _status_fields(plan: Plan) -> list[tuple[str, bool]]:
    """(category, sealed) for every stored field of a vulnerable-status category."""
    return [
        (spec.category, dataset.sealed)
        for _, dataset, spec in collected_fields(plan)
        if is_status(plan, spec.category)
    ]


def _receives_personal(plan: Plan, recipient: Recipient) -> bool:
    if recipient.aggregates_only:
        return False
    return any(is_personal(plan, c) for c in recipient.categories)


def _status_with_third_party(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    status = _status_fields(plan)
    if not status:
        return
    held = {category for category, _ in status}
    all_sealed = all(sealed for _, sealed in status)
    softer = Severity.WARNING if all_sealed else None
    if plan.questionnaire.hosting.by is HostedBy.THIRD_PARTY:
        yield Issue(
            ("questionnaire", "hosting", "by"),
            f"{', '.join(sorted(held))} is hosted by a third party",
            severity=softer,
        )
    for r_index, recipient in enumerate(plan.recipients):
        if recipient.kind is not RecipientKind.PROCESSOR:
            continue
        for c_index, category in enumerate(recipient.categories):
            if category in held:
                yield Issue(
                    ("recipients", r_index, "categories", c_index),
                    f"processor '{recipient.id}' holds {category}",
                    severity=softer,
                )


def _status_abroad(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    home = organization_countries(plan)
    held = {category for category, _ in _status_fields(plan)}
    if not home or not held:
        return
    location = plan.questionnaire.hosting.location
    if location is not None and country_of(location) not in home:
        yield Issue(
            ("questionnaire", "hosting", "location"),
            f"{', '.join(sorted(held))} is hosted in {location}, outside the organization's "
            "jurisdictions",
        )
    for index, recipient in enumerate(plan.recipients):
        received = sorted(held.intersection(recipient.categories))
        if not received or recipient.location is None or recipient.aggregates_only:
            continue
        if country_of(recipient.location) not in home:
            yield Issue(
                ("recipients", index, "location"),
                f"recipient '{recipient.id}' holds {', '.join(received)} in "
                f"{recipient.location}, outside the organization's jurisdictions",
            )


def _undeclared_transfer(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    home = organization_countries(plan)
    if plan.questionnaire.cross_border_transfers or not home or not holds_personal_data(plan):
        return
    location = plan.questionnaire.hosting.location
    if location is not None and country_of(location) not in home:
        yield Issue(
            ("questionnaire", "hosting", "location"),
            f"the data is hosted in {location}, yet the questionnaire says it does not "
            "cross borders",
        )
    for index, recipient in enumerate(plan.recipients):
        if recipient.location is None or not _receives_personal(plan, recipient):
            continue
        if country_of(recipient.location) not in home:
            yield Issue(
                ("recipients", index, "location"),
                f"recipient '{recipient.id}' is in {recipient.location}, yet the "
                "questionnaire says personal data does not cross borders",
            )


def _host_without_contract(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    if plan.questionnaire.hosting.by is not HostedBy.THIRD_PARTY:
        return
    if not any(r.kind is RecipientKind.PROCESSOR for r in plan.recipients):
        yield Issue(
            ("questionnaire", "hosting", "by"),
            "the data is hosted by a third party, but no processor recipient is declared",
        )


def _location_unknown(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    if not holds_personal_data(plan):
        return
    if plan.questionnaire.hosting.location is None:
        yield Issue(("questionnaire", "hosting"), "the plan does not say where the data is hosted")
    for index, recipient in enumerate(plan.recipients):
        if recipient.location is None and _receives_personal(plan, recipient):
            yield Issue(
                ("recipients", index),
                f"recipient '{recipient.id}' does not say where it holds the data",
            )


def _no_jurisdictions(ctx: CheckContext) -> Iterator[Issue]:
    if not ctx.plan.organization.jurisdictions:
        yield Issue(("organization",), "the organization names no jurisdiction it operates in")


RULES: tuple[Rule, ...] = (
    Rule(
        id="HOST001",
        title="Vulnerable-status data is not held by a third party",
        severity=Severity.ERROR,
        area=Area.HOSTING,
        hint="Host status data yourself, or seal the form so the host holds only ciphertext; "
        "better still, do not record it.",
        check=_status_with_third_party,
        digit=("A1", "A2"),
    ),
    Rule(
        id="HOST002",
        title="Vulnerable-status data stays in the organization's jurisdictions",
        severity=Severity.ERROR,
        area=Area.HOSTING,
        hint="Keep status data in a country where the organization operates.",
        check=_status_abroad,
    ),
    Rule(
        id="HOST003",
        title="The questionnaire's cross-border answer matches hosts and recipients",
        severity=Severity.ERROR,
        area=Area.HOSTING,
        hint="Answer questionnaire.cross_border_transfers: true (and meet its rules), or "
        "keep the data in the country.",
        check=_undeclared_transfer,
    ),
    Rule(
        id="HOST004",
        title="A third-party host is declared as a processor",
        severity=Severity.WARNING,
        area=Area.HOSTING,
        hint="Add the host to recipients with kind: processor and its data processing agreement.",
        check=_host_without_contract,
        digit=("A1", "A2"),
    ),
    Rule(
        id="HOST005",
        title="The plan says where the data and its recipients are",
        severity=Severity.WARNING,
        area=Area.HOSTING,
        hint="Set questionnaire.hosting.location and each recipient's location (e.g. US-CA).",
        check=_location_unknown,
        digit=("A4",),
    ),
    Rule(
        id="HOST006",
        title="The organization names its jurisdictions",
        severity=Severity.WARNING,
        area=Area.HOSTING,
        hint="Add organization.jurisdictions, e.g. [US-CA]; cross-border checks need it.",
        check=_no_jurisdictions,
    ),
)
