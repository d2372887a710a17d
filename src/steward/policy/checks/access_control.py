"""Access control: need-to-know roles, one person one login, strong sign-in, expiry."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from steward.policy.access import can_see, covers, decide, held_purposes, shown_masked
from steward.policy.checks.facts import (
    collected_fields,
    holds_personal_data,
    reads_personal_data,
    revealable_sensitive,
)
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import Action, FieldSpec, Scope


def _sensitive_reveal_without_mfa(ctx: CheckContext) -> Iterator[Issue]:
    for index, role in enumerate(ctx.plan.roles):
        if role.mfa:
            continue
        categories = revealable_sensitive(ctx.plan, role)
        if categories:
            yield Issue(
                ("roles", index, "mfa"),
                f"role '{role.id}' can reveal {', '.join(categories)} without multi-factor sign-in",
            )


def _restricted_staff_without_mfa(ctx: CheckContext) -> Iterator[Issue]:
    if not ctx.requirements.mfa_for_all_staff:
        return
    for index, role in enumerate(ctx.plan.roles):
        if role.staff and not role.mfa and reads_personal_data(ctx.plan, role):
            if revealable_sensitive(ctx.plan, role):
                continue  # ACC001 reports it
            yield Issue(
                ("roles", index, "mfa"),
                f"staff role '{role.id}' reads personal data of a restricted holding without "
                "multi-factor sign-in",
            )


def _shared_account(ctx: CheckContext) -> Iterator[Issue]:
    for index, role in enumerate(ctx.plan.roles):
        if role.shared_account:
            yield Issue(
                ("roles", index, "shared_account"),
                f"role '{role.id}' is held through a shared account",
            )


def _temporary_without_expiry(ctx: CheckContext) -> Iterator[Issue]:
    for index, role in enumerate(ctx.plan.roles):
        if role.temporary and role.expires is None:
            yield Issue(
                ("roles", index, "temporary"),
                f"temporary role '{role.id}' has no expiry date",
            )


def _expired_role(ctx: CheckContext) -> Iterator[Issue]:
    for index, role in enumerate(ctx.plan.roles):
        if role.expires is not None and role.expires < ctx.today:
            yield Issue(
                ("roles", index, "expires"),
                f"role '{role.id}' expired on {role.expires.isoformat()}",
            )


def _names(specs: Iterable[FieldSpec]) -> str:
    """The sorted, comma-separated names of ``specs``."""
    return ", ".join(sorted({spec.name for spec in specs}))


def _stored(ctx: CheckContext) -> list[FieldSpec]:
    return [spec for _, _, spec in collected_fields(ctx.plan)]


def _grant_without_read(ctx: CheckContext) -> Iterator[Issue]:
    for index, role in enumerate(ctx.plan.roles):
        for action in (Action.REVEAL, Action.EXPORT):
            grant = role.grant(action)
            stranded = _names(
                s for s in _stored(ctx) if covers(grant, s) and not covers(role.read, s)
            )
            if stranded:
                yield Issue(
                    ("roles", index, action.value),
                    f"role '{role.id}' may {action.value} fields it cannot read ({stranded})",
                )


def _write_without_sight(ctx: CheckContext) -> Iterator[Issue]:
    for index, role in enumerate(ctx.plan.roles):
        blind = _names(s for s in _stored(ctx) if covers(role.write, s) and not can_see(role, s))
        if blind:
            yield Issue(
                ("roles", index, "write"),
                f"role '{role.id}' may write fields it cannot see ({blind}); it would "
                "overwrite what it cannot read",
            )


def _reveal_without_purpose(ctx: CheckContext) -> Iterator[Issue]:
    for index, role in enumerate(ctx.plan.roles):
        held = held_purposes(role)
        stranded = _names(
            s
            for s in _stored(ctx)
            if shown_masked(s)
            and decide(role, Action.REVEAL, s, today=ctx.today).allowed
            and not held.intersection(s.purposes)
        )
        if stranded:
            yield Issue(
                ("roles", index, "reveal"),
                f"role '{role.id}' may reveal fields but holds none of their purposes "
                f"({stranded}), so every reveal of them is refused",
            )


def _no_disclosure_approver(ctx: CheckContext) -> Iterator[Issue]:
    if not holds_personal_data(ctx.plan):
        return
    if not any(role.approves_disclosures for role in ctx.plan.roles):
        yield Issue(("roles",), "no role approves disclosures")


def _no_audit_reader(ctx: CheckContext) -> Iterator[Issue]:
    if not holds_personal_data(ctx.plan):
        return
    if not any(role.reads_audit for role in ctx.plan.roles):
        yield Issue(("roles",), "no role reads the audit log")


def _no_staff_roles(ctx: CheckContext) -> Iterator[Issue]:
    if holds_personal_data(ctx.plan) and not any(role.staff for role in ctx.plan.roles):
        yield Issue(("roles",), "the plan holds personal data but declares no staff roles")


def _subject_role_not_own(ctx: CheckContext) -> Iterator[Issue]:
    for index, role in enumerate(ctx.plan.roles):
        if not role.staff and role.scope is not Scope.OWN:
            yield Issue(
                ("roles", index, "scope"),
                f"role '{role.id}' is for data subjects but reaches records other than their own",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        id="ACC001",
        title="Roles that can reveal special or status categories use multi-factor sign-in",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Set mfa: true on the role.",
        check=_sensitive_reveal_without_mfa,
        digit=("A3",),
    ),
    Rule(
        id="ACC002",
        title="At the restricted tier, every staff role that reads personal data uses MFA",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Set mfa: true on the role.",
        check=_restricted_staff_without_mfa,
        digit=("A3",),
    ),
    Rule(
        id="ACC003",
        title="No role is held through a shared account",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Give every person their own login (shared_account: false); the audit must "
        "name who did what.",
        check=_shared_account,
        digit=("A3",),
    ),
    Rule(
        id="ACC004",
        title="Temporary roles have an expiry date",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Add expires: YYYY-MM-DD, the last day the temporary access is needed.",
        check=_temporary_without_expiry,
    ),
    Rule(
        id="ACC005",
        title="No role has passed its expiry date",
        severity=Severity.WARNING,
        area=Area.ACCESS,
        hint="Remove the expired role (its access is already refused), or extend it on purpose.",
        check=_expired_role,
    ),
    Rule(
        id="ACC006",
        title="Reveal and export grants come with a read grant",
        severity=Severity.WARNING,
        area=Area.ACCESS,
        hint="Add the fields to the role's read grant, or remove them from reveal/export.",
        check=_grant_without_read,
    ),
    Rule(
        id="ACC011",
        title="A role changes only fields it can see",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Let the role reveal these fields (each reveal is audited with a purpose and a "
        "reason), or take them out of its write grant. Steward refuses a write to a field the "
        "role cannot see, so nobody overwrites what they cannot read.",
        check=_write_without_sight,
    ),
    Rule(
        id="ACC012",
        title="A role that may reveal a field holds one of its purposes",
        severity=Severity.WARNING,
        area=Area.ACCESS,
        hint="A reveal is made for a purpose the role holds (one named in its read or reveal "
        "grant) that the field serves. Name the purpose in the role's read grant, or take "
        "the fields out of its reveal grant.",
        check=_reveal_without_purpose,
    ),
    Rule(
        id="ACC007",
        title="Some role approves disclosures",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Set approves_disclosures: true on an accountable role (e.g. the privacy officer).",
        check=_no_disclosure_approver,
    ),
    Rule(
        id="ACC008",
        title="Some role reads the audit log",
        severity=Severity.WARNING,
        area=Area.ACCESS,
        hint="Set reads_audit: true on an accountable role, so someone knows who accessed "
        "what and when.",
        check=_no_audit_reader,
    ),
    Rule(
        id="ACC009",
        title="The staff roles that have access are declared",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Declare a role for each group of staff, with what it may read.",
        check=_no_staff_roles,
        digit=("A3",),
    ),
    Rule(
        id="ACC010",
        title="Roles for data subjects reach only their own records",
        severity=Severity.ERROR,
        area=Area.ACCESS,
        hint="Set scope: own on roles with staff: false.",
        check=_subject_role_not_own,
        digit=("C2",),
    ),
)
