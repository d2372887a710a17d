"""Erasure on the staff side: who asks for it, who approves it, and whether two people do.

The roles are read by :mod:`steward.policy.erasure`, the same way the vault's erasure
rule reads them. Unknown role ids are refused when the plan loads (see
:mod:`steward.policy.model.references`); these rules look at what the roles are.
"""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import holds_personal_data
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.erasure import erasure_needs_second_person, erasure_requesters


def _not_staff(ctx: CheckContext) -> Iterator[Issue]:
    approval = ctx.plan.rights.erasure_approval
    if approval is None:
        return
    roles = {role.id: role for role in ctx.plan.roles}
    for key in ("requester_roles", "approver_roles"):
        for index, role_id in enumerate(getattr(approval, key)):
            role = roles.get(role_id)
            if role is not None and not role.staff:
                yield Issue(
                    ("rights", "erasure_approval", key, index),
                    f"'{role_id}' is not a staff role, so it cannot erase anyone",
                )


def _nobody_erases(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    if plan.rights.erasure and holds_personal_data(plan) and not erasure_requesters(plan):
        yield Issue(
            ("rights", "erasure"),
            "people may ask to be erased, but no staff role may carry an erasure out",
        )


def _one_person_erases(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    if plan.rights.erasure and holds_personal_data(plan) and not erasure_needs_second_person(plan):
        yield Issue(
            ("rights",),
            "one person alone can erase someone's data, which cannot be undone",
        )


RULES: tuple[Rule, ...] = (
    Rule(
        id="GOV018",
        title="Erasures are asked for and approved by staff roles",
        severity=Severity.ERROR,
        area=Area.USER_CONTROL,
        hint="List only staff roles in rights.erasure_approval.requester_roles and approver_roles.",
        check=_not_staff,
        digit=("C3",),
    ),
    Rule(
        id="GOV019",
        title="A staff role carries out erasures",
        severity=Severity.WARNING,
        area=Area.USER_CONTROL,
        hint="List rights.erasure_approval.requester_roles, or give the privacy officer's "
        "role approves_disclosures: true.",
        check=_nobody_erases,
        digit=("C3",),
    ),
    Rule(
        id="GOV020",
        title="A second person approves an erasure",
        severity=Severity.INFO,
        area=Area.USER_CONTROL,
        hint="Add rights.erasure_approval with second_person: true and the approver_roles.",
        check=_one_person_erases,
        digit=("C3",),
    ),
)
