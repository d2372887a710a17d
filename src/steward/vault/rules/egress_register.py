"""Who may read the egress register, and who sees a disclosure's legal reference.

Pure decisions, tested as tables; the service
(:mod:`steward.vault.services.egress_register`) fetches the facts and carries them out.

- The register (every disclosure, refusal, extract and aggregate release, with its
  ground, parties, roles and counts) is read by the staff roles that approve disclosures
  or read the audit, and the members of the oversight body (``approves_disclosures`` /
  ``reads_audit`` / ``oversees``: the privacy officer, an oversight role), signed in as
  a person (never a service token), with a second factor where the role needs one, while
  their access lasts. Everyone else is refused.
- The legal reference of a disclosure (a case number, a court's docket) is shown only to
  the roles that approve disclosures: they handle the orders themselves. An audit
  reader who does not approve sees that there is one, not what it is. The public report
  never shows one.

Plain Python: no database, no Django.
"""

from __future__ import annotations

from steward.policy import Decision
from steward.policy.model import Plan
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal

__all__ = ["may_read_register", "sees_legal_reference"]


def may_read_register(plan: Plan, reader: StaffStanding) -> Decision:
    """Whether ``reader`` may read the egress register. Never raises."""
    refusal = standing_refusal(reader, "the disclosure register is read")
    if refusal:
        return Decision(False, refusal)
    role = reader.role
    if not (role.approves_disclosures or role.reads_audit or role.oversees):
        return Decision(
            False, f"the plan does not let the role '{role.id}' read the disclosure register"
        )
    del plan
    return Decision(True, "the role approves disclosures, reads the audit or oversees")


def sees_legal_reference(plan: Plan, reader: StaffStanding) -> bool:
    """Whether ``reader`` sees disclosures' legal references (approvers only)."""
    return bool(may_read_register(plan, reader)) and reader.role.approves_disclosures
