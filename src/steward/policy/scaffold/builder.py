"""Answers to plan data: purposes, fields, roles and rules suited to what was answered."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from steward.policy.classification import Classification, classify
from steward.policy.loader import format_location
from steward.policy.model import (
    HostedBy,
    LegalBasis,
    Location,
    OrganizationKind,
    Plan,
    country_of,
)
from steward.policy.scaffold.answers import TODO, Answers, subject_id
from steward.policy.scaffold.defaults import defaults as _defaults
from steward.policy.scaffold.defaults import fresh_copy as _copy
from steward.policy.scaffold.render import render
from steward.policy.taxonomy import BUILT_IN_CATEGORIES
from steward.policy.tier_requirements import requirements_for
from steward.policy.tiers import Tier

SERVICE: Final = "service_delivery"
FOLLOW_UP: Final = "follow_up"
SENSITIVE: Final = "sensitive_support"
STATISTICS: Final = "statistics"


@dataclass(frozen=True)
class Scaffold:
    """A generated plan.

    Attributes:
        data: the plan as plain data (what the YAML holds).
        text: the commented YAML to write to ``plan.yaml``.
        classification: the tier of the holding the plan describes, with its factors.
        todos: dotted paths of every ``TODO:`` placeholder a person must replace.
    """

    data: dict[str, Any]
    text: str
    classification: Classification
    todos: tuple[str, ...]

    @property
    def tier(self) -> Tier:
        """The holding's sensitivity tier."""
        return self.classification.tier


def scaffold(answers: Answers, *, today: date | None = None) -> Scaffold:
    """Build a complete starting plan from questionnaire answers.

    The plan loads with :func:`steward.policy.load_plan_text`; retention, sealing,
    multi-factor authentication and oversight are suggested according to the tier
    the answers lead to. ``today`` fixes the date temporary access expires from.

    Never raises for valid ``answers``.
    """
    today = today or date.today()
    defaults = _defaults()
    fields = _fields(answers)
    questionnaire = _questionnaire(answers)
    subjects = _subjects(answers)
    # Classify a skeleton first: the tier decides retention, sealing and oversight.
    skeleton = Plan.model_validate(
        {
            "steward": 1,
            "version": "draft",
            "organization": {"name": answers.organization},
            "questionnaire": questionnaire,
            "subjects": subjects,
            "datasets": [{"id": "intake", "label": "Intake", "fields": fields}],
        }
    )
    tier = classify(skeleton).tier
    used = {p for spec in fields if not spec.get("never") for p in spec["purposes"]}
    purposes = [p for p in _purposes(answers, tier) if p["id"] in used]
    operations = _copy(defaults["operations"])
    operations["incidents"]["contact"] = answers.privacy_officer.email
    operations["vulnerability_disclosure"]["contact"] = answers.privacy_officer.email
    data: dict[str, Any] = {
        "steward": 1,
        "version": "0.1",
        "organization": _organization(answers, tier),
        "governance": _governance(answers),
        "questionnaire": questionnaire,
        "subjects": subjects,
        "purposes": purposes,
        "datasets": [
            {
                "id": "intake",
                "label": "Intake form",
                "kind": "intake_form",
                "description": f"How people ask {answers.organization} for help.",
                "subjects": [s["id"] for s in subjects],
                "sealed": tier >= Tier.RESTRICTED,
                "fields": fields,
            }
        ],
        "roles": _roles(answers, fields, [p["id"] for p in purposes], today),
        "recipients": _recipients(answers, fields, tier),
        "disclosure": _copy(defaults["disclosure"]),
        "rights": _copy(defaults["rights"]),
        "minors": {
            "policy": "guardian_consent" if _children(answers) else "refuse",
            "age_threshold": 16,
        },
        "operations": operations,
    }
    if not data["recipients"]:
        del data["recipients"]
    plan = Plan.model_validate(data)
    todos = tuple(format_location(loc) for loc in _todo_locations(data, ()))
    return Scaffold(data, render(data, todos), classify(plan), todos)


def _children(answers: Answers) -> bool:
    return answers.children or "children" in answers.data_kinds


def _special(answers: Answers) -> bool:
    return answers.special_categories or any(
        BUILT_IN_CATEGORIES[k].special for k in answers.data_kinds
    )


def _questionnaire(answers: Answers) -> dict[str, Any]:
    hosting: dict[str, Any] = {"by": answers.hosting.by.value}
    if answers.hosting.provider:
        hosting["provider"] = answers.hosting.provider
    location = answers.hosting.location or (
        answers.jurisdictions[0] if answers.hosting.by is HostedBy.SELF else None
    )
    if location:
        hosting["location"] = location
    source: dict[str, Any] = {"origin": answers.source.origin.value}
    if answers.source.basis is not None:
        source["basis"] = answers.source.basis.value
    source["lawfully_collected"] = answers.source.lawfully_collected.value
    q: dict[str, Any] = {
        "data_kinds": list(answers.data_kinds),
        "subjects": [subject_id(s) for s in answers.subjects],
    }
    if answers.people is not None:
        q["people"] = answers.people
    q |= {
        "hosting": hosting,
        "access": list(answers.access) or [f"{TODO} list the staff groups who have access"],
        "cross_border_transfers": answers.cross_border_transfers or _hosted_abroad(answers),
        "children": _children(answers),
        "special_categories": _special(answers),
        "shared_with_external_analysts": answers.shared_with_external_analysts,
        "source": source,
    }
    return q


def _hosted_abroad(answers: Answers) -> bool:
    """Whether the hosting location lies outside every country the organization works in."""
    home = {country_of(j) for j in answers.jurisdictions}
    location = answers.hosting.location
    return location is not None and country_of(location) not in home


def _subjects(answers: Answers) -> list[dict[str, Any]]:
    out = []
    for label in answers.subjects:
        subject: dict[str, Any] = {"id": subject_id(label), "label": label[:1].upper() + label[1:]}
        subject["minors"] = _children(answers)
        if subject["minors"]:
            subject["description"] = (
                "May include children under 16, whose data needs a guardian's consent."
            )
        out.append(subject)
    return out


def _organization(answers: Answers, tier: Tier) -> dict[str, Any]:
    org: dict[str, Any] = {
        "name": answers.organization,
        "kind": answers.kind.value,
        "jurisdictions": list(answers.jurisdictions),
        "privacy_officer": {
            "name": answers.privacy_officer.name,
            "title": "Privacy officer",
            "email": answers.privacy_officer.email,
        },
        "privacy_policy_url": f"{TODO} the web address of your privacy policy",
    }
    if tier >= Tier.CONFIDENTIAL:
        org["oversight_body"] = {
            "name": f"{TODO} name the group that reviews how sensitive data is handled",
            "members": ["legal counsel", "information security", "community representative"],
            "meets": "quarterly",
        }
    return org


def _governance(answers: Answers) -> dict[str, Any]:
    known: dict[str, Any] = _defaults()["regulators"]
    codes = [*answers.jurisdictions, *(country_of(j) for j in answers.jurisdictions)]
    regulator = next((known[code] for code in codes if code in known), None)
    return {
        "complaints": {
            "procedure": f"{TODO} how a person complains, who answers and within how long",
            "contact": answers.privacy_officer.email,
        },
        "regulator": _copy(regulator)
        or {"name": f"{TODO} the data protection authority people can complain to"},
        "training": {"required": True, "every": "1y"},
        "review_every": "1y",
        "senior_committee": f"{TODO} the management body that signs this plan off",
        "failure_statement": (
            "If our safeguards fail we tell the people affected and the regulator, "
            "investigate, and publish what we changed."
        ),
        "team_acknowledgement": True,
    }


def _default_basis(answers: Answers) -> LegalBasis:
    if answers.source.basis is not None:
        return answers.source.basis
    if answers.kind is OrganizationKind.CITY_DEPARTMENT:
        return LegalBasis.PUBLIC_TASK
    return LegalBasis.CONSENT


def _purpose(
    purpose_id: str,
    words: tuple[str, str, str, str],
    basis: LegalBasis,
    retention: dict[str, str],
) -> dict[str, Any]:
    label, description, internal_use, consent_text = words
    purpose: dict[str, Any] = {
        "id": purpose_id,
        "label": label,
        "description": description,
        "legal_basis": basis.value,
    }
    if basis in (LegalBasis.PUBLIC_TASK, LegalBasis.LEGAL_OBLIGATION):
        purpose["legal_reference"] = f"{TODO} cite the law or regulation that gives this task"
    if basis is LegalBasis.CONTRACT:
        purpose["legal_reference"] = f"{TODO} name the contract or terms of service"
    if basis is LegalBasis.CONSENT:
        purpose["explicit_consent"] = True
        purpose["consent_text"] = consent_text
    purpose["retention"] = retention
    purpose["internal_use"] = internal_use
    return purpose


def _purposes(answers: Answers, tier: Tier) -> list[dict[str, Any]]:
    """Every purpose a starting plan may need; the caller keeps those some field uses."""
    keep: dict[str, str] = _defaults()["retention"][tier.label]
    basis = _default_basis(answers)
    city = answers.kind is OrganizationKind.CITY_DEPARTMENT
    after_closure = {"from": "case_closure", "then": "delete"}
    return [
        _purpose(
            SERVICE,
            (
                "Providing the help the person asked for",
                "Handle the request or case and record what was done.",
                "Caseworkers assigned to the case, and the privacy officer.",
                "Yes, use my answers to handle my request.",
            ),
            basis,
            {"keep": keep[SERVICE], "from": "case_closure", "then": "aggregate"},
        ),
        _purpose(
            FOLLOW_UP,
            (
                "Contacting the person about their request",
                "Call or write back with questions or the outcome.",
                "The caseworker assigned to the case.",
                "Yes, contact me about my request.",
            ),
            basis,
            {"keep": keep[FOLLOW_UP], **after_closure},
        ),
        _purpose(
            SENSITIVE,
            (
                "Support that depends on sensitive details",
                "Only when the person chooses to share them, to tailor the help they get.",
                "The caseworker assigned to the case; revealing a value is audited.",
                "Yes, you may record the sensitive details I choose to share, only to help "
                "me with this request. I can withdraw this at any time.",
            ),
            LegalBasis.CONSENT,
            {"keep": keep[SENSITIVE], **after_closure},
        ),
        _purpose(
            STATISTICS,
            (
                "Counting requests to plan services",
                "Counts by type of request, published without names and with small groups "
                "suppressed.",
                "The privacy officer, and analysts who see only de-identified extracts.",
                "",
            ),
            LegalBasis.PUBLIC_TASK if city else LegalBasis.LEGITIMATE_INTEREST,
            {"keep": keep[STATISTICS], "from": "collection", "then": "aggregate"},
        ),
    ]


def _fields(answers: Answers) -> list[dict[str, Any]]:
    """One or more intake fields per declared kind, then request type and immigration."""
    defaults = _defaults()
    fields: list[dict[str, Any]] = []
    for kind in answers.data_kinds:
        for template in defaults["fields"].get(kind) or ():
            spec = {"name": template["name"], "label": template["label"], "category": kind}
            spec |= {k: _copy(v) for k, v in template.items() if k not in spec}
            if spec.get("input") == "textarea":
                spec.setdefault("help", defaults["textarea_help"])
            fields.append(spec)
    fields.append(_copy(defaults["request_type"]))
    if "immigration_status" not in answers.data_kinds:
        fields.append(_copy(defaults["immigration_never"]))
    return fields


def _roles(
    answers: Answers, fields: list[dict[str, Any]], purposes: list[str], today: date
) -> list[dict[str, Any]]:
    """Caseworker, privacy officer, a temporary analyst if data is shared, and self-service."""
    collected = [f for f in fields if not f.get("never")]
    casework = [p for p in (SERVICE, FOLLOW_UP, SENSITIVE) if p in purposes]
    masked = [f for f in collected if f.get("masking", "full") != "none"]
    roles: list[dict[str, Any]] = [
        {
            "id": "caseworker",
            "label": "Caseworker",
            "description": "Handles the requests assigned to them.",
            "read": {"purposes": casework},
            "reveal": {
                "categories": _unique(
                    f["category"] for f in masked if set(f["purposes"]) & set(casework)
                )
            },
            "write": {"purposes": list(casework)},
            "scope": "assigned",
            "mfa": True,
        },
        {
            "id": "privacy_officer",
            "label": "Privacy officer",
            "description": "Approves disclosures, answers rights requests, reads the audit log.",
            "read": {"purposes": list(purposes)},
            "reveal": {"categories": _unique(f["category"] for f in masked)},
            "export": {"purposes": list(casework)},
            "scope": "all",
            "mfa": True,
            "approves_disclosures": True,
            "reads_audit": True,
        },
    ]
    if answers.shared_with_external_analysts:
        roles.append(
            {
                "id": "analyst",
                "label": "Outside analyst",
                "description": "Works on de-identified extracts for the statistics.",
                "read": {"purposes": [STATISTICS]},
                "scope": "all",
                "mfa": True,
                "temporary": True,
                "expires": today + timedelta(days=180),
            }
        )
    subject: dict[str, Any] = {
        "id": "data_subject",
        "label": "The person the data is about (self-service)",
        "staff": False,
        "read": {"purposes": list(casework)},
        "scope": "own",
    }
    if FOLLOW_UP in purposes:
        # People keep their own contact details up to date, and see what they change.
        subject["reveal"] = {"purposes": [FOLLOW_UP]}
        subject["write"] = {"purposes": [FOLLOW_UP]}
    roles.append(subject)
    return roles


def _recipients(answers: Answers, fields: list[dict[str, Any]], tier: Tier) -> list[dict[str, Any]]:
    """The hosting provider (a processor) and outside analysts, when the answers name them."""
    collected = [f for f in fields if not f.get("never")]
    recipients: list[dict[str, Any]] = []
    if answers.hosting.by is HostedBy.THIRD_PARTY:
        host: dict[str, Any] = {
            "id": "hosting_provider",
            "name": answers.hosting.provider,
            "kind": "processor",
        }
        if answers.hosting.location:
            host["location"] = answers.hosting.location
        host["contract"] = {
            "kind": "data_processing_agreement",
            "reference": f"{TODO} the reference of the signed data processing agreement",
            "binds_to_plan": True,
        }
        host["categories"] = _unique(f["category"] for f in collected)
        host["purposes"] = _unique(p for f in collected for p in f["purposes"])
        recipients.append(host)
    if answers.shared_with_external_analysts:
        statistics = [f for f in collected if STATISTICS in f["purposes"]]
        recipients.append(
            {
                "id": "outside_analysts",
                "name": f"{TODO} the analysts' organization",
                "kind": "analyst",
                "location": answers.hosting.location or answers.jurisdictions[0],
                "contract": {
                    "kind": "data_use_agreement",
                    "reference": f"{TODO} the reference of the signed data use agreement",
                    "binds_to_plan": True,
                },
                "categories": _unique(f["category"] for f in statistics),
                "purposes": [STATISTICS],
                "deidentified_only": True,
                "min_group_size": requirements_for(tier).min_group_size,
            }
        )
    return recipients


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _todo_locations(value: Any, at: Location) -> Iterator[Location]:
    if isinstance(value, str) and value.startswith(TODO):
        yield at
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _todo_locations(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _todo_locations(inner, (*at, index))
