"""What a person may do with each of their fields: tables over the example plans and
small made-up ones (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.policy import load_plan, self_service_role
from steward.policy.model import Plan
from steward.vault.rules.own_rights import (
    Correction,
    correction_for,
    field_rights,
    may_copy,
    may_see,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CITY = load_plan(EXAMPLES / "city-constituent-services.yaml").plan
HELP_DESK = load_plan(EXAMPLES / "security-help-desk.yaml").plan
NONPROFIT = load_plan(EXAMPLES / "nonprofit-data-project.yaml").plan

NONPROFIT_FIELDS = (
    "client_name", "phone", "zip_code", "household_size", "age_band", "last_visit",
    "pantry_site", "notes",
)  # fmt: skip
D, R, X = Correction.DIRECT, Correction.REQUEST, Correction.REFUSED


def _table(plan: Plan, dataset: str) -> dict[str, tuple[bool, Correction]]:
    role = self_service_role(plan)
    rights = field_rights(plan, role, plan.dataset(dataset))
    return {r.field: (r.shown, r.correction) for r in rights}


@pytest.mark.parametrize(
    ("plan", "dataset", "expected"),
    [
        (
            CITY,
            "service_request",
            {
                # contact fields: the resident's write grant (follow_up, service_updates)
                # covers them and they may reveal contact: corrected at once.
                "full_name": (True, D),
                "email": (True, D),
                "phone": (True, D),
                # shown, not writable by the resident: staff check the correction.
                "street_address": (True, R),
                "district": (True, R),
                "request_type": (True, R),
                "details": (True, R),
                # planning_statistics only: staff-only, never shown, never corrected.
                "age_band": (False, X),
            },
        ),
        (
            HELP_DESK,
            "assistance_request",
            # the default self-service role reads the intake fields and writes none.
            {
                "contact_name": (True, R),
                "contact_channel": (True, R),
                "incident_description": (True, R),
                "incident_type": (True, R),
            },
        ),
        (
            HELP_DESK,
            "donation",
            # a staff table: nothing of it is read by the default role.
            {"amount": (False, X), "allocation": (False, X), "transaction_id": (False, X)},
        ),
        (
            NONPROFIT,
            "client_register",
            # no intake form, no self-service role: the default role reads nothing.
            dict.fromkeys(NONPROFIT_FIELDS, (False, X)),
        ),
    ],
    ids=["city", "help-desk-intake", "help-desk-table", "nonprofit"],
)
def test_field_rights_per_example_plan(
    plan: Plan, dataset: str, expected: dict[str, tuple[bool, Correction]]
) -> None:
    assert _table(plan, dataset) == expected


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("email", D),
        ("district", R),
        ("age_band", X),
        ("immigration_status", X),  # never recorded
        ("no_such_field", X),  # undeclared
    ],
)
def test_correction_for_each_kind_of_field(field: str, expected: Correction) -> None:
    role = self_service_role(CITY)
    right = correction_for(CITY, role, CITY.dataset("service_request"), field)
    assert right.correction is expected
    assert right.reason


def test_never_fields_are_not_listed() -> None:
    role = self_service_role(CITY)
    names = {r.field for r in field_rights(CITY, role, CITY.dataset("service_request"))}
    assert "immigration_status" not in names


def _with_rights(plan: Plan, **rights: object) -> Plan:
    return plan.model_copy(update={"rights": plan.rights.model_copy(update=rights)})


@pytest.mark.parametrize(
    ("rights", "see", "copy", "email", "district"),
    [
        ({}, True, True, D, R),
        ({"correction": False}, True, True, X, X),
        ({"export": False}, True, False, D, R),
        ({"access": False}, False, True, X, X),
    ],
)
def test_plan_rights_switch_each_right(
    rights: dict[str, bool], see: bool, copy: bool, email: Correction, district: Correction
) -> None:
    plan = _with_rights(CITY, **rights)
    role = self_service_role(plan)
    dataset = plan.dataset("service_request")
    assert may_see(plan) is see
    assert may_copy(plan) is copy
    assert correction_for(plan, role, dataset, "email").correction is email
    assert correction_for(plan, role, dataset, "district").correction is district


def test_a_write_grant_over_a_field_the_role_cannot_see_in_clear_is_a_request() -> None:
    # A made-up role: writes the location category but may not reveal it (masked), so
    # the access service would refuse a direct write: the rule sends it to staff.
    resident = CITY.role("resident")
    role = resident.model_copy(
        update={"write": resident.write.model_copy(update={"categories": ["location"]})}
    )
    right = correction_for(CITY, role, CITY.dataset("service_request"), "street_address")
    assert right.correction is R


def test_a_role_that_writes_what_it_sees_corrects_directly() -> None:
    resident = CITY.role("resident")
    role = resident.model_copy(
        update={
            "write": resident.write.model_copy(update={"purposes": ["service_delivery"]}),
        }
    )
    dataset = CITY.dataset("service_request")
    # unmasked fields are seen by anyone who reads them
    assert correction_for(CITY, role, dataset, "district").correction is D
    # "details" is fully masked and the resident may not reveal free text: a request
    assert correction_for(CITY, role, dataset, "details").correction is R
