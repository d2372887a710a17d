"""Who erases a person on the staff side, read from the plan (``rights.erasure_approval``).

Plain functions of the plan, shared by the plan's checks and the vault's erasure rule
(:mod:`steward.vault.rules.erasure`), so both read the same roles the same way.
"""

from __future__ import annotations

from steward.policy.model import Plan


def erasure_requesters(plan: Plan) -> tuple[str, ...]:
    """Ids of the roles that may ask for a person's erasure.

    ``rights.erasure_approval.requester_roles`` when the plan lists them; otherwise the
    staff roles that approve disclosures (the privacy officer's role). Empty when the
    plan does not offer erasure at all.
    """
    if not plan.rights.erasure:
        return ()
    approval = plan.rights.erasure_approval
    if approval is not None and approval.requester_roles:
        return tuple(approval.requester_roles)
    return tuple(r.id for r in plan.roles if r.staff and r.approves_disclosures)


def erasure_approvers(plan: Plan) -> tuple[str, ...]:
    """Ids of the roles that may approve (and carry out) an erasure.

    ``rights.erasure_approval.approver_roles`` when the plan lists them; otherwise the
    roles that may ask for one.
    """
    approval = plan.rights.erasure_approval
    if plan.rights.erasure and approval is not None and approval.approver_roles:
        return tuple(approval.approver_roles)
    return erasure_requesters(plan)


def erasure_needs_second_person(plan: Plan) -> bool:
    """Whether someone other than the requester must approve an erasure before it happens.

    True only when the plan has an ``erasure_approval`` section with ``second_person``
    (its default); a plan without one lets a single person of a requester role erase.
    """
    approval = plan.rights.erasure_approval
    return approval is not None and approval.second_person
