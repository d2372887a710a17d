"""New records reach a team by the plan's routing rule, whichever way they arrive: the
public form, the API, or a sealed form opened with the intake key. The audit entry of
the intake says which team and why."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from steward.vault.models import Record
from steward.vault.rules.intake import Submission, consent_purposes
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessService
from steward.vault.services.collect import open_sealed, submit
from tests.vault.conftest import actor_for
from tests.vault.test_intake_pages import FORM, GOOD

TEAMS = {"North": "north", "South": "south", "East": "east", "West": "west", "Downtown": "central"}


def _intake_entry(vault: Vault, record: Record) -> str:
    hasher = vault.audit.hasher
    assert hasher is not None
    target = hasher.object(f"record/{record.id}")
    (entry,) = [e for e in vault.audit.entries() if e.object_ref == target]
    assert entry.action == "record.create"
    return entry.purpose


@pytest.mark.parametrize(("district", "team"), list(TEAMS.items()))
def test_the_public_form_routes_by_district(
    client: Client, city_vault: Vault, district: str, team: str
) -> None:
    response = client.post(FORM, {**GOOD, "district": district})
    assert response.status_code == 200
    record = Record.objects.get()
    assert (record.team, record.assigned_to_id) == (team, None)
    assert _intake_entry(city_vault, record) == f"intake; routed to team {team} (by district)"


@pytest.mark.parametrize(("district", "team"), list(TEAMS.items()))
def test_the_api_routes_by_district_and_the_team_supervisor_sees_it(
    client: Client, city_vault: Vault, district: str, team: str
) -> None:
    response = client.post(
        "/api/intake/service_request",
        json.dumps({"answers": {**GOOD, "district": district}}),
        content_type="application/json",
    )
    assert response.status_code == 201
    record = Record.objects.get(pk=response.json()["reference"])
    assert record.team == team
    service = AccessService(city_vault)
    own = actor_for(city_vault, "supervisor", team=team)
    other = actor_for(city_vault, "supervisor", team="west" if team != "west" else "east")
    assert [v.id for v in service.list_records(own, "service_request", unassigned=True)] == [
        record.id
    ]
    assert service.list_records(other, "service_request") == []


def test_a_sealed_form_is_routed_when_it_is_opened(help_desk) -> None:
    vault, intake_key = help_desk
    dataset = vault.plan.dataset("assistance_request")
    answers = {
        "contact_name": "A pseudonym",
        "contact_channel": "signal +1 555 0100",
        "incident_description": "Phishing mail with our logo",
        "incident_type": "phishing",
    }
    agreed = frozenset(consent_purposes(vault.plan, dataset))
    submit(vault, Submission(dataset.id, answers, agreed))
    assert Record.objects.count() == 0
    open_sealed(vault, intake_key, actor="test/privacy_lead")
    record = Record.objects.get()
    assert record.team == "help_desk"
    assert _intake_entry(vault, record) == "intake; routed to team help_desk (the default team)"
