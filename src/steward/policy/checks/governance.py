"""Notice, user control, enforcement and accountability: the DIGIT checklist's questions."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import holds_personal_data
from steward.policy.checks.framework import (
    Area,
    CheckContext,
    CheckFunction,
    Issue,
    Rule,
    Severity,
)


def _no_privacy_policy(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.organization.privacy_policy_url is None:
        yield Issue(("organization",), "the organization links no privacy policy")


def _internal_use_unstated(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        if purpose.internal_use is None:
            yield Issue(
                ("purposes", index),
                f"purpose '{purpose.id}' does not say who inside uses the data",
            )


def _right_missing(right: str, message: str) -> CheckFunction:
    """A check that ``rights.<right>`` is offered whenever personal data is held."""

    def check(ctx: CheckContext) -> Iterator[Issue]:
        if not getattr(ctx.plan.rights, right) and holds_personal_data(ctx.plan):
            yield Issue(("rights", right), message)

    return check


def _no_response_time(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.rights.respond_within is None and holds_personal_data(ctx.plan):
        yield Issue(("rights",), "the plan sets no deadline for answering rights requests")


def _no_complaints(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.governance.complaints is None:
        yield Issue(("governance",), "the plan has no procedure for privacy complaints")


def _no_failure_statement(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.governance.failure_statement is None:
        yield Issue(("governance",), "the plan does not say what happens if safeguards fail")


def _no_regulator(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.governance.regulator is None:
        yield Issue(("governance",), "the plan names no regulator people can complain to")


def _review_cadence(ctx: CheckContext) -> Iterator[Issue]:
    every = ctx.plan.governance.review_every
    ceiling = ctx.requirements.review_ceiling
    if every is None:
        yield Issue(("governance",), "the plan sets no review cadence")
    elif ceiling is not None and every > ceiling:
        yield Issue(
            ("governance", "review_every"),
            f"the plan is reviewed every {every.describe()}; a "
            f"{ctx.classification.tier.label} holding needs a review at least every "
            f"{ceiling.describe()}",
        )


def _assessment_review_late(ctx: CheckContext) -> Iterator[Issue]:
    sign_off, every = ctx.plan.sign_off, ctx.plan.governance.review_every
    if sign_off is None or every is None:
        return
    days = (sign_off.next_review - sign_off.approved_on).days
    if days > every.days:
        yield Issue(
            ("sign_off", "next_review"),
            f"the impact assessment is next reviewed on {sign_off.next_review.isoformat()}, "
            f"{days} days after its approval; the plan is reviewed every {every.describe()}",
        )


def _no_privacy_officer(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.organization.privacy_officer is None:
        yield Issue(("organization",), "the plan names no privacy officer")


def _no_training(ctx: CheckContext) -> Iterator[Issue]:
    training = ctx.plan.governance.training
    if training is None:
        yield Issue(("governance",), "the plan requires no privacy training")
    elif not training.required:
        yield Issue(("governance", "training", "required"), "privacy training is optional")
    elif training.every is None:
        yield Issue(
            ("governance", "training"),
            "privacy training is never repeated",
            severity=Severity.INFO,
        )


def _no_senior_committee(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.governance.senior_committee is None:
        yield Issue(("governance",), "no senior management body signs the plan off")


def _no_oversight_body(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.requirements.oversight_body and ctx.plan.organization.oversight_body is None:
        yield Issue(
            ("organization",),
            f"a {ctx.classification.tier.label} holding has no oversight body",
        )


def _no_acknowledgement(ctx: CheckContext) -> Iterator[Issue]:
    if not ctx.plan.governance.team_acknowledgement:
        yield Issue(
            ("governance", "team_acknowledgement"),
            "team members are not asked to acknowledge the plan",
        )


RULES: tuple[Rule, ...] = (
    Rule(
        id="GOV001",
        title="The organization publishes a privacy policy",
        severity=Severity.WARNING,
        area=Area.NOTICE,
        hint="Set organization.privacy_policy_url (or the law that stands in for one).",
        check=_no_privacy_policy,
        digit=(
            "N1",
            "N2",
        ),
    ),
    Rule(
        id="GOV002",
        title="Every purpose says who inside the organization uses the data",
        severity=Severity.WARNING,
        area=Area.NOTICE,
        hint="Add internal_use to the purpose: which staff use the data, and how.",
        check=_internal_use_unstated,
        digit=(
            "N11",
            "A4",
        ),
    ),
    Rule(
        id="GOV003",
        title="People can adjust their privacy settings",
        severity=Severity.WARNING,
        area=Area.USER_CONTROL,
        hint="Set rights.privacy_settings: true.",
        check=_right_missing("privacy_settings", "people cannot adjust their privacy settings"),
        digit=(
            "C1",
            "A5",
        ),
    ),
    Rule(
        id="GOV004",
        title="People can see the data held about them",
        severity=Severity.ERROR,
        area=Area.USER_CONTROL,
        hint="Set rights.access: true.",
        check=_right_missing("access", "people cannot see the data held about them"),
        digit=("C2",),
    ),
    Rule(
        id="GOV005",
        title="People can ask for their data to be erased",
        severity=Severity.WARNING,
        area=Area.USER_CONTROL,
        hint="Set rights.erasure: true (retention rules still apply to data the law requires).",
        check=_right_missing("erasure", "people cannot ask for their data to be erased"),
        digit=("C3",),
    ),
    Rule(
        id="GOV006",
        title="People can export their data",
        severity=Severity.WARNING,
        area=Area.USER_CONTROL,
        hint="Set rights.export: true.",
        check=_right_missing("export", "people cannot export their data"),
        digit=("C2",),
    ),
    Rule(
        id="GOV007",
        title="Rights requests are answered within a set time",
        severity=Severity.WARNING,
        area=Area.USER_CONTROL,
        hint="Set rights.respond_within, e.g. 30d.",
        check=_no_response_time,
        digit=(
            "C2",
            "C3",
        ),
    ),
    Rule(
        id="GOV008",
        title="There is a procedure for privacy complaints",
        severity=Severity.WARNING,
        area=Area.ENFORCEMENT,
        hint="Add governance.complaints with a procedure and a contact.",
        check=_no_complaints,
        digit=("E1",),
    ),
    Rule(
        id="GOV009",
        title="The plan says what happens if privacy measures fail",
        severity=Severity.WARNING,
        area=Area.ENFORCEMENT,
        hint="Add governance.failure_statement.",
        check=_no_failure_statement,
        digit=("E2",),
    ),
    Rule(
        id="GOV010",
        title="The plan names the regulator people can complain to",
        severity=Severity.WARNING,
        area=Area.ENFORCEMENT,
        hint="Add governance.regulator with its name and url.",
        check=_no_regulator,
        digit=("E3",),
    ),
    Rule(
        id="GOV011",
        title="The plan is reviewed at least as often as its tier requires",
        severity=Severity.WARNING,
        area=Area.ENFORCEMENT,
        hint="Set governance.review_every within the tier's limit (internal 3y, "
        "confidential 2y, restricted 1y).",
        check=_review_cadence,
        digit=("E4",),
    ),
    Rule(
        id="GOV021",
        title="The impact assessment is reviewed within the plan's review cadence",
        severity=Severity.WARNING,
        area=Area.ENFORCEMENT,
        hint="Set sign_off.next_review no later than sign_off.approved_on plus "
        "governance.review_every.",
        check=_assessment_review_late,
        digit=("E4",),
    ),
    Rule(
        id="GOV012",
        title="A privacy officer is named",
        severity=Severity.WARNING,
        area=Area.ACCOUNTABILITY,
        hint="Add organization.privacy_officer with a name and a contact.",
        check=_no_privacy_officer,
        digit=("AC1",),
    ),
    Rule(
        id="GOV013",
        title="Staff are trained in privacy, and the training is repeated",
        severity=Severity.WARNING,
        area=Area.ACCOUNTABILITY,
        hint="Add governance.training: {required: true, every: 1y}.",
        check=_no_training,
        digit=("AC2",),
    ),
    Rule(
        id="GOV014",
        title="A senior management body signs the plan off",
        severity=Severity.WARNING,
        area=Area.ACCOUNTABILITY,
        hint="Set governance.senior_committee.",
        check=_no_senior_committee,
        digit=("AC3",),
    ),
    Rule(
        id="GOV015",
        title="At the restricted tier, an oversight body is named",
        severity=Severity.ERROR,
        area=Area.ACCOUNTABILITY,
        hint="Add organization.oversight_body: a standing group (legal, security, community) "
        "that reviews how sensitive data is handled.",
        check=_no_oversight_body,
        digit=("AC3",),
    ),
    Rule(
        id="GOV016",
        title="Every team member acknowledges the plan",
        severity=Severity.WARNING,
        area=Area.ACCOUNTABILITY,
        hint="Set governance.team_acknowledgement: true.",
        check=_no_acknowledgement,
        digit=("AC2",),
    ),
)
