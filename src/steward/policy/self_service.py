"""The role a person acts under when they use their own rights, read from the plan.

A plan names it as a non-staff role with scope ``own`` (the city's "Resident
(self-service)"). A plan that offers people their rights without naming one gets a
default: the person reads every field of the intake forms (what they told the
organization), reveals them all, and writes none (every correction goes to staff).
Fields of staff tables (notes staff keep about the case) are staff-only by default.
"""

from __future__ import annotations

from typing import Final

from steward.policy.model import DatasetKind, Grant, Plan, Role, Scope

DEFAULT_ROLE_ID: Final = "self_service"


def declared_self_service_role(plan: Plan) -> Role | None:
    """The plan's own self-service role (the first non-staff role of scope ``own``)."""
    return next((role for role in plan.roles if not role.staff and role.scope is Scope.OWN), None)


def self_service_role(plan: Plan) -> Role:
    """The role a person acts under on their own page: the plan's self-service role, or
    the default one (reads and reveals the intake forms' fields, writes nothing)."""
    declared = declared_self_service_role(plan)
    if declared is not None:
        return declared
    purposes = sorted(
        {
            purpose
            for dataset in plan.datasets
            if dataset.kind is DatasetKind.INTAKE_FORM
            for spec in dataset.collected_fields
            for purpose in spec.purposes
        }
    )
    grant = Grant(purposes=purposes)
    return Role(
        id=DEFAULT_ROLE_ID,
        label="The person themself",
        staff=False,
        read=grant,
        reveal=grant,
        scope=Scope.OWN,
    )


def rights_officer_roles(plan: Plan) -> tuple[str, ...]:
    """Ids of the staff roles that answer people's rights requests and issue new access
    codes: the roles that approve disclosures (the privacy officer's)."""
    return tuple(role.id for role in plan.roles if role.staff and role.approves_disclosures)
