"""What changed between two versions of a plan, in plain words.

:func:`diff_plans` compares the parts of a plan that decide what happens to people's
data: the fields collected (their category, purposes, encryption), the datasets (where
their data comes from, sealing), the purposes (legal basis, consent, retention, the
Art. 9(2) condition), the recipients (and transfers abroad), the roles and their grants,
the disclosure rules and the review schedule; then every other setting added, removed
or changed, and the checks that now pass or fail
(:mod:`steward.policy.plan_diff_more`). The oversight body reads the result beside each
plan version; ``steward policy diff OLD NEW`` prints it. Texts that only explain (labels,
descriptions) are left out on purpose: a reworded label is not a change of practice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from steward import clock
from steward.policy.model import Plan
from steward.policy.model.datasets import Dataset, FieldSpec
from steward.policy.model.purposes import Purpose
from steward.policy.model.roles import Role
from steward.policy.model.sharing import Recipient
from steward.policy.plan_diff_more import check_changes, setting_changes

__all__ = ["Change", "diff_plans"]


@dataclass(frozen=True)
class Change:
    """One difference: ``area`` (plan, fields, datasets, purposes, recipients, roles,
    disclosure, governance, settings, checks), ``subject`` (what it is about, e.g.
    ``intake.email``) and ``text`` (a plain sentence)."""

    area: str
    subject: str
    text: str

    def as_dict(self) -> dict[str, str]:
        """The change as JSON-ready strings."""
        return {"area": self.area, "subject": self.subject, "text": self.text}


def diff_plans(
    old: Plan, new: Plan, *, checks: bool = True, today: date | None = None
) -> list[Change]:
    """Every difference of practice between ``old`` and ``new``, in a stable order
    (plan, fields, datasets, purposes, recipients, roles, disclosure, governance,
    settings, checks). With ``checks``, the plan checks run on both, judged on ``today``
    (default: today's date from :mod:`steward.clock`), and each finding that appeared
    or went away is a change. Two equal plans give an empty list. Never raises for
    valid plans."""
    changes: list[Change] = []
    if old.version != new.version:
        changes.append(
            Change("plan", "version", f"version changed from {old.version} to {new.version}")
        )
    changes += _fields(old, new)
    changes += _keyed(
        "datasets", _by_id(old.datasets), _by_id(new.datasets), "dataset", _dataset_facts
    )
    changes += _keyed(
        "purposes", _by_id(old.purposes), _by_id(new.purposes), "purpose", _purpose_facts
    )
    changes += _keyed(
        "recipients",
        _by_id(old.recipients),
        _by_id(new.recipients),
        "recipient",
        _recipient_facts,
    )
    changes += _keyed("roles", _by_id(old.roles), _by_id(new.roles), "role", _role_facts)
    changes += _compare("disclosure", "disclosure", _disclosure_facts(old), _disclosure_facts(new))
    changes += _compare(
        "governance",
        "review",
        {"review every": _show(old.governance.review_every)},
        {"review every": _show(new.governance.review_every)},
    )
    changes += [Change("settings", path, text) for path, text in setting_changes(old, new)]
    if checks:
        day = today or clock.now().date()
        changes += [Change("checks", rule, text) for rule, text in check_changes(old, new, day)]
    return changes


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _show(value: object) -> str:
    """A value in words: lists joined with commas, nothing as ``none``."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    describe = getattr(value, "describe", None)
    if callable(describe):
        return str(describe())
    if isinstance(value, list | tuple | set | frozenset):
        shown = [str(getattr(v, "value", v)) for v in value]
        return ", ".join(sorted(shown)) if shown else "none"
    return str(getattr(value, "value", value))


def _fields(old: Plan, new: Plan) -> list[Change]:
    def index(plan: Plan) -> dict[str, FieldSpec]:
        return {f"{d.id}.{s.name}": s for _, d, _, s in plan.fields()}

    return _keyed("fields", index(old), index(new), "field", _field_facts)


def _field_facts(spec: FieldSpec) -> dict[str, str]:
    return {
        "category": _show(spec.category),
        "purposes": _show(spec.purposes),
        "encrypted": _show(spec.encrypted),
        "masking": _show(spec.masking),
        "searchable": _show(spec.searchable),
    }


def _dataset_facts(dataset: Dataset) -> dict[str, str]:
    source = dataset.source
    origin = None
    if source is not None:
        origin = source.from_.value + (f" ({source.party})" if source.party else "")
    return {
        "subjects": _show(dataset.subjects),
        "sealed": _show(dataset.sealed),
        "source": _show(origin),
    }


def _purpose_facts(purpose: Purpose) -> dict[str, str]:
    retention = purpose.retention.describe() if purpose.retention is not None else None
    return {
        "legal basis": _show(purpose.legal_basis),
        "explicit consent": _show(purpose.explicit_consent),
        "retention": _show(retention),
        "special-category condition": _show(purpose.special_condition),
    }


def _recipient_facts(recipient: Recipient) -> dict[str, str]:
    return {
        "kind": _show(recipient.kind),
        "location": _show(recipient.location),
        "transfer safeguard": _show(recipient.transfer_safeguard),
        "categories": _show(recipient.categories),
        "purposes": _show(recipient.purposes),
        "contract": _show(recipient.contract.kind),
        "aggregates only": _show(recipient.aggregates_only),
        "de-identified only": _show(recipient.deidentified_only),
    }


def _role_facts(role: Role) -> dict[str, str]:
    facts: dict[str, str] = {}
    for action in ("read", "reveal", "write", "export"):
        grant = getattr(role, action)
        facts[f"{action} purposes"] = _show(grant.purposes)
        facts[f"{action} categories"] = _show(grant.categories)
    facts |= {
        "scope": _show(role.scope),
        "multi-factor sign-in": _show(role.mfa),
        "approves disclosures": _show(role.approves_disclosures),
        "reads the audit log": _show(role.reads_audit),
        "oversees": _show(role.oversees),
        "acts for recipient": _show(role.recipient),
    }
    return facts


def _disclosure_facts(plan: Plan) -> dict[str, str]:
    rules = plan.disclosure
    if rules is None:
        return {"disclosures": "not allowed"}
    return {
        "disclosures": "allowed",
        "allowed grounds": _show(rules.allowed_grounds),
        "approver roles": _show(rules.approver_roles),
        "approver is not the requester": _show(rules.approver_not_requester),
        "people notified": _show(rules.notify_subject),
        "objection period": _show(rules.objection_period),
        "encrypted delivery": _show(rules.delivery.encrypted),
        "register kept": _show(rules.keep_register),
    }


def _keyed(
    area: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    noun: str,
    facts: Any,
) -> list[Change]:
    """Added, removed and changed items of one kind, matched by id."""
    changes: list[Change] = []
    for key in sorted(old.keys() - new.keys()):
        changes.append(Change(area, key, f"{noun} {key} removed"))
    for key in sorted(new.keys() - old.keys()):
        details = "; ".join(f"{name}: {value}" for name, value in facts(new[key]).items())
        changes.append(Change(area, key, f"{noun} {key} added ({details})"))
    for key in sorted(old.keys() & new.keys()):
        changes += _compare(area, key, facts(old[key]), facts(new[key]), f"{noun} {key}")
    return changes


def _compare(
    area: str,
    subject: str,
    old: Mapping[str, str],
    new: Mapping[str, str],
    prefix: str | None = None,
) -> list[Change]:
    """One change for each fact whose words differ."""
    lead = f"{prefix}: " if prefix else ""
    return [
        Change(area, subject, f"{lead}{name} changed from {old.get(name, 'none')} to {value}")
        for name, value in new.items()
        if old.get(name, "none") != value
    ] + [
        Change(area, subject, f"{lead}{name} no longer applies (was {value})")
        for name, value in old.items()
        if name not in new
    ]
