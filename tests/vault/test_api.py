"""The HTTP API: each endpoint, each error answer, and who may call it."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock
from uuid import uuid4

import pytest
from django.conf import settings
from django.db import DatabaseError
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from steward.vault.api.router import api
from steward.vault.models import AuditEntryRow, Record, ServiceToken
from steward.vault.rules.masking import HIDDEN
from steward.vault.runtime import Vault
from steward.vault.services.tokens import revoke_token
from tests.vault.test_api_support import (
    URLS,
    VALUES,
    bearer,
    leaked,
    make_case,
    signed_in,
    staff_user,
    token_for,
)

pytestmark = pytest.mark.urls(URLS)

RECORDS = "/api/datasets/service_request/records"


@pytest.fixture
def case(city_vault: Vault) -> Record:
    return make_case(city_vault)


@pytest.fixture
def officer(city_vault: Vault) -> dict[str, str]:
    return bearer(token_for(city_vault, "privacy_officer", team=""))


@pytest.fixture
def supervisor(city_vault: Vault) -> dict[str, str]:
    return bearer(token_for(city_vault, "supervisor"))


def _actions() -> list[str]:
    return [json.loads(bytes(r.record))["action"] for r in AuditEntryRow.objects.order_by("seq")]


def _reveal(client: Client, record: Record, headers: dict[str, str], **body: str):
    payload = {"field": "full_name", "purpose": "follow_up", "reason": "calling back today"}
    return client.post(
        f"/api/records/{record.id}/reveal",
        {**payload, **body},
        content_type="application/json",
        headers=headers,
    )


# -- the schema and the docs --------------------------------------------------------------


def test_the_openapi_schema_lists_every_endpoint(client: Client, city_vault: Vault) -> None:
    schema = api.get_openapi_schema()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/datasets",
        "/api/datasets/{dataset}/records",
        "/api/records/{record_id}",
        "/api/records/{record_id}/reveal",
        "/api/disclosures",
        "/api/disclosures/{disclosure_id}",
        "/api/disclosures/{disclosure_id}/document",
        "/api/disclosures/{disclosure_id}/decision",
        "/api/disclosures/{disclosure_id}/delivery",
        "/api/incidents",
        "/api/incidents/{incident_id}",
        "/api/incidents/{incident_id}/steps/{position}",
        "/api/incidents/{incident_id}/notes",
        "/api/incidents/{incident_id}/notices",
        "/api/incidents/{incident_id}/state",
        "/api/incidents/{incident_id}/drafts",
        "/api/vulnerabilities",
        "/api/vulnerabilities/{report_id}",
        "/api/vulnerabilities/{report_id}/clock",
        "/api/vulnerabilities/{report_id}/disclosure",
        "/api/intake/{dataset}",
        "/api/security/reports",
        "/api/audit/verify",
        "/api/datasets/{dataset}/queue",
        "/api/records/{record_id}/assignment",
        "/api/records/{record_id}/close",
        "/api/records/{record_id}/reopen",
        "/api/records/search",
        "/api/acknowledgements",
        "/api/erasure",
        "/api/records/{record_id}/erasure",
        "/api/erasure/{request_id}/approve",
        "/api/erasure/{request_id}/refuse",
        "/api/erasure/{request_id}/cancel",
        "/api/extracts",
        "/api/extracts/{extract_id}",
        "/api/retention",
        "/api/datasets/{dataset}/rows",
        "/api/me",
        "/api/me/copy",
        "/api/me/corrections",
        "/api/me/access-requests",
        "/api/me/requests",
        "/api/rights/requests",
        "/api/rights/requests/{request_id}",
        "/api/rights/requests/{request_id}/decide",
        # a person's own choices (their access code as credential)
        "/api/me/consents",
        "/api/me/consents/{purpose}/withdraw",
        "/api/me/consents/{purpose}/give",
        "/api/me/erasure",
        "/api/rights/codes",
        # a recipient's tool fetching an encrypted package (the token as credential)
        "/api/deliveries/{token}",
        # a person's notices of disclosure, and their objections
        "/api/me/notices",
        "/api/me/notices/{notice_id}/objection",
        # the egress register (staff) and the transparency report (public)
        "/api/register",
        "/api/transparency/{period}",
        # aggregate releases (approvers and the donors they were made for)
        "/api/aggregates",
        "/api/aggregates/{release_id}",
        # community alerts (those who handle incidents)
        "/api/alerts",
        "/api/alerts/{alert_id}",
        "/api/alerts/{alert_id}/text",
        "/api/alerts/{alert_id}/decision",
        "/api/incidents/{incident_id}/alert",
        # the oversight body (roles that oversee)
        "/api/oversight/checkpoints",
        "/api/oversight/statistics",
        "/api/oversight/plan-changes",
        "/api/oversight/reviews",
        "/api/oversight/reviews/{review_id}",
        "/api/oversight/reviews/{review_id}/outcome",
    }
    assert "security" not in schema["paths"]["/api/intake/{dataset}"]["post"]
    assert "security" not in schema["paths"]["/api/security/reports"]["post"]
    assert "security" not in schema["paths"]["/api/transparency/{period}"]["get"]
    assert schema["paths"]["/api/datasets"]["get"]["security"]
    assert "answers" in schema["components"]["schemas"]["IntakeIn"]["properties"]
    served = client.get("/api/openapi.json")
    assert served.status_code == 200
    assert served.json()["paths"].keys() == schema["paths"].keys()
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    if "ninja" in settings.INSTALLED_APPS:  # its Swagger files are then served locally
        assert b"cdn." not in docs.content


def test_the_server_mounts_the_api_at_api() -> None:
    match = resolve("/api/datasets", urlconf="steward.server.urls")
    assert match.namespace == "steward-api"
    assert resolve("/api/docs", urlconf="steward.server.urls").url_name == "openapi-view"


# -- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer stw_" + "x" * 43},
        {"Authorization": "Bearer not-a-token"},
    ],
)
def test_requests_without_a_valid_token_are_401(
    client: Client, city_vault: Vault, case: Record, headers: dict[str, str]
) -> None:
    for url in ("/api/datasets", RECORDS, f"/api/records/{case.id}", "/api/audit/verify"):
        response = client.get(url, headers=headers)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "service token" in response.json()["detail"]
    response = _reveal(client, case, headers)
    assert response.status_code == 401
    assert not leaked(response.content, set(VALUES))


def test_a_revoked_token_is_refused_at_once(
    client: Client, city_vault: Vault, case: Record
) -> None:
    token = token_for(city_vault, "privacy_officer", team="", name="etl")
    assert client.get("/api/datasets", headers=bearer(token)).status_code == 200
    revoke_token(city_vault, "etl")
    assert client.get("/api/datasets", headers=bearer(token)).status_code == 401


def test_an_expired_token_is_refused(client: Client, city_vault: Vault) -> None:
    token = token_for(city_vault, "privacy_officer", team="", name="old")
    ServiceToken.objects.filter(name="old").update(expires=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/datasets", headers=bearer(token)).status_code == 401


# -- datasets and records -------------------------------------------------------------------


def test_datasets_list_the_fields_each_role_reads(
    client: Client, city_vault: Vault, officer: dict[str, str]
) -> None:
    (dataset,) = client.get("/api/datasets", headers=officer).json()
    assert dataset["id"] == "service_request"
    fields = {f["name"]: f for f in dataset["fields"]}
    assert "immigration_status" not in fields
    assert fields["full_name"]["masking"] == "partial"
    assert fields["full_name"]["reveal"]
    assert fields["full_name"]["export"]
    assert not fields["age_band"]["export"]
    analyst = bearer(token_for(city_vault, "analyst", team=""))
    (seen,) = client.get("/api/datasets", headers=analyst).json()
    assert {f["name"] for f in seen["fields"]} == {"district", "request_type", "age_band"}


def test_records_are_listed_masked(
    client: Client, case: Record, supervisor: dict[str, str]
) -> None:
    response = client.get(RECORDS, headers=supervisor)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.json()
    assert (page["limit"], page["offset"]) == (50, 0)
    (item,) = page["items"]
    shown = {f["name"]: f for f in item["fields"]}
    assert shown["full_name"]["shown"] == "Z\u2022\u2022\u2022 Q\u2022\u2022\u2022"
    assert shown["full_name"]["masked"]
    assert shown["full_name"]["can_reveal"]
    assert shown["details"]["shown"] == HIDDEN
    assert shown["district"] == {
        "name": "district",
        "label": "City district",
        "shown": "Downtown",
        "masked": False,
        "can_reveal": True,
        "unreadable": None,
    }
    assert leaked(response.content, set(VALUES)) == {"district", "request_type"}
    assert "record.list" in _actions()


def test_paging_and_bad_query_parameters(
    client: Client, case: Record, supervisor: dict[str, str]
) -> None:
    assert client.get(f"{RECORDS}?offset=1", headers=supervisor).json()["items"] == []
    for query in ("limit=0", "limit=201", "limit=ten", "offset=-1"):
        response = client.get(f"{RECORDS}?{query}", headers=supervisor)
        assert response.status_code == 422, query
        body = response.json()
        assert body["detail"] == "the request is not valid"
        assert set(body["problems"]) == {query.split("=")[0]}


def test_unknown_datasets_and_records_are_404(
    client: Client, case: Record, officer: dict[str, str]
) -> None:
    response = client.get("/api/datasets/nothing/records", headers=officer)
    assert response.status_code == 404
    assert response.json() == {"detail": "there is no dataset 'nothing'"}
    assert client.get(f"/api/records/{uuid4()}", headers=officer).status_code == 404
    assert client.get("/api/records/not-a-uuid", headers=officer).status_code == 422


def test_one_record_masked_and_out_of_scope_records_are_404(
    client: Client, city_vault: Vault, case: Record, supervisor: dict[str, str]
) -> None:
    response = client.get(f"/api/records/{case.id}", headers=supervisor)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(case.id)
    assert body["team"] == "north"
    assert body["plan_version"] == city_vault.plan.version
    assert not leaked(response.content, set(VALUES) - {"district", "request_type"})
    south = bearer(token_for(city_vault, "supervisor", team="south"))
    response = client.get(f"/api/records/{case.id}", headers=south)
    assert response.status_code == 404
    assert response.json() == {"detail": "no such record"}


# -- reveal, update, export -----------------------------------------------------------------


def test_reveal_returns_the_value_uncached_and_audited(
    client: Client, case: Record, supervisor: dict[str, str]
) -> None:
    response = _reveal(client, case, supervisor)
    assert response.status_code == 200
    assert response.json() == {"field": "full_name", "value": "Zebulon Quartermaine"}
    assert response["Cache-Control"] == "no-store"
    assert _actions()[-1] == "field.reveal"


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"purpose": "planning_statistics"}, 403, "purpose"),
        ({"reason": "x"}, 403, "reason"),
        ({"field": "nickname"}, 404, "no field"),
        ({"field": "immigration_status"}, 403, "never recorded"),
    ],
)
def test_reveal_refusals(
    client: Client,
    case: Record,
    supervisor: dict[str, str],
    body: dict[str, str],
    status: int,
    detail: str,
) -> None:
    response = _reveal(client, case, supervisor, **body)
    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert not leaked(response.content, set(VALUES))


def test_reveal_needs_a_complete_json_body(
    client: Client, case: Record, supervisor: dict[str, str]
) -> None:
    url = f"/api/records/{case.id}/reveal"
    response = client.post(
        url, {"field": "email"}, content_type="application/json", headers=supervisor
    )
    assert response.status_code == 422
    assert set(response.json()["problems"]) == {"purpose", "reason"}
    response = client.post(url, "{not json", content_type="application/json", headers=supervisor)
    assert response.status_code in (400, 422)
    assert "Traceback" not in response.content.decode()


def test_patch_changes_a_field_the_role_may_write(
    client: Client, case: Record, supervisor: dict[str, str]
) -> None:
    url = f"/api/records/{case.id}"
    response = client.patch(
        url,
        {"field": "street_address", "value": "78 Sycamore Boulevard"},
        content_type="application/json",
        headers=supervisor,
    )
    assert response.status_code == 204
    assert response.content == b""
    revealed = _reveal(client, case, supervisor, field="street_address", purpose="service_delivery")
    assert revealed.json()["value"] == "78 Sycamore Boulevard"
    refused = client.patch(
        url,
        {"field": "email", "value": "a@b.org"},
        content_type="application/json",
        headers=supervisor,
    )
    assert refused.status_code == 403
    too_long = client.patch(
        url,
        {"field": "details", "value": "x" * 10_001},
        content_type="application/json",
        headers=supervisor,
    )
    assert too_long.status_code == 422
    assert "value" in too_long.json()["problems"]


def test_the_clear_export_is_gone(client: Client, case: Record, officer: dict[str, str]) -> None:
    response = client.get("/api/datasets/service_request/export", headers=officer)
    assert response.status_code == 404
    assert not leaked(response.content, set(VALUES))


# -- public intake --------------------------------------------------------------------------


def _intake(client: Client, **body: object):
    payload = {"answers": dict(VALUES), **body}
    return client.post("/api/intake/service_request", payload, content_type="application/json")


def test_intake_needs_no_token_and_returns_a_receipt(client: Client, city_vault: Vault) -> None:
    response = _intake(client, consents=["service_updates"])
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    receipt = response.json()
    assert receipt["dataset"] == "service_request"
    assert receipt["sealed"] is False
    assert receipt["plan_version"] == city_vault.plan.version
    assert receipt["consents"] == [
        {"purpose": "service_updates", "label": "City service updates by email", "granted": True}
    ]
    assert len(receipt["access_code"]) == 24
    assert Record.objects.filter(pk=receipt["reference"]).exists()


def test_intake_refuses_undeclared_fields_listing_them(client: Client, city_vault: Vault) -> None:
    answers = {**VALUES, "shoe_size": "44", "favourite_colour": "teal"}
    response = _intake(client, answers=answers)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "the submission was refused"
    assert body["problems"]["_submission"] == "undeclared fields: favourite_colour, shoe_size"
    assert not Record.objects.exists()


def test_intake_refuses_never_fields_without_echoing_them(
    client: Client, city_vault: Vault
) -> None:
    response = _intake(client, answers={**VALUES, "immigration_status": "Kestrel visa 7"})
    assert response.status_code == 400
    assert "never recorded" in response.json()["problems"]["immigration_status"]
    assert b"Kestrel" not in response.content
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "key"),
    [
        ({"answers": {"full_name": "Zebulon Quartermaine"}}, 400, "details"),
        ({"consents": ["planning_statistics"]}, 400, "consent:planning_statistics"),
        ({"answers": ["not", "a", "dict"]}, 422, "answers"),
        ({"answers": {"full_name": 7}}, 422, "answers.full_name"),
    ],
)
def test_intake_problems(
    client: Client, city_vault: Vault, body: dict[str, object], status: int, key: str
) -> None:
    response = _intake(client, **body)
    assert response.status_code == status
    assert key in response.json()["problems"]


def test_intake_refuses_children_when_the_plan_does(client: Client, city_vault: Vault) -> None:
    response = _intake(client, under_age=True, guardian_consent=True)
    assert response.status_code == 403
    assert "under 16" in response.json()["detail"]
    assert not Record.objects.exists()


def test_intake_into_an_unknown_dataset_is_404(client: Client, city_vault: Vault) -> None:
    response = client.post("/api/intake/nothing", {"answers": {}}, content_type="application/json")
    assert response.status_code == 404


# -- the audit log --------------------------------------------------------------------------


def test_audit_verify_is_for_audit_readers_and_is_audited(
    client: Client, case: Record, officer: dict[str, str], supervisor: dict[str, str]
) -> None:
    response = client.get("/api/audit/verify", headers=officer)
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert report["problem"] is None
    assert report["size"] >= 1
    assert len(report["root_hash"]) == 64
    assert _actions()[-1] == "audit.verify"
    refused = client.get("/api/audit/verify", headers=supervisor)
    assert refused.status_code == 403
    assert "audit" in refused.json()["detail"]


# -- failing closed -------------------------------------------------------------------------


def test_every_read_fails_closed_when_the_audit_log_cannot_be_written(
    client: Client, case: Record, officer: dict[str, str], supervisor: dict[str, str]
) -> None:
    with mock.patch.object(AuditEntryRow.objects, "create", side_effect=DatabaseError("disk full")):
        responses = [
            client.get(RECORDS, headers=officer),
            client.get(f"/api/records/{case.id}", headers=officer),
            _reveal(client, case, officer),
            client.get("/api/audit/verify", headers=officer),
            _intake(client),
        ]
        patched = client.patch(
            f"/api/records/{case.id}",
            {"field": "street_address", "value": "1 Other Road"},
            content_type="application/json",
            headers=supervisor,
        )
    for response in [*responses, patched]:
        assert response.status_code == 503
        assert "audit log" in response.json()["detail"]
        assert response["Cache-Control"] == "no-store"
        assert not leaked(response.content, set(VALUES))
    assert Record.objects.count() == 1
    assert (
        _reveal(client, case, officer, field="street_address", purpose="service_delivery").json()[
            "value"
        ]
        == VALUES["street_address"]
    )


def test_unexpected_errors_are_500_without_details(
    client: Client, case: Record, officer: dict[str, str]
) -> None:
    with mock.patch(
        "steward.vault.services.access.AccessService.get_record",
        side_effect=RuntimeError("Zebulon Quartermaine"),
    ):
        response = client.get(f"/api/records/{case.id}", headers=officer)
    assert response.status_code == 500
    assert response.json() == {"detail": "the server could not complete the request"}
    assert b"Zebulon" not in response.content


# -- staff sessions (for /api/docs) ----------------------------------------------------------


def test_a_signed_in_staff_member_uses_the_api_with_csrf(city_vault: Vault, case: Record) -> None:
    user = staff_user("dana.ortiz", "privacy_officer", team="")
    client = signed_in(user)
    assert client.get(f"/api/records/{case.id}").status_code == 200
    refused = _reveal(client, case, {})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.cookies["csrftoken"] = "a" * 32
    response = _reveal(client, case, {"X-CSRFToken": "a" * 32})
    assert response.status_code == 200
    assert response.json()["value"] == "Zebulon Quartermaine"


def test_a_session_without_a_second_factor_reads_nothing(city_vault: Vault, case: Record) -> None:
    client = signed_in(staff_user("dana.ortiz", "privacy_officer", team=""), verified=False)
    response = client.get(RECORDS)
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]


def test_sessions_that_are_not_usable_staff_accounts(city_vault: Vault, case: Record) -> None:
    user = staff_user("ana.pereira", "supervisor")
    user.staff.must_change_password = True
    user.staff.save()
    response = signed_in(user).get(RECORDS)
    assert response.status_code == 403
    assert "one-time password" in response.json()["detail"]
    from django.contrib.auth.models import User

    outsider = User.objects.create_user("mallory.smith", password="correct horse battery 8")
    assert signed_in(outsider).get(RECORDS).status_code == 401
