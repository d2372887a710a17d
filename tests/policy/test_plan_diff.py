"""Plan differences in plain words, as a table of edits to the city's example plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import load_plan_text
from steward.policy.model import Plan
from steward.policy.plan_diff import Change, diff_plans

CITY = Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml"
TODAY = date(2026, 11, 22)

Edit = Callable[[dict[str, Any]], None]


def city() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    return data


def plan_of(data: dict[str, Any]) -> Plan:
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


def role(data: dict[str, Any], role_id: str) -> dict[str, Any]:
    found: dict[str, Any]
    [found] = [r for r in data["roles"] if r["id"] == role_id]
    return found


def field(data: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any]
    [found] = [f for f in data["datasets"][0]["fields"] if f["name"] == name]
    return found


def purpose(data: dict[str, Any], purpose_id: str) -> dict[str, Any]:
    found: dict[str, Any]
    [found] = [p for p in data["purposes"] if p["id"] == purpose_id]
    return found


def _add_field(d: dict[str, Any]) -> None:
    d["datasets"][0]["fields"].append(
        {"name": "ward", "label": "Ward", "category": "location", "purposes": ["service_delivery"]}
    )


def _remove_phone(d: dict[str, Any]) -> None:
    d["datasets"][0]["fields"] = [f for f in d["datasets"][0]["fields"] if f["name"] != "phone"]


def _remove_service_updates(d: dict[str, Any]) -> None:
    d["purposes"] = [p for p in d["purposes"] if p["id"] != "service_updates"]
    for dataset in d["datasets"]:
        for spec in dataset.get("fields", []):
            spec["purposes"] = [p for p in spec.get("purposes", []) if p != "service_updates"]
    for r in d["roles"]:
        for action in ("read", "reveal", "write", "export"):
            if "purposes" in r.get(action, {}):
                r[action]["purposes"] = [p for p in r[action]["purposes"] if p != "service_updates"]


def _remove_disclosure(d: dict[str, Any]) -> None:
    del d["disclosure"]


CASES: list[tuple[str, Edit, Change]] = [
    (
        "version",
        lambda d: d.update(version="9.9"),
        Change("plan", "version", "version changed from {old} to 9.9"),
    ),
    (
        "field-added",
        _add_field,
        Change(
            "fields",
            "service_request.ward",
            "field service_request.ward added (category: location; purposes: "
            "service_delivery; encrypted: yes; masking: full; searchable: no)",
        ),
    ),
    (
        "field-removed",
        _remove_phone,
        Change("fields", "service_request.phone", "field service_request.phone removed"),
    ),
    (
        "field-category",
        lambda d: field(d, "phone").update(category="location"),
        Change(
            "fields",
            "service_request.phone",
            "field service_request.phone: category changed from contact to location",
        ),
    ),
    (
        "field-purposes",
        lambda d: field(d, "phone").update(purposes=["follow_up", "service_delivery"]),
        Change(
            "fields",
            "service_request.phone",
            "field service_request.phone: purposes changed from follow_up to "
            "follow_up, service_delivery",
        ),
    ),
    (
        "field-encrypted",
        lambda d: field(d, "street_address").update(encrypted=False),
        Change(
            "fields",
            "service_request.street_address",
            "field service_request.street_address: encrypted changed from yes to no",
        ),
    ),
    (
        "retention",
        lambda d: purpose(d, "follow_up").update(retention={"keep": "1y", "from": "case_closure"}),
        Change(
            "purposes",
            "follow_up",
            "purpose follow_up: retention changed from 6 months after case closure, then "
            "deleted to 1 year after case closure, then deleted",
        ),
    ),
    (
        "purpose-removed",
        _remove_service_updates,
        Change("purposes", "service_updates", "purpose service_updates removed"),
    ),
    (
        "recipient-categories",
        lambda d: d["recipients"][0].update(categories=[]),
        Change("recipients", "civic_data_lab", "recipient civic_data_lab: categories changed from"),
    ),
    (
        "grant",
        lambda d: role(d, "analyst").update(reveal={"categories": ["contact"]}),
        Change("roles", "analyst", "role analyst: reveal categories changed from none to contact"),
    ),
    (
        "role-mfa",
        lambda d: role(d, "caseworker").update(mfa=False),
        Change(
            "roles", "caseworker", "role caseworker: multi-factor sign-in changed from yes to no"
        ),
    ),
    (
        "role-removed",
        lambda d: d.__setitem__("roles", [r for r in d["roles"] if r["id"] != "oversight_board"]),
        Change("roles", "oversight_board", "role oversight_board removed"),
    ),
    (
        "objection-period",
        lambda d: d["disclosure"].update(objection_period="30d"),
        Change("disclosure", "disclosure", "objection period changed from 14 days to 30 days"),
    ),
    (
        "grounds",
        lambda d: d["disclosure"].update(allowed_grounds=["court_order"]),
        Change(
            "disclosure",
            "disclosure",
            "allowed grounds changed from consent, court_order, warrant to court_order",
        ),
    ),
    (
        "review",
        lambda d: d["governance"].update(review_every="6m"),
        Change("governance", "review", "review every changed from 1 year to 6 months"),
    ),
    (
        "dataset-source",
        lambda d: d["datasets"][0].update(source={"from": "third_party", "party": "311 line"}),
        Change(
            "datasets",
            "service_request",
            "dataset service_request: source changed from the_person to third_party (311 line)",
        ),
    ),
    (
        "special-condition",
        lambda d: purpose(d, "service_delivery").update(special_condition="health_or_social_care"),
        Change(
            "purposes",
            "service_delivery",
            "purpose service_delivery: special-category condition changed from none to "
            "health or social care (Art. 9(2)(h))",
        ),
    ),
    (
        "recipient-abroad",
        lambda d: d["recipients"][0].update(location="CA"),
        Change("recipients", "civic_data_lab", "recipient civic_data_lab: location changed from"),
    ),
    (
        "transfer-safeguard",
        lambda d: d["recipients"][0].update(transfer_safeguard="adequacy_decision"),
        Change(
            "recipients",
            "civic_data_lab",
            "recipient civic_data_lab: transfer safeguard changed from none to an adequacy "
            "decision (Art. 45)",
        ),
    ),
    (
        "setting-changed",
        lambda d: d["rights"].update(export=False),
        Change("settings", "rights.export", "setting rights.export changed from yes to no"),
    ),
    (
        "setting-added",
        lambda d: d["organization"].update(data_protection_officer={"name": "Ada Lee"}),
        Change(
            "settings",
            "organization.data_protection_officer.name",
            "setting organization.data_protection_officer.name added: Ada Lee",
        ),
    ),
    (
        "setting-removed",
        lambda d: d["organization"].pop("website"),
        Change("settings", "organization.website", "setting organization.website removed (was"),
    ),
    (
        "role-of-organization",
        lambda d: d["organization"].update(
            role="both", acts_for=[{"name": "County", "processing": ["hosting"]}]
        ),
        Change(
            "settings",
            "organization.role",
            "setting organization.role changed from controller to both",
        ),
    ),
    (
        "check-now-fails",
        lambda d: field(d, "full_name").update(encrypted=False),
        Change("checks", "SEC001", "check SEC001 now fails (error at datasets[0].fields[0]"),
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_edit_is_told_in_plain_words(edit: Edit, expected: Change) -> None:
    old = city()
    new = city()
    edit(new)
    changes = diff_plans(plan_of(old), plan_of(new))
    text = expected.text.replace("{old}", str(old["version"]))
    matching = [
        c
        for c in changes
        if c.area == expected.area and c.subject == expected.subject and c.text.startswith(text)
    ]
    assert matching, changes


def test_the_same_plan_has_no_change() -> None:
    assert diff_plans(plan_of(city()), plan_of(city())) == []


def test_labels_and_descriptions_are_not_changes_of_practice() -> None:
    new = city()
    field(new, "phone")["label"] = "Telephone"
    purpose(new, "follow_up")["description"] = "Reworded."
    assert diff_plans(plan_of(city()), plan_of(new)) == []


def test_removing_disclosures_says_so() -> None:
    new = city()
    _remove_disclosure(new)
    texts = [c.text for c in diff_plans(plan_of(city()), plan_of(new))]
    assert "disclosures changed from allowed to not allowed" in texts
    assert any(t.startswith("allowed grounds no longer applies") for t in texts)


def test_changes_are_json_ready() -> None:
    new = city()
    new["version"] = "2"
    [change] = diff_plans(plan_of(city()), plan_of(new))
    assert change.as_dict() == {"area": "plan", "subject": "version", "text": change.text}


def test_a_check_that_now_passes_is_told() -> None:
    broken = city()
    field(broken, "full_name")["encrypted"] = False
    changes = diff_plans(plan_of(broken), plan_of(city()), today=TODAY)
    texts = [c.text for c in changes if c.area == "checks"]
    assert [t.split(" (")[0] for t in texts] == ["check SEC001 now passes"]
    assert "was error at datasets[0].fields[0].encrypted" in texts[0]


def test_checks_are_judged_on_the_given_day_and_can_be_left_out() -> None:
    new = city()
    field(new, "full_name")["encrypted"] = False
    assert not [c for c in diff_plans(plan_of(city()), plan_of(new), checks=False)
                if c.area == "checks"]  # fmt: skip
    assert diff_plans(plan_of(city()), plan_of(city()), today=date(2099, 1, 1)) == []


def test_a_finding_that_only_moved_is_no_change() -> None:
    new = city()
    new["datasets"][0]["fields"].insert(0, new["datasets"][0]["fields"].pop(2))
    assert [c for c in diff_plans(plan_of(city()), plan_of(new)) if c.area == "checks"] == []
