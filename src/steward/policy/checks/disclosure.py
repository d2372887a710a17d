"""Disclosure and recipients: who may receive data, on what ground, under what contract."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import holds_personal_data, is_personal
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import ContractKind, LegalGround, Notification, RecipientKind


def _missing_section(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    if plan.disclosure is None and (plan.recipients or holds_personal_data(plan)):
        yield Issue((), "the plan holds personal data but has no disclosure section")


def _insufficient_ground(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.disclosure is None:
        return
    for index, ground in enumerate(ctx.plan.disclosure.allowed_grounds):
        if not ground.sufficient:
            yield Issue(
                ("disclosure", "allowed_grounds", index),
                f"'{ground.value}' is allowed as a ground for disclosure",
            )


def _other_ground(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.plan.disclosure is None:
        return
    for index, ground in enumerate(ctx.plan.disclosure.allowed_grounds):
        if ground.sufficient and not ground.is_legal_order and ground is not LegalGround.CONSENT:
            yield Issue(
                ("disclosure", "allowed_grounds", index),
                f"'{ground.value}' is neither consent nor a legal order",
            )


def _approver_may_request(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is not None and not disclosure.approver_not_requester:
        yield Issue(
            ("disclosure", "approver_not_requester"),
            "the person asking for a disclosure may also approve it",
        )


def _approvers(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is None:
        return
    if not disclosure.approver_roles:
        yield Issue(("disclosure",), "no approver roles are named for disclosures")
    roles = {role.id: role for role in ctx.plan.roles}
    for index, role_id in enumerate(disclosure.approver_roles):
        role = roles.get(role_id)
        if role is not None and not role.approves_disclosures:
            yield Issue(
                ("disclosure", "approver_roles", index),
                f"approver role '{role_id}' does not have approves_disclosures: true",
            )


def _never_notified(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is not None and disclosure.notify_subject is Notification.NEVER:
        yield Issue(
            ("disclosure", "notify_subject"),
            "people are never told when their data is disclosed",
        )


def _delivery_unencrypted(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is not None and not disclosure.delivery.encrypted:
        yield Issue(("disclosure", "delivery", "encrypted"), "disclosed data travels unencrypted")


def _delivery_never_expires(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is not None and disclosure.delivery.expires_after is None:
        yield Issue(("disclosure", "delivery"), "disclosed data stays downloadable for ever")


def _no_register(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is not None and not disclosure.keep_register:
        yield Issue(("disclosure", "keep_register"), "disclosures are not registered")


def _sharing_policy_unpublished(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is not None and not disclosure.publish_sharing_policy:
        yield Issue(
            ("disclosure", "publish_sharing_policy"), "the data-sharing policy is not published"
        )


def _transparency_unpublished(ctx: CheckContext) -> Iterator[Issue]:
    disclosure = ctx.plan.disclosure
    if disclosure is not None and not disclosure.publish_transparency_report:
        yield Issue(
            ("disclosure", "publish_transparency_report"),
            "no transparency report on disclosures is published",
        )


def _recipient_unspecified(ctx: CheckContext) -> Iterator[Issue]:
    for index, recipient in enumerate(ctx.plan.recipients):
        for key in ("categories", "purposes"):
            if not getattr(recipient, key):
                yield Issue(
                    ("recipients", index),
                    f"recipient '{recipient.id}' does not list the {key} it receives",
                )


def _no_contract(ctx: CheckContext) -> Iterator[Issue]:
    for index, recipient in enumerate(ctx.plan.recipients):
        if recipient.contract.kind is ContractKind.NONE:
            yield Issue(
                ("recipients", index, "contract"),
                f"recipient '{recipient.id}' has no contract setting how it may use the data",
            )


def _not_bound(ctx: CheckContext) -> Iterator[Issue]:
    for index, recipient in enumerate(ctx.plan.recipients):
        if not recipient.contract.binds_to_plan:
            yield Issue(
                ("recipients", index, "contract", "binds_to_plan"),
                f"recipient '{recipient.id}' is not bound to this plan's privacy terms",
            )


def _donor_sees_records(ctx: CheckContext) -> Iterator[Issue]:
    for index, recipient in enumerate(ctx.plan.recipients):
        if recipient.kind is RecipientKind.DONOR and not recipient.aggregates_only:
            yield Issue(
                ("recipients", index, "aggregates_only"),
                f"donor '{recipient.id}' may receive more than aggregates",
            )


def _analyst_sees_identities(ctx: CheckContext) -> Iterator[Issue]:
    for index, recipient in enumerate(ctx.plan.recipients):
        if recipient.kind is not RecipientKind.ANALYST:
            continue
        personal = [c for c in recipient.categories if is_personal(ctx.plan, c)]
        if personal and not (recipient.deidentified_only or recipient.aggregates_only):
            yield Issue(
                ("recipients", index, "deidentified_only"),
                f"analyst '{recipient.id}' receives {', '.join(personal)} without "
                "de-identification",
            )


def _small_groups_shown(ctx: CheckContext) -> Iterator[Issue]:
    floor = ctx.requirements.min_group_size
    tier = ctx.classification.tier.label
    for index, recipient in enumerate(ctx.plan.recipients):
        if not (recipient.aggregates_only or recipient.deidentified_only):
            continue
        if recipient.min_group_size is None:
            yield Issue(
                ("recipients", index),
                f"recipient '{recipient.id}' gets aggregates or extracts with no smallest "
                "group size",
                severity=Severity.WARNING,
            )
        elif recipient.min_group_size < floor:
            yield Issue(
                ("recipients", index, "min_group_size"),
                f"recipient '{recipient.id}' may see groups of {recipient.min_group_size}; "
                f"a {tier} holding needs at least {floor}",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        id="DIS001",
        title="A plan that holds personal data has a disclosure section",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Add a disclosure section: allowed grounds, approver roles, notice and delivery.",
        check=_missing_section,
        digit=("N12",),
    ),
    Rule(
        id="DIS002",
        title="Staff discretion or an informal request is never a ground for disclosure",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Allow only consent and legal orders (court_order, warrant, subpoena, "
        "statutory_obligation).",
        check=_insufficient_ground,
    ),
    Rule(
        id="DIS003",
        title="Disclosure grounds are consent or legal orders",
        severity=Severity.WARNING,
        area=Area.DISCLOSURE,
        hint="Remove the ground, or explain in legal_compliance_statement when it applies.",
        check=_other_ground,
    ),
    Rule(
        id="DIS004",
        title="Someone other than the requester approves a disclosure",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Set disclosure.approver_not_requester: true.",
        check=_approver_may_request,
    ),
    Rule(
        id="DIS005",
        title="Disclosures name approver roles that may approve",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="List approver_roles, and set approves_disclosures: true on each of those roles.",
        check=_approvers,
    ),
    Rule(
        id="DIS006",
        title="People are told when their data is disclosed",
        severity=Severity.WARNING,
        area=Area.DISCLOSURE,
        hint="Set notify_subject: always or unless_prohibited, so people can object in time.",
        check=_never_notified,
    ),
    Rule(
        id="DIS007",
        title="Disclosed data travels encrypted",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Set disclosure.delivery.encrypted: true.",
        check=_delivery_unencrypted,
    ),
    Rule(
        id="DIS008",
        title="Disclosed data is available for a limited time",
        severity=Severity.WARNING,
        area=Area.DISCLOSURE,
        hint="Add disclosure.delivery.expires_after, e.g. 7d.",
        check=_delivery_never_expires,
    ),
    Rule(
        id="DIS009",
        title="Every disclosure is registered",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Set disclosure.keep_register: true.",
        check=_no_register,
        digit=("A4",),
    ),
    Rule(
        id="DIS010",
        title="The data-sharing policy is published",
        severity=Severity.WARNING,
        area=Area.DISCLOSURE,
        hint="Set disclosure.publish_sharing_policy: true.",
        check=_sharing_policy_unpublished,
        digit=(
            "N12",
            "N13",
        ),
    ),
    Rule(
        id="DIS011",
        title="A transparency report on disclosures is published",
        severity=Severity.INFO,
        area=Area.DISCLOSURE,
        hint="Set disclosure.publish_transparency_report: true.",
        check=_transparency_unpublished,
        digit=("N12",),
    ),
    Rule(
        id="DIS012",
        title="Each recipient lists the categories and purposes it receives",
        severity=Severity.WARNING,
        area=Area.DISCLOSURE,
        hint="List categories and purposes on the recipient, so the notice can name what is "
        "shared.",
        check=_recipient_unspecified,
        digit=(
            "N12",
            "N13",
        ),
    ),
    Rule(
        id="DIS013",
        title="Each recipient has a contract setting how it may use the data",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Set contract.kind (data_processing_agreement, data_use_agreement, ...) and its "
        "reference.",
        check=_no_contract,
        digit=("A2",),
    ),
    Rule(
        id="DIS014",
        title="Each recipient is bound to this plan's privacy terms",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Make the contract bind the party to this plan, then set "
        "contract.binds_to_plan: true.",
        check=_not_bound,
        digit=("A1",),
    ),
    Rule(
        id="DIS015",
        title="Donors receive aggregates only",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Set aggregates_only: true; donors see counts with small groups suppressed.",
        check=_donor_sees_records,
    ),
    Rule(
        id="DIS016",
        title="Analysts receive personal data only de-identified",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Set deidentified_only: true (or aggregates_only: true) on the analyst recipient.",
        check=_analyst_sees_identities,
    ),
    Rule(
        id="DIS017",
        title="Aggregates and extracts suppress small groups",
        severity=Severity.ERROR,
        area=Area.DISCLOSURE,
        hint="Set min_group_size on the recipient: at least 5, or 10 for a restricted holding.",
        check=_small_groups_shown,
    ),
)
