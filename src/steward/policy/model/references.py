"""Cross-reference checks: every id a plan uses must be declared, and ids are unique."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from difflib import get_close_matches
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from steward.policy.model.plan import Location, Plan


def find_reference_errors(plan: Plan) -> list[tuple[Location, str]]:
    """Dangling references and duplicate ids in ``plan``, each with its location."""
    errors: list[tuple[Location, str]] = []
    categories = set(plan.taxonomy)
    purposes = [p.id for p in plan.purposes]
    subjects = [s.id for s in plan.subjects]
    roles = [r.id for r in plan.roles]

    errors += _duplicates(("purposes",), purposes, "purpose")
    errors += _duplicates(("subjects",), subjects, "data subject")
    errors += _duplicates(("datasets",), [d.id for d in plan.datasets], "dataset")
    errors += _duplicates(("roles",), roles, "role")
    errors += _duplicates(("recipients",), [r.id for r in plan.recipients], "recipient")
    errors += _duplicates(("categories",), [c.id for c in plan.categories], "category")
    errors += _duplicates(("teams",), [t.id for t in plan.teams], "team")
    for index, definition in enumerate(plan.categories):
        if definition.id in _built_in_ids():
            errors.append(
                (
                    ("categories", index, "id"),
                    f"category '{definition.id}' is built in; choose another id",
                )
            )

    q = plan.questionnaire
    errors += _unknown(("questionnaire", "data_kinds"), q.data_kinds, categories, "category")
    errors += _unknown(("questionnaire", "subjects"), q.subjects, subjects, "data subject")

    for d_index, dataset in enumerate(plan.datasets):
        base: Location = ("datasets", d_index)
        errors += _unknown((*base, "subjects"), dataset.subjects, subjects, "data subject")
        errors += _duplicates(
            (*base, "fields"), [f.name for f in dataset.fields], "field", key="name"
        )
        for f_index, spec in enumerate(dataset.fields):
            at: Location = (*base, "fields", f_index)
            errors += _unknown((*at, "category"), [spec.category], categories, "category", True)
            errors += _unknown((*at, "purposes"), spec.purposes, purposes, "purpose")

    for r_index, role in enumerate(plan.roles):
        for action in ("read", "reveal", "write", "export"):
            grant = getattr(role, action)
            at = ("roles", r_index, action)
            errors += _unknown((*at, "purposes"), grant.purposes, purposes, "purpose")
            errors += _unknown((*at, "categories"), grant.categories, categories, "category")

    errors += _role_recipients(plan)
    errors += _oversight_roles(plan)
    for r_index, recipient in enumerate(plan.recipients):
        at = ("recipients", r_index)
        errors += _unknown((*at, "categories"), recipient.categories, categories, "category")
        errors += _unknown((*at, "purposes"), recipient.purposes, purposes, "purpose")

    if plan.disclosure is not None:
        errors += _unknown(
            ("disclosure", "approver_roles"), plan.disclosure.approver_roles, roles, "role"
        )
        errors += _email_notice_errors(plan)
    errors += _harm_references(plan, subjects)
    erasure = plan.rights.erasure_approval
    if erasure is not None:
        for key in ("requester_roles", "approver_roles"):
            at = ("rights", "erasure_approval", key)
            errors += _unknown(at, getattr(erasure, key), roles, "role")
    return errors


def _email_notice_errors(plan: Plan) -> list[tuple[Location, str]]:
    """``disclosure.notify_by_email`` names a field some dataset declares, and purposes
    that field serves."""
    email = plan.disclosure.notify_by_email if plan.disclosure is not None else None
    if email is None:
        return []
    at: Location = ("disclosure", "notify_by_email")
    fields = {s.name for d in plan.datasets for s in d.fields}
    errors = _unknown((*at, "field"), [email.field], fields, "field", True)
    if errors:
        return errors
    served = {
        purpose
        for dataset in plan.datasets
        for spec in dataset.fields
        if spec.name == email.field
        for purpose in spec.purposes
    }
    return [
        ((*at, "purposes", index), f"field '{email.field}' does not serve purpose '{purpose}'")
        for index, purpose in enumerate(email.purposes)
        if purpose not in served
    ]


def _role_recipients(plan: Plan) -> list[tuple[Location, str]]:
    """A role acting for a recipient names a declared recipient that receives aggregates
    only, and grants nothing else (its accounts see only that recipient's releases)."""
    errors: list[tuple[Location, str]] = []
    recipients = {r.id: r for r in plan.recipients}
    for r_index, role in enumerate(plan.roles):
        if role.recipient is None:
            continue
        at: Location = ("roles", r_index, "recipient")
        found = recipients.get(role.recipient)
        if found is None:
            errors += _unknown(at, [role.recipient], recipients, "recipient", True)
        elif not found.aggregates_only:
            errors.append(
                (
                    at,
                    f"recipient '{role.recipient}' does not receive aggregates only; a role "
                    "acts only for a recipient with aggregates_only: true",
                )
            )
        granted = [a for a in ("read", "reveal", "write", "export") if not getattr(role, a).empty]
        if granted or role.approves_disclosures or role.reads_audit or not role.staff:
            errors.append(
                (
                    ("roles", r_index),
                    f"role '{role.id}' acts for recipient '{role.recipient}', so it sees counts "
                    "only: remove its grants, approvals and audit reading (and keep staff: true)",
                )
            )
    return errors


def _oversight_roles(plan: Plan) -> list[tuple[Location, str]]:
    """An oversight role reads and never changes: it grants no reveal, write or export,
    approves nothing, acts for no recipient, and is a staff role with multi-factor
    sign-in."""
    errors: list[tuple[Location, str]] = []
    for r_index, role in enumerate(plan.roles):
        if not role.oversees:
            continue
        granted = [a for a in ("read", "reveal", "write", "export") if not getattr(role, a).empty]
        if granted or role.approves_disclosures or role.recipient is not None:
            errors.append(
                (
                    ("roles", r_index),
                    f"role '{role.id}' oversees, so it only reads registers and reports: "
                    "remove its grants, approvals and recipient",
                )
            )
        if not role.staff or not role.mfa:
            errors.append(
                (
                    ("roles", r_index),
                    f"role '{role.id}' oversees: keep staff: true and set mfa: true",
                )
            )
    return errors


def _harm_references(plan: Plan, subjects: Sequence[str]) -> list[tuple[Location, str]]:
    """Each foreseen harm affects declared subjects and names Steward's safeguards."""
    from steward.policy.safeguard_catalogue import ENTRIES

    safeguards = [entry.id for entry in ENTRIES]
    errors: list[tuple[Location, str]] = []
    for index, harm in enumerate(plan.harms):
        at: Location = ("harms", index)
        errors += _unknown((*at, "affects"), harm.affects, subjects, "data subject")
        for m_index, measure in enumerate(harm.measures):
            if measure not in safeguards:
                close = get_close_matches(measure, safeguards, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else "a measure names one of Steward's safeguards (see the list in "
                    "docs/plan-format.md, section harms)"
                )
                message = f"unknown safeguard '{measure}'; {hint}"
                errors.append(((*at, "measures", m_index), message))
    return errors


def _built_in_ids() -> set[str]:
    from steward.policy.taxonomy import BUILT_IN_CATEGORIES

    return set(BUILT_IN_CATEGORIES)


def _unknown(
    at: Location,
    used: Sequence[str],
    declared: Iterable[str],
    noun: str,
    scalar: bool = False,
) -> list[tuple[Location, str]]:
    known = set(declared)
    errors: list[tuple[Location, str]] = []
    for index, value in enumerate(used):
        if value in known:
            continue
        message = f"unknown {noun} '{value}'"
        close = get_close_matches(value, sorted(known), n=1)
        message += f"; did you mean '{close[0]}'?" if close else f"; declare the {noun} first"
        errors.append((at if scalar else (*at, index), message))
    return errors


def _duplicates(
    at: Location, ids: Sequence[str], noun: str, key: str = "id"
) -> list[tuple[Location, str]]:
    seen: set[str] = set()
    errors: list[tuple[Location, str]] = []
    for index, value in enumerate(ids):
        if value in seen:
            errors.append(((*at, index, key), f"{noun} '{value}' is declared twice"))
        seen.add(value)
    return errors
