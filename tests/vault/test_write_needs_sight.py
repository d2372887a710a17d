"""Nobody overwrites a field they cannot see (issue 8, defect 11).

The city plan once let caseworkers write "What is the problem?" although they see it
only as a mask. Here a vault runs that old plan: the API refuses the write (audited),
the old value stays, and the record page explains what the role may do with the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from steward.audit import Outcome
from steward.policy import load_plan
from steward.policy.checks import RULES_BY_ID, run_checks
from steward.vault.models import AuditEntryRow, Record
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.access import AccessService
from tests.vault.conftest import CITY, actor_for, make_vault
from tests.vault.test_api_support import VALUES, make_case, signed_in, staff_user
from tests.vault.test_staff_support import body
from tests.vault.test_staff_support import signed_in as signed_in_page

CURRENT_WRITE = "    write: {purposes: [follow_up], categories: [location, operational]}\n"
OLD_WRITE = "    write: {purposes: [service_delivery, follow_up]}\n"
CSRF = "c" * 32


@pytest.fixture
def old_plan(tmp_path: Path) -> Path:
    """The city example as it was: caseworkers may write every service-delivery field."""
    text = CITY.read_text(encoding="utf-8")
    assert CURRENT_WRITE in text
    plan = tmp_path / "old-city.yaml"
    plan.write_text(text.replace(CURRENT_WRITE, OLD_WRITE, 1), encoding="utf-8")
    return plan


@pytest.fixture
def old_city_vault(db: None, tmp_path: Path, old_plan: Path) -> Iterator[Vault]:
    vault, _ = make_vault(old_plan, tmp_path / "keys")
    use_vault(vault)
    yield vault
    use_vault(None)


def _last_entry() -> dict[str, object]:
    row = AuditEntryRow.objects.order_by("-seq").first()
    assert row is not None
    entry: dict[str, object] = json.loads(bytes(row.record))
    return entry


def _patch(client: Client, record: Record, field: str, value: str):
    return client.patch(
        f"/api/records/{record.id}",
        {"field": field, "value": value},
        content_type="application/json",
        headers={"X-CSRFToken": CSRF},
    )


def test_policy_check_flags_the_old_plan(old_plan: Path) -> None:
    report = run_checks(load_plan(old_plan), rules=[RULES_BY_ID["ACC011"]])
    [finding] = report.findings
    assert finding.path == "roles[0].write"
    assert "details" in finding.message
    lines = old_plan.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[finding.line - 1] == OLD_WRITE


@pytest.mark.urls("tests.vault.test_api_support")
def test_the_api_refuses_to_overwrite_a_field_the_role_cannot_see(
    old_city_vault: Vault,
) -> None:
    user = staff_user("ana.lima", "caseworker")
    record = make_case(old_city_vault, assigned=user)
    client = signed_in(user)
    client.cookies["csrftoken"] = CSRF

    refused = _patch(client, record, "details", "Nothing to see here")

    assert refused.status_code == 403
    assert "cannot see" in refused.json()["detail"]
    entry = _last_entry()
    assert (entry["action"], entry["outcome"]) == ("field.write", Outcome.DENIED.value)
    officer = actor_for(old_city_vault, "privacy_officer")
    value = AccessService(old_city_vault).reveal(
        officer, record.id, "details", "service_delivery", "checking the text was kept"
    )
    assert value == VALUES["details"]
    # What the caseworker can see, she may still change.
    assert _patch(client, record, "street_address", "78 Sycamore Boulevard").status_code == 204


@pytest.mark.urls("tests.vault.test_api_support")
def test_the_dataset_listing_says_the_unseen_field_is_not_writable(
    old_city_vault: Vault,
) -> None:
    user = staff_user("ana.lima", "caseworker")
    fields = {f["name"]: f for f in signed_in(user).get("/api/datasets").json()[0]["fields"]}
    assert fields["details"]["write"] is False
    assert fields["details"]["reveal"] is False
    assert fields["street_address"]["write"] is True


def test_the_record_page_explains_what_the_role_may_do_with_a_field_it_cannot_see(
    old_city_vault: Vault,
) -> None:
    client, user = signed_in_page(old_city_vault, "ana.lima", "caseworker")
    record = make_case(old_city_vault, assigned=user)
    text = body(client.get(f"/staff/records/{record.id}/"))
    row = text[text.index("What is the problem?") :].split("</tr>", 1)[0]
    assert "Masked, and your role may not reveal it" in row
    assert "may not change it: it cannot see the value it would replace" in row
    assert "/reveal/details/" not in row
    phone = text[text.index("Phone number") :].split("</tr>", 1)[0]
    assert "You may reveal it" in phone
    assert "You may change it." in phone
    district = text[text.index("City district") :].split("</tr>", 1)[0]
    assert "Shown in full to your role. You may change it." in district
    assert "Fields your role may not read are not listed." in text
