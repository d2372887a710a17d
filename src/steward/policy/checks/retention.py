"""Storage limitation: every purpose says how long its data lives, within the tier's limit."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import holds_personal_data
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.classification import purpose_tier
from steward.policy.model import AccountClosure, LegalBasis
from steward.policy.tier_requirements import requirements_for


def _missing_retention(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        if purpose.retention is None:
            yield Issue(("purposes", index), f"purpose '{purpose.id}' has no retention rule")


def _retention_over_ceiling(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        if purpose.retention is None:
            continue
        tier = purpose_tier(ctx.plan, purpose.id)
        ceiling = requirements_for(tier).retention_ceiling
        keep = purpose.retention.keep
        if ceiling is None or keep <= ceiling:
            continue
        message = (
            f"purpose '{purpose.id}' keeps {tier.label} data for {keep.describe()}, longer "
            f"than the {ceiling.describe()} allowed at that tier"
        )
        excused = (
            purpose.legal_basis is LegalBasis.LEGAL_OBLIGATION
            and purpose.legal_reference is not None
        )
        yield Issue(
            ("purposes", index, "retention", "keep"),
            message + (" (the cited law may require it)" if excused else ""),
            severity=Severity.WARNING if excused else None,
            hint=(
                "Check that the cited law really requires this period, and say so in the "
                "purpose's description."
                if excused
                else None
            ),
        )


def _retained_after_closure(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.rights.on_account_closure is AccountClosure.RETAIN:
        yield Issue(
            ("rights", "on_account_closure"),
            "data is kept when a person's account or case closes",
        )


def _web_logs_without_retention(ctx: CheckContext) -> Iterator[Issue]:
    logs = ctx.plan.operations.web_logs
    if logs.keep and logs.retention is None:
        yield Issue(("operations", "web_logs"), "web logs are kept with no time limit")


def _backups_without_retention(ctx: CheckContext) -> Iterator[Issue]:
    backups = ctx.plan.operations.backups
    if backups is None or not backups.enabled or backups.retention is not None:
        return
    if holds_personal_data(ctx.plan):
        yield Issue(
            ("operations", "backups"),
            "backups have no time limit, so deleted data lives on in them",
        )


RULES: tuple[Rule, ...] = (
    Rule(
        id="RET001",
        title="Every purpose has a retention rule",
        severity=Severity.ERROR,
        area=Area.RETENTION,
        hint="Add retention: {keep: 1y, from: case_closure, then: delete}.",
        check=_missing_retention,
        digit=("SL2",),
    ),
    Rule(
        id="RET002",
        title="Retention stays within the ceiling of the data's tier",
        severity=Severity.ERROR,
        area=Area.RETENTION,
        hint="Shorten keep, or aggregate or anonymize sooner; see docs/checks.md for the "
        "ceilings (internal 10y, confidential 5y, restricted 2y).",
        check=_retention_over_ceiling,
        digit=("SL2",),
    ),
    Rule(
        id="RET003",
        title="Data is deleted or anonymized when an account or case closes",
        severity=Severity.WARNING,
        area=Area.RETENTION,
        hint="Set rights.on_account_closure: delete (or anonymize).",
        check=_retained_after_closure,
        digit=("SL1",),
    ),
    Rule(
        id="RET004",
        title="Web logs have a retention period",
        severity=Severity.WARNING,
        area=Area.RETENTION,
        hint="Add operations.web_logs.retention, e.g. 90d.",
        check=_web_logs_without_retention,
        digit=("SL2",),
    ),
    Rule(
        id="RET005",
        title="Backups have a retention period",
        severity=Severity.WARNING,
        area=Area.RETENTION,
        hint="Add operations.backups.retention, e.g. 35d, so deletions reach the backups.",
        check=_backups_without_retention,
        digit=("SL2",),
    ),
)
