"""Adding rows to tables through the staff page and the API: role x action x outcome.

The oracle is the plan: a role adds a row when its write grant covers the table's
required fields and the row lands in its scope (the pantry coordinator only for its
own pantry); every other role is refused with 403, a dataset that is not a table with
404, and a bad value with 400 listing the problem, with nothing stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from steward.vault.audit_actions import AuditAction
from steward.vault.models import FieldValue, Record, Subject
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import EXAMPLES, HELP_DESK, make_vault
from tests.vault.test_api_support import bearer, signed_in, staff_user, token_for

NONPROFIT = EXAMPLES / "nonprofit-data-project.yaml"
CSRF = "c" * 32
CLIENT = {
    "client_name": "Wilhelmina Strand",
    "phone": "555 010 7788",
    "zip_code": "10001",
    "household_size": "3",
    "pantry_site": "Dockside",
}
DONATION = {"amount": "40", "allocation": "general", "transaction_id": "ch_9ZZq"}


@pytest.fixture
def pantry(db: None, tmp_path: Path) -> Iterator[Vault]:
    vault, _ = make_vault(NONPROFIT, tmp_path / "keys")
    use_vault(vault)
    yield vault
    use_vault(None)


@pytest.fixture
def desk(db: None, tmp_path: Path) -> Iterator[Vault]:
    vault, _ = make_vault(HELP_DESK, tmp_path / "keys")
    use_vault(vault)
    yield vault
    use_vault(None)


@dataclass(frozen=True)
class Case:
    """One caller adding one row: the plan, role and team, by page or API, and the answer."""

    label: str
    plan: str
    role: str
    team: str
    via: str
    dataset: str
    values: dict[str, str]
    status: int


def _cases() -> list[Case]:
    cases = []
    for via in ("api", "page"):
        ok = 201 if via == "api" else 302
        cases += [
            Case("coordinator, own pantry", "pantry", "pantry_coordinator", "dockside", via,
                 "client_register", CLIENT, ok),
            Case("coordinator, another pantry", "pantry", "pantry_coordinator", "northgate", via,
                 "client_register", CLIENT, 403),
            Case("coordinator writes a field it may not", "pantry", "pantry_coordinator",
                 "dockside", via, "client_register", {**CLIENT, "age_band": "65+"}, 403),
            Case("data ambassador", "pantry", "data_ambassador", "", via, "client_register",
                 CLIENT, 403),
            Case("volunteer analyst", "pantry", "volunteer_analyst", "", via, "client_register",
                 CLIENT, 403),
            Case("bad number", "pantry", "pantry_coordinator", "dockside", via,
                 "client_register", {**CLIENT, "household_size": "lots"}, 400),
            Case("never field", "pantry", "pantry_coordinator", "dockside", via,
                 "client_register", {**CLIENT, "household_income": "9000"}, 400),
            Case("undeclared field", "pantry", "pantry_coordinator", "dockside", via,
                 "client_register", {**CLIENT, "shoe_size": "9"}, 400),
            Case("missing required", "pantry", "pantry_coordinator", "dockside", via,
                 "client_register", {k: v for k, v in CLIENT.items() if k != "zip_code"}, 400),
            Case("unknown dataset", "pantry", "pantry_coordinator", "dockside", via, "clients",
                 CLIENT, 404),
            Case("finance officer, donation", "desk", "finance_officer", "", via, "donation",
                 DONATION, ok),
            Case("help-desk staff, donation", "desk", "help_desk_staff", "help_desk", via,
                 "donation", DONATION, 403),
            Case("privacy lead, donation", "desk", "privacy_lead", "", via, "donation",
                 DONATION, 403),
            Case("intake form", "desk", "help_desk_staff", "help_desk", via,
                 "assistance_request", {"contact_name": "X"}, 404),
        ]  # fmt: skip
    return cases


CASES = _cases()


def _call(case: Case) -> tuple[int, str]:
    if case.via == "api":
        token = token_for_case(case)
        response = Client().post(
            f"/api/datasets/{case.dataset}/rows",
            {"values": case.values},
            content_type="application/json",
            headers=bearer(token),
        )
        return response.status_code, response.content.decode()
    user = staff_user(f"{case.role}-{case.team or 'all'}", case.role, team=case.team)
    client = signed_in(user)
    client.cookies["csrftoken"] = CSRF
    response = client.post(
        f"/staff/datasets/{case.dataset}/add/",
        {**case.values, "csrfmiddlewaretoken": CSRF},
    )
    return response.status_code, response.content.decode()


def token_for_case(case: Case) -> str:
    from steward.vault.runtime import get_vault

    return token_for(get_vault(), case.role, team=case.team)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.via}-{c.label}" for c in CASES])
def test_who_may_add_a_row(case: Case, request: pytest.FixtureRequest) -> None:
    vault: Vault = request.getfixturevalue(case.plan)
    status, body = _call(case)
    assert status == case.status, body
    if status in (201, 302):
        record = Record.objects.get()
        assert record.dataset == case.dataset
        assert record.provenance_id is None
        assert Subject.objects.count() == 1
        created = [e for e in vault.audit.entries() if e.action == AuditAction.RECORD_CREATE]
        assert [e.outcome for e in created] == ["allowed"]
        for value in case.values.values():
            if len(value) > 4:
                assert value.encode() not in b"".join(
                    bytes(v.ciphertext) for v in FieldValue.objects.all()
                )
    else:
        assert Record.objects.count() == 0
        assert Subject.objects.count() == 0
    refilled = case.via == "page" and status == 400  # the form is shown again, filled in
    for value in case.values.values():
        if len(value) > 6 and status != 302 and not refilled:
            assert value not in body, "a refusal must not echo a submitted value"


def test_a_bad_value_is_named_in_the_api_answer(pantry: Vault) -> None:
    token = token_for(pantry, "pantry_coordinator", team="dockside")
    response = Client().post(
        "/api/datasets/client_register/rows",
        {"values": {**CLIENT, "household_size": "lots", "pantry_site": "Moon"}},
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 400
    assert response.json()["problems"] == {
        "household_size": "this is not a number",
        "pantry_site": "choose one of the listed answers",
    }


def test_the_api_answers_the_row_and_its_team(pantry: Vault) -> None:
    token = token_for(pantry, "pantry_coordinator", team="dockside")
    response = Client().post(
        "/api/datasets/client_register/rows",
        {"values": CLIENT},
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 201
    record = Record.objects.get()
    assert response.json() == {
        "id": str(record.id),
        "dataset": "client_register",
        "team": "dockside",
    }
    assert record.clear_values == {"pantry_site": "Dockside"}


def test_the_page_shows_only_the_fields_the_role_may_write(pantry: Vault) -> None:
    client = signed_in(staff_user("coord", "pantry_coordinator", team="dockside"))
    page = client.get("/staff/datasets/client_register/add/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="client_name"' in html
    assert 'name="pantry_site"' in html
    assert 'name="age_band"' not in html  # impact analysis only: the coordinator may not write it
    assert 'name="household_income"' not in html
    assert "Household income" in html  # listed as never recorded
    tables = client.get("/staff/tables/")
    assert tables.status_code == 200
    assert "/staff/datasets/client_register/add/" in tables.content.decode()


def test_the_page_refuses_roles_without_a_write_grant(pantry: Vault) -> None:
    client = signed_in(staff_user("amb", "data_ambassador", team=""))
    assert client.get("/staff/datasets/client_register/add/").status_code == 403
    tables = client.get("/staff/tables/")
    assert "/staff/datasets/client_register/add/" not in tables.content.decode()
    assert client.get("/staff/datasets/nothing/add/").status_code == 404


def test_the_page_shows_problems_and_keeps_nothing(pantry: Vault) -> None:
    client = signed_in(staff_user("coord", "pantry_coordinator", team="dockside"))
    client.cookies["csrftoken"] = CSRF
    response = client.post(
        "/staff/datasets/client_register/add/",
        {**CLIENT, "household_size": "lots", "csrfmiddlewaretoken": CSRF},
    )
    assert response.status_code == 400
    assert "this is not a number" in response.content.decode()
    assert Record.objects.count() == 0


def test_a_row_added_on_the_page_opens_as_a_record(pantry: Vault) -> None:
    client = signed_in(staff_user("coord", "pantry_coordinator", team="dockside"))
    client.cookies["csrftoken"] = CSRF
    response = client.post(
        "/staff/datasets/client_register/add/", {**CLIENT, "csrfmiddlewaretoken": CSRF}
    )
    record = Record.objects.get()
    assert response["Location"] == f"/staff/records/{record.id}/"
    assert client.get(response["Location"]).status_code == 200
    assert record.team == "dockside"


def test_the_api_needs_credentials(pantry: Vault) -> None:
    response = Client().post(
        "/api/datasets/client_register/rows", {"values": CLIENT}, content_type="application/json"
    )
    assert response.status_code == 401
    assert Record.objects.count() == 0
