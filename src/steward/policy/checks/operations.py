"""Operations: minimized web logs, encrypted backups, incident and vulnerability clocks."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import holds_personal_data
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import MINIMAL_LOG_FIELDS


def _logs_not_minimal(ctx: CheckContext) -> Iterator[Issue]:
    for index, kept in enumerate(ctx.plan.operations.web_logs.keep):
        if kept not in MINIMAL_LOG_FIELDS:
            yield Issue(
                ("operations", "web_logs", "keep", index),
                f"web logs keep '{kept.value}', which identifies visitors",
            )


def _third_party_analytics(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.operations.web_logs.third_party_analytics:
        yield Issue(
            ("operations", "web_logs", "third_party_analytics"),
            "pages load third-party analytics, which track visitors elsewhere",
        )


def _cookies_undeclared(ctx: CheckContext) -> Iterator[Issue]:
    logs = ctx.plan.operations.web_logs
    if logs.keep and logs.cookies is None:
        yield Issue(("operations", "web_logs"), "web logs are kept but no cookies are declared")


def _no_backups(ctx: CheckContext) -> Iterator[Issue]:
    backups = ctx.plan.operations.backups
    if backups is None:
        yield Issue(("operations",), "the plan declares no backups")
    elif not backups.enabled:
        yield Issue(("operations", "backups", "enabled"), "backups are switched off")


def _backups_unencrypted(ctx: CheckContext) -> Iterator[Issue]:
    backups = ctx.plan.operations.backups
    unencrypted = backups is not None and backups.enabled and not backups.encrypted
    if unencrypted and holds_personal_data(ctx.plan):
        yield Issue(("operations", "backups", "encrypted"), "backups are not encrypted")


def _restore_untested(ctx: CheckContext) -> Iterator[Issue]:
    backups = ctx.plan.operations.backups
    if backups is not None and backups.enabled and backups.restore_tested_every is None:
        yield Issue(
            ("operations", "backups"), "the plan does not say how often a restore is tested"
        )


def _incident_deadlines(ctx: CheckContext) -> Iterator[Issue]:
    if not holds_personal_data(ctx.plan):
        return
    incidents = ctx.plan.operations.incidents
    if incidents is None:
        yield Issue(("operations",), "the plan has no incident response section")
        return
    if incidents.notify_authority_within is None:
        yield Issue(
            ("operations", "incidents"), "no deadline for telling the authority about a breach"
        )
    if incidents.notify_people_within is None:
        yield Issue(("operations", "incidents"), "no deadline for telling people about a breach")


def _incident_plan(ctx: CheckContext) -> Iterator[Issue]:
    incidents = ctx.plan.operations.incidents
    if incidents is None:
        return
    if incidents.response_plan is None:
        yield Issue(("operations", "incidents"), "the incident section has no response plan")
    if not incidents.keep_register:
        yield Issue(("operations", "incidents", "keep_register"), "incidents are not registered")


def _vulnerability_clock(ctx: CheckContext) -> Iterator[Issue]:
    policy = ctx.plan.operations.vulnerability_disclosure
    if policy is None:
        yield Issue(
            ("operations",),
            "the plan has no vulnerability disclosure policy",
            severity=Severity.INFO,
        )
    elif policy.accepts_reports and policy.disclose_within is None:
        yield Issue(
            ("operations", "vulnerability_disclosure"),
            "reported vulnerabilities have no disclosure deadline",
        )


RULES: tuple[Rule, ...] = (
    Rule(
        id="OPS001",
        title="Web logs keep only date, country, path and status",
        severity=Severity.ERROR,
        area=Area.OPERATIONS,
        hint="Remove time, ip_address, user_agent and referrer from web_logs.keep.",
        check=_logs_not_minimal,
        digit=("N5",),
    ),
    Rule(
        id="OPS002",
        title="Pages load no third-party analytics",
        severity=Severity.WARNING,
        area=Area.OPERATIONS,
        hint="Set third_party_analytics: false; count visits from the minimized logs instead.",
        check=_third_party_analytics,
        digit=("N5", "N6"),
    ),
    Rule(
        id="OPS003",
        title="The cookies the pages set are declared",
        severity=Severity.WARNING,
        area=Area.OPERATIONS,
        hint="List each cookie under operations.web_logs.cookies with its purpose and expiry.",
        check=_cookies_undeclared,
        digit=("N10",),
    ),
    Rule(
        id="OPS004",
        title="Backups are declared and enabled",
        severity=Severity.WARNING,
        area=Area.OPERATIONS,
        hint="Add operations.backups: enabled, encrypted, frequency, retention.",
        check=_no_backups,
    ),
    Rule(
        id="OPS005",
        title="Backups of personal data are encrypted",
        severity=Severity.ERROR,
        area=Area.OPERATIONS,
        hint="Set operations.backups.encrypted: true.",
        check=_backups_unencrypted,
        digit=("S4",),
    ),
    Rule(
        id="OPS006",
        title="Restoring from backup is tested regularly",
        severity=Severity.INFO,
        area=Area.OPERATIONS,
        hint="Add operations.backups.restore_tested_every, e.g. 3m.",
        check=_restore_untested,
    ),
    Rule(
        id="OPS007",
        title="Breach notification deadlines are set",
        severity=Severity.ERROR,
        area=Area.OPERATIONS,
        hint="Add operations.incidents with notify_authority_within (e.g. 72h) and "
        "notify_people_within (e.g. 30d).",
        check=_incident_deadlines,
        digit=("E2",),
    ),
    Rule(
        id="OPS008",
        title="Incidents have a response plan and a register",
        severity=Severity.WARNING,
        area=Area.OPERATIONS,
        hint="Add operations.incidents.response_plan and keep_register: true.",
        check=_incident_plan,
    ),
    Rule(
        id="OPS009",
        title="Reported vulnerabilities are disclosed within a set time",
        severity=Severity.WARNING,
        area=Area.OPERATIONS,
        hint="Add operations.vulnerability_disclosure.disclose_within, e.g. 21d.",
        check=_vulnerability_clock,
    ),
)
