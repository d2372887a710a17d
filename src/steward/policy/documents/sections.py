"""Views of the plan's rule sections: classification, questionnaire, disclosure, rights, ops."""

from __future__ import annotations

from dataclasses import dataclass

from steward.policy.classification import classify
from steward.policy.documents import wording as w
from steward.policy.documents.context import category_label, duration_words
from steward.policy.loader import format_location
from steward.policy.model import (
    MINIMAL_LOG_FIELDS,
    AccountClosure,
    LegalGround,
    LogField,
    MinorsPolicy,
    Notification,
    Plan,
)
from steward.policy.safeguards import promise

_CLOSURE_SAFEGUARD: dict[AccountClosure, str] = {
    AccountClosure.DELETE: "case_closure",
    AccountClosure.ANONYMIZE: "case_closure_anonymized",
}
"""The safeguard that keeps the closing sentence of each ``on_account_closure``
(``retain`` promises nothing)."""


@dataclass(frozen=True)
class FactorView:
    """One reason for the holding's tier."""

    tier: str
    reason: str
    where: str


@dataclass(frozen=True)
class ClassificationView:
    """The holding's tier and every factor behind it."""

    tier: str
    summary: str
    factors: list[FactorView]
    reasons: str = ""
    """The factors that set the tier, joined, e.g. ``holds Health; involves children``."""


@dataclass(frozen=True)
class DisclosureView:
    """The rules every disclosure to an outside party follows."""

    allowed: list[str]
    allowed_for_you: str
    not_accepted: list[str]
    approvers: list[str]
    approver_not_requester: bool
    notification: str
    notification_for_you: str
    notify: bool
    encrypted: bool
    expires_after: str | None
    register: bool
    sharing_policy: bool
    transparency_report: bool
    legal_compliance: str | None
    own_rights: str | None


@dataclass(frozen=True)
class RightsView:
    """What people may ask for, how fast we answer, and the rule for children.

    ``offered`` completes "People can ask us to ..."; ``offered_for_you`` completes
    "You can ask us to ..." in privacy notices.
    """

    offered: list[str]
    offered_for_you: list[str]
    respond_within: str | None
    on_closure: str
    on_closure_safeguard: str | None
    """The safeguard that keeps ``on_closure``; ``None`` when it promises nothing."""
    minors: str | None
    self_service: str = ""
    """What people do themselves with their access code ("see, correct and take a copy
    of"); empty when the plan offers none of those rights."""


@dataclass(frozen=True)
class OperationsView:
    """Web logs, cookies, backups, incidents and vulnerability disclosure, as sentences."""

    log_kept: str
    log_not_kept: str
    log_retention: str | None
    third_party_analytics: bool
    cookies: list[tuple[str, str, str]]
    backups: list[str]
    incidents: list[str]
    vulnerabilities: list[str]


def classification_view(plan: Plan) -> ClassificationView:
    """The classification of ``plan`` with each factor located in the plan file."""
    result = classify(plan)
    factors = [
        FactorView(f.tier.label, f.reason, format_location(f.location)) for f in result.factors
    ]
    reasons = "; ".join(f.reason for f in result.factors if f.tier == result.tier)
    return ClassificationView(result.tier.label, result.describe(), factors, reasons)


def questionnaire_rows(plan: Plan) -> list[tuple[str, str]]:
    """The questionnaire as (question, answer) pairs in plain words."""
    q = plan.questionnaire
    subjects = {s.id: s.label for s in plan.subjects}
    hosting = w.HOSTED_BY[q.hosting.by]
    if q.hosting.provider:
        hosting += f": {q.hosting.provider}"
    if q.hosting.location:
        hosting += f", in {q.hosting.location}"
    source = w.ORIGIN[q.source.origin]
    if q.source.basis:
        source += f", on the basis of {w.LEGAL_BASIS[q.source.basis]}"
    rows = [
        (
            "Which kinds of data are held?",
            w.listing([category_label(plan, k) for k in q.data_kinds]),
        ),
        ("Whose data is it?", w.listing([subjects.get(s, s) for s in q.subjects])),
        ("About how many people?", f"{q.people:,}" if q.people is not None else "not stated"),
        ("Where is it hosted?", hosting),
        ("Who has access?", w.listing(list(q.access))),
        ("Does personal data cross borders?", w.yes_no(q.cross_border_transfers)),
        ("Does it involve children?", w.yes_no(q.children)),
        ("Does it include special categories?", w.yes_no(q.special_categories)),
        ("Is it shared with outside analysts?", w.yes_no(q.shared_with_external_analysts)),
        ("Where did the data come from?", source),
        ("Was it checked to be collected lawfully?", w.LAWFULNESS[q.source.lawfully_collected]),
    ]
    if q.source.notes:
        rows.append(("Notes on the source", q.source.notes))
    return rows


def disclosure_view(plan: Plan) -> DisclosureView | None:
    """The disclosure rules, or None when the plan sets none."""
    rules = plan.disclosure
    if rules is None:
        return None
    roles = {r.id: r.label for r in plan.roles}
    return DisclosureView(
        allowed=[w.LEGAL_GROUND[g] for g in rules.allowed_grounds if g.sufficient],
        allowed_for_you=w.listing(
            [
                "your consent" if g is LegalGround.CONSENT else w.LEGAL_GROUND[g]
                for g in rules.allowed_grounds
                if g.sufficient
            ],
            "no ground at all",
            "or",
        ),
        not_accepted=[w.LEGAL_GROUND[g] for g in rules.allowed_grounds if not g.sufficient],
        approvers=[roles.get(r, r) for r in rules.approver_roles],
        approver_not_requester=rules.approver_not_requester,
        notification=w.NOTIFICATION[rules.notify_subject],
        notification_for_you=w.NOTIFICATION_FOR_YOU[rules.notify_subject],
        notify=rules.notify_subject is not Notification.NEVER,
        encrypted=rules.delivery.encrypted,
        expires_after=(
            rules.delivery.expires_after.describe() if rules.delivery.expires_after else None
        ),
        register=rules.keep_register,
        sharing_policy=rules.publish_sharing_policy,
        transparency_report=rules.publish_transparency_report,
        legal_compliance=rules.legal_compliance_statement,
        own_rights=rules.own_rights_statement,
    )


def rights_view(plan: Plan) -> RightsView:
    """The rights the plan offers, in the plan's words and in the notices' words."""
    r = plan.rights
    rights = (
        (r.access, "see the data held about them", "show you the data we hold about you"),
        (
            r.export,
            "get a copy of their data in a file they can take elsewhere",
            "give you a copy of your data in a file you can take elsewhere",
        ),
        (r.correction, "correct data that is wrong or out of date", "correct data that is wrong"),
        (r.erasure, "erase their data", "erase your data"),
        (
            r.withdraw_consent,
            "withdraw consent they gave, at any time",
            "stop using your data for a purpose you agreed to, at any time",
        ),
        (r.privacy_settings, "change their privacy settings", "change your privacy settings"),
    )
    offered = [plain for on, plain, _ in rights if on]
    offered_for_you = [for_you for on, _, for_you in rights if on]
    minors = None
    if plan.minors is not None:
        rule = w.MINORS_POLICY[plan.minors.policy]
        minors = f"Data about children under {plan.minors.age_threshold} is {rule}."
        if plan.minors.policy is MinorsPolicy.REFUSE:
            minors = f"We do not collect data about children under {plan.minors.age_threshold}."
    own = [
        verb
        for on, verb in ((r.access, "see"), (r.correction, "correct"), (r.export, "take a copy of"))
        if on
    ]
    return RightsView(
        self_service=w.listing(own, "") + " your data" if own else "",
        offered=offered,
        offered_for_you=offered_for_you,
        respond_within=r.respond_within.describe() if r.respond_within else None,
        on_closure=w.ACCOUNT_CLOSURE[r.on_account_closure],
        on_closure_safeguard=_CLOSURE_SAFEGUARD.get(r.on_account_closure),
        minors=minors,
    )


def operations_view(plan: Plan) -> OperationsView:
    """Operational policies in sentences."""
    ops = plan.operations
    logs = ops.web_logs
    kept = w.listing([w.LOG_FIELD[f] for f in logs.keep], "nothing")
    not_kept = w.listing([w.LOG_FIELD[f] for f in LogField if f not in logs.keep], "")
    backups: list[str] = ["No backup policy is set."]
    if ops.backups is not None:
        b = ops.backups
        if not b.enabled:
            backups = ["Backups are not made."]
        else:
            backups = [
                promise(
                    "backups", f"Backups are made {b.frequency or 'on a schedule not stated'}."
                ),
                promise("backups", "Backups are encrypted.")
                if b.encrypted
                else "Backups are not encrypted.",
                promise("backups", f"Backups are kept for {duration_words(b.retention)}."),
                "A copy is kept off site." if b.offsite else "No copy is kept off site.",
                promise(
                    "backups",
                    f"Restoring is tested every {duration_words(b.restore_tested_every)}.",
                ),
            ]
    incidents: list[str] = ["No incident policy is set."]
    if ops.incidents is not None:
        i = ops.incidents
        incidents = [
            promise("incident_register", "A register of incidents is kept.")
            if i.keep_register
            else "No incident register.",
            promise(
                "breach_deadlines",
                f"The authority is notified within {duration_words(i.notify_authority_within)}.",
            ),
            promise(
                "breach_deadlines",
                f"Affected people are notified within {duration_words(i.notify_people_within)}.",
            ),
        ]
        incidents += [t for t in (i.response_plan, i.contact and f"Contact: {i.contact}") if t]
    vulnerabilities: list[str] = ["No vulnerability disclosure policy is set."]
    if ops.vulnerability_disclosure is not None:
        v = ops.vulnerability_disclosure
        vulnerabilities = [
            "Reports of vulnerabilities are welcome." if v.accepts_reports else "No reports.",
            promise(
                "vulnerability_clock",
                f"Stakeholders are told within {duration_words(v.disclose_within)}.",
            ),
        ]
        if v.contact:
            vulnerabilities.append(f"Contact: {v.contact}")
    return OperationsView(
        log_kept=kept,
        log_not_kept=not_kept,
        log_retention=logs.retention.describe() if logs.retention else None,
        third_party_analytics=logs.third_party_analytics,
        cookies=[(c.name, c.purpose, c.expires) for c in logs.cookies or ()],
        backups=backups,
        incidents=incidents,
        vulnerabilities=vulnerabilities,
    )


def is_minimal_log(plan: Plan) -> bool:
    """Whether web logs keep only what a minimized log may keep."""
    return set(plan.operations.web_logs.keep) <= MINIMAL_LOG_FIELDS
