"""Safeguards: encryption and masking by default, privacy-enhancing technology, statements."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import (
    category_of,
    collected_fields,
    holds_personal_data,
    is_personal,
    is_special_or_status,
    needs_explicit_basis,
    personal_fields,
)
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import DatasetKind, FieldSpec, IdentifierRole, Masking, Plan
from steward.policy.tiers import Tier


def _protected_by_default(plan: Plan, spec: FieldSpec) -> bool:
    """Direct identifiers and special, status or children's categories."""
    return spec.identifier is IdentifierRole.DIRECT or needs_explicit_basis(plan, spec.category)


def _may_be_clear(plan: Plan, spec: FieldSpec) -> bool:
    """Whether a field may be stored unencrypted: no identifier, non-personal or public."""
    category = category_of(plan, spec.category)
    harmless = category is not None and (not category.personal or category.tier is Tier.PUBLIC)
    return spec.identifier is IdentifierRole.NONE and harmless


def _sensitive_unencrypted(ctx: CheckContext) -> Iterator[Issue]:
    for location, dataset, spec in collected_fields(ctx.plan):
        if _protected_by_default(ctx.plan, spec) and not spec.encrypted:
            yield Issue(
                (*location, "encrypted"),
                f"field '{dataset.id}.{spec.name}' is an identifier or sensitive category "
                "stored unencrypted",
            )


def _sensitive_unmasked(ctx: CheckContext) -> Iterator[Issue]:
    for location, dataset, spec in collected_fields(ctx.plan):
        if _protected_by_default(ctx.plan, spec) and spec.masking is Masking.NONE:
            yield Issue(
                (*location, "masking"),
                f"field '{dataset.id}.{spec.name}' is an identifier or sensitive category "
                "shown unmasked",
            )


def _personal_in_clear(ctx: CheckContext) -> Iterator[Issue]:
    for location, dataset, spec in collected_fields(ctx.plan):
        if spec.encrypted or _protected_by_default(ctx.plan, spec):
            continue  # SEC001 reports the protected ones
        if not _may_be_clear(ctx.plan, spec):
            yield Issue(
                (*location, "encrypted"),
                f"field '{dataset.id}.{spec.name}' holds personal data but is stored in clear",
            )


def _no_privacy_technology(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    if ctx.classification.tier < Tier.CONFIDENTIAL:
        return
    sealed = any(d.sealed for d in plan.datasets)
    deidentified = any(r.deidentified_only or r.aggregates_only for r in plan.recipients)
    encrypted = any(spec.encrypted for _, _, spec in personal_fields(plan))
    if not (sealed or deidentified or encrypted):
        yield Issue(
            ("datasets",),
            f"a {ctx.classification.tier.label} holding uses no privacy-enhancing technology",
        )


def _intake_not_sealed(ctx: CheckContext) -> Iterator[Issue]:
    if not ctx.requirements.sealed_intake:
        return
    for index, dataset in enumerate(ctx.plan.datasets):
        personal = any(is_personal(ctx.plan, s.category) for s in dataset.collected_fields)
        if dataset.kind is DatasetKind.INTAKE_FORM and not dataset.sealed and personal:
            yield Issue(
                ("datasets", index),
                f"intake form '{dataset.id}' is not sealed, though the holding is restricted",
            )


def _no_correction(ctx: CheckContext) -> Iterator[Issue]:
    if not ctx.plan.rights.correction and holds_personal_data(ctx.plan):
        yield Issue(("rights", "correction"), "people cannot correct their data")


def _no_legal_compliance_statement(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is not None and disclosure.legal_compliance_statement is None:
        yield Issue(
            ("disclosure",),
            "the plan does not say when data is disclosed to comply with the law",
        )


def _no_own_rights_statement(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is not None and disclosure.own_rights_statement is None:
        yield Issue(
            ("disclosure",),
            "the plan does not say whether data is disclosed to protect the organization",
        )


def _sensitive_searchable(ctx: CheckContext) -> Iterator[Issue]:
    for location, dataset, spec in collected_fields(ctx.plan):
        if spec.searchable and is_special_or_status(ctx.plan, spec.category):
            yield Issue(
                (*location, "searchable"),
                f"field '{dataset.id}.{spec.name}' lets staff find people by a sensitive category",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        id="SEC001",
        title="Direct identifiers and sensitive categories are encrypted",
        severity=Severity.ERROR,
        area=Area.SAFEGUARDS,
        hint="Remove encrypted: false from the field; it is encrypted by default.",
        check=_sensitive_unencrypted,
        digit=("S4",),
    ),
    Rule(
        id="SEC002",
        title="Direct identifiers and sensitive categories are masked by default",
        severity=Severity.ERROR,
        area=Area.SAFEGUARDS,
        hint="Set masking: partial or full; roles that need the value reveal it with a reason.",
        check=_sensitive_unmasked,
        digit=("S4",),
    ),
    Rule(
        id="SEC003",
        title="Only non-personal fields are stored in clear",
        severity=Severity.ERROR,
        area=Area.SAFEGUARDS,
        hint="Remove encrypted: false; only fields with identifier none and a non-personal "
        "or public category may be stored in clear.",
        check=_personal_in_clear,
        digit=("S4",),
    ),
    Rule(
        id="SEC004",
        title="A confidential or restricted holding uses privacy-enhancing technology",
        severity=Severity.WARNING,
        area=Area.SAFEGUARDS,
        hint="Encrypt personal fields, seal intake forms, or give analysts de-identified "
        "extracts only.",
        check=_no_privacy_technology,
        digit=("S4",),
    ),
    Rule(
        id="SEC005",
        title="At the restricted tier, intake forms are sealed",
        severity=Severity.WARNING,
        area=Area.SAFEGUARDS,
        hint="Set sealed: true so submissions are encrypted to a key the server does not hold.",
        check=_intake_not_sealed,
        digit=("S4",),
    ),
    Rule(
        id="SEC006",
        title="People can correct their data",
        severity=Severity.WARNING,
        area=Area.SAFEGUARDS,
        hint="Set rights.correction: true, so the data stays accurate.",
        check=_no_correction,
        digit=("S1",),
    ),
    Rule(
        id="SEC007",
        title="The plan says when data is disclosed to comply with the law",
        severity=Severity.WARNING,
        area=Area.SAFEGUARDS,
        hint="Add disclosure.legal_compliance_statement, e.g. 'only when served with a court "
        "order'.",
        check=_no_legal_compliance_statement,
        digit=("S2",),
    ),
    Rule(
        id="SEC008",
        title="The plan says whether data is disclosed to protect the organization",
        severity=Severity.WARNING,
        area=Area.SAFEGUARDS,
        hint="Add disclosure.own_rights_statement (it may say this never happens).",
        check=_no_own_rights_statement,
        digit=("S3",),
    ),
    Rule(
        id="SEC009",
        title="Nobody can search people by a special or status category",
        severity=Severity.WARNING,
        area=Area.SAFEGUARDS,
        hint="Remove searchable: true; a blind index on a sensitive category builds a list "
        "of people by it.",
        check=_sensitive_searchable,
    ),
)
