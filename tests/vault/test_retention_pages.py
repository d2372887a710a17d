"""The privacy officer's retention page and ``GET /api/retention``: counts only, for the
roles that read the audit log, with a warning when the sweep did not run when due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import include, path

from steward.clock import now
from steward.vault.api.router import api
from steward.vault.models import JobRun, Record
from steward.vault.runtime import Vault
from steward.vault.services.retention_sweep import RETENTION_JOB_NAME
from tests.vault.test_api_support import VALUES, bearer, make_case, token_for
from tests.vault.test_staff_support import body, signed_in

urlpatterns = [
    path("api/", api.urls),
    path("staff/", include("steward.vault.views.staff_urls")),
]
pytestmark = pytest.mark.urls(__name__)


def _due_case(vault: Vault) -> Record:
    record = make_case(vault)
    Record.objects.filter(pk=record.pk).update(closed=now() - timedelta(days=170), status="closed")
    return record


def test_the_officer_sees_what_is_due_and_that_the_sweep_never_ran(city_vault: Vault) -> None:
    _due_case(city_vault)
    client, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    assert 'href="/staff/retention/"' in body(client.get("/staff/"))
    response = client.get("/staff/retention/")
    text = body(response)
    assert response.status_code == 200
    assert "The sweep did not run as it should" in text
    assert "Request a city service" in text or "service_request" in text
    assert "<td>1</td>" in text
    assert "never succeeded" in text
    for value in VALUES.values():
        if len(value) > 8:
            assert value not in text


def test_a_recent_sweep_clears_the_warning_and_shows_its_counts(city_vault: Vault) -> None:
    JobRun.objects.create(
        job=RETENTION_JOB_NAME, started=now() - timedelta(hours=2), finished=now(),
        outcome="succeeded", message="examined 3 records; purged 2 whole records and 9 values",
    )  # fmt: skip
    client, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    text = body(client.get("/staff/retention/"))
    assert "did not run" not in text
    assert "purged 2 whole records and 9 values" in text
    assert "Nothing falls due" in text


def test_other_roles_may_not_see_retention(city_vault: Vault) -> None:
    client, _ = signed_in(city_vault, "ana.lima", "caseworker")
    assert 'href="/staff/retention/"' not in body(client.get("/staff/"))
    assert client.get("/staff/retention/").status_code == 403
    assert any(e.action == "retention.read" for e in city_vault.audit.entries())


@pytest.mark.parametrize(
    ("role", "status"),
    [("privacy_officer", 200), ("supervisor", 403), ("caseworker", 403), ("analyst", 403)],
)
def test_the_api_answers_audit_readers_only(city_vault: Vault, role: str, status: int) -> None:
    _due_case(city_vault)
    token = token_for(city_vault, role)
    response = Client().get("/api/retention", headers=bearer(token))
    assert response.status_code == status, response.content
    actions = [(e.action, e.outcome) for e in city_vault.audit.entries()]
    if status == 200:
        data = response.json()
        assert data["due"] == [{"dataset": "service_request", "records": 1}]
        assert data["sweep_health"] == "never run"
        assert "needs attention" in data["warning"]
        assert data["horizon_days"] == 30
        assert actions[-1] == ("retention.read", "allowed")
    else:
        assert "may not read retention" in response.json()["detail"]
        assert actions[-1] == ("retention.read", "denied")


def test_the_api_without_a_token_is_401(city_vault: Vault) -> None:
    assert Client().get("/api/retention").status_code == 401
