"""Demo data: accounts and synthetic residents loaded through the real intake path."""

from __future__ import annotations

from django.contrib.auth.models import User

from steward.vault.models import AuditEntryRow, FieldValue, Record, StaffMember
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessService
from steward.vault.services.demo_data import (
    DEMO_TEAM,
    create_demo_accounts,
    load_residents,
)
from tests.vault.conftest import actor_for

PEOPLE = [
    ("dana.ortiz", "Dana Ortiz", "privacy_officer", ""),
    ("sam.rivera", "Sam Rivera", "caseworker", "north"),
    ("lee.chen", "Lee Chen", "supervisor", "north"),
]


def test_accounts_get_one_time_passwords_they_must_change(city_vault: Vault) -> None:
    accounts = create_demo_accounts(city_vault, PEOPLE)
    assert [a.role for a in accounts] == ["privacy_officer", "caseworker", "supervisor"]
    assert len({a.password.password for a in accounts}) == 3
    for account in accounts:
        user = User.objects.get(username=account.password.username)
        assert user.check_password(account.password.password)
        assert user.password.startswith("argon2")
        assert account.password.password not in repr(account)
    member = StaffMember.objects.get(user__username="sam.rivera")
    assert (member.role, member.team, member.must_change_password) == ("caseworker", "north", True)


def test_residents_reach_their_district_team_and_the_supervisor_assigns_some(
    city_vault: Vault,
) -> None:
    create_demo_accounts(city_vault, PEOPLE)
    entries_before = AuditEntryRow.objects.count()
    load = load_residents(
        city_vault, 30, dataset="service_request", seed=11, caseworker="sam.rivera"
    )
    assert (load.created, load.rejected) == (30, 0)
    records = list(Record.objects.all())
    assert len(records) == 30
    assert all(r.plan.digest == city_vault.loaded.digest for r in records)
    north = [r for r in records if r.clear_values["district"] == "North"]
    assert load.team == len(north) == sum(r.team == DEMO_TEAM for r in records)
    caseworker = User.objects.get(username="sam.rivera")
    assigned = [r for r in records if r.assigned_to_id == caseworker.id]
    assert load.assigned == len(assigned) == (len(north) + 1) // 2
    assert AuditEntryRow.objects.count() == entries_before + 30 + load.assigned
    teams = {"North": "north", "South": "south", "East": "east", "West": "west"}
    assert all(r.team == teams.get(r.clear_values["district"], "central") for r in records)
    actions = [e.action for e in city_vault.audit.entries()][-load.assigned :]
    assert actions == ["record.assign"] * load.assigned
    assert FieldValue.objects.filter(field="full_name").count() == 30

    service = AccessService(city_vault)
    seen = service.list_records(
        actor_for(city_vault, "caseworker", user_id=caseworker.id), "service_request", limit=200
    )
    assert {v.id for v in seen} == {r.id for r in assigned}
    team_view = service.list_records(
        actor_for(city_vault, "supervisor", team=DEMO_TEAM), "service_request", limit=200
    )
    assert {v.id for v in team_view} == {r.id for r in north}


def test_the_same_seed_loads_the_same_residents(city_vault: Vault) -> None:
    load_residents(city_vault, 8, dataset="service_request", seed=5)
    first = [r.clear_values for r in Record.objects.order_by("created")]
    load_residents(city_vault, 8, dataset="service_request", seed=5)
    second = [r.clear_values for r in Record.objects.order_by("created")][8:]
    assert first == second
