"""Staff accounts: one per person, plan roles only, one-time passwords, disabling, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.utils import timezone

from steward.audit import Outcome
from steward.vault.models import StaffMember
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, AccessService
from steward.vault.services.accounts import (
    AccountError,
    DuplicateAccount,
    NewPassword,
    UnknownAccount,
    UnknownRole,
    actor_from_request,
    create_account,
    disable_account,
    list_accounts,
    one_time_password,
    reset_password,
)
from tests.vault.test_staff_support import PASSWORD, add_case, body, login, signed_in


def test_an_account_gets_a_one_time_password_hashed_with_argon2(city_vault: Vault) -> None:
    new = create_account(city_vault, "ana.lima", "caseworker", team="north", name="Ana Lima")
    user = User.objects.get(username="ana.lima")
    assert user.password.startswith("argon2$")
    assert new.password not in user.password
    assert user.check_password(new.password)
    assert (user.first_name, user.last_name) == ("Ana", "Lima")
    member = StaffMember.objects.get(user=user)
    assert (member.role, member.team, member.must_change_password) == ("caseworker", "north", True)
    assert new.password not in repr(new)
    entry = list(city_vault.audit.entries())[-1]
    assert (entry.action, entry.outcome) == ("account.create", Outcome.ALLOWED)


def test_one_time_passwords_are_long_and_random() -> None:
    passwords = {one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 20 for p in passwords)


def test_one_account_per_person(city_vault: Vault) -> None:
    create_account(city_vault, "ana.lima", "caseworker")
    with pytest.raises(DuplicateAccount):
        create_account(city_vault, "ana.lima", "supervisor")
    with pytest.raises(DuplicateAccount):
        create_account(city_vault, "Ana.Lima".lower(), "supervisor")
    assert StaffMember.objects.count() == 1


@pytest.mark.parametrize("name", ["admin", "frontdesk", "caseworker", "shared", "x", "Ana", "1ana"])
def test_generic_role_named_or_malformed_user_names_are_refused(
    city_vault: Vault, name: str
) -> None:
    with pytest.raises(AccountError):
        create_account(city_vault, name, "caseworker")
    assert not User.objects.exists()


def test_only_staff_roles_of_the_plan(city_vault: Vault) -> None:
    with pytest.raises(UnknownRole, match="no role 'janitor'"):
        create_account(city_vault, "ana.lima", "janitor")
    with pytest.raises(UnknownRole, match="not a staff role"):
        create_account(city_vault, "ana.lima", "resident")
    assert not User.objects.exists()


def test_a_temporary_role_ends_with_the_role(city_vault: Vault) -> None:
    create_account(city_vault, "sam.analyst", "analyst")
    member = StaffMember.objects.get(user__username="sam.analyst")
    assert member.access_until is not None
    assert member.access_until.date().isoformat() == "2027-06-30"
    with pytest.raises(AccountError, match="cannot last longer"):
        create_account(
            city_vault, "kim.analyst", "analyst", access_until=datetime(2030, 1, 1, tzinfo=UTC)
        )
    with pytest.raises(AccountError, match="future"):
        create_account(
            city_vault, "kim.analyst", "caseworker", access_until=timezone.now() - timedelta(1)
        )


def test_disabling_ends_every_session_at_once(city_vault: Vault) -> None:
    first, user = signed_in(city_vault, "ana.lima", "caseworker")
    second = Client()
    login(second, "ana.lima")
    other, _ = signed_in(city_vault, "ben.ode", "caseworker")
    assert first.get("/staff/").status_code == 200
    assert disable_account(city_vault, "ana.lima") == 2
    assert not User.objects.get(pk=user.pk).is_active
    remaining = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(user.pk) not in remaining
    assert first.get("/staff/")["Location"].startswith("/staff/login/")
    assert login(Client(), "ana.lima").status_code == 401
    assert other.get("/staff/").status_code == 200  # others keep theirs
    assert "account.disable" in [e.action for e in city_vault.audit.entries()]


def test_reset_gives_a_new_one_time_password_and_ends_sessions(city_vault: Vault) -> None:
    client, user = signed_in(city_vault, "ana.lima", "caseworker")
    new = reset_password(city_vault, "ana.lima")
    assert isinstance(new, NewPassword)
    assert client.get("/staff/")["Location"].startswith("/staff/login/")
    assert not User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert StaffMember.objects.get(user=user).must_change_password
    assert login(Client(), "ana.lima", new.password)["Location"] == "/staff/password/"


def test_unknown_accounts_are_named(city_vault: Vault) -> None:
    with pytest.raises(UnknownAccount, match="no staff account named 'nobody'"):
        disable_account(city_vault, "nobody")
    with pytest.raises(UnknownAccount):
        reset_password(city_vault, "nobody")


def test_the_list_holds_no_secrets(city_vault: Vault) -> None:
    new = create_account(city_vault, "ana.lima", "caseworker", team="north")
    (row,) = list_accounts()
    assert (row.username, row.role, row.team, row.active) == (
        "ana.lima",
        "caseworker",
        "north",
        True,
    )
    assert row.must_change_password
    assert not row.mfa_enrolled
    assert new.password not in repr(row)


def test_actor_from_request(city_vault: Vault) -> None:
    create_account(city_vault, "ana.lima", "supervisor", team="north")
    user = User.objects.get(username="ana.lima")
    request = RequestFactory().get("/staff/")
    request.user = user
    actor = actor_from_request(request, city_vault)
    assert actor.ref == f"staff/{user.pk}"
    assert (actor.role.id, actor.team, actor.user_id) == ("supervisor", "north", user.pk)
    assert not actor.mfa_verified  # no django-otp verification on this request
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    assert actor_from_request(request, city_vault).mfa_verified


def test_an_expired_account_reads_nothing(city_vault: Vault) -> None:
    client, user = signed_in(
        city_vault, "ana.lima", "caseworker", access_until=timezone.now() + timedelta(days=1)
    )
    case = add_case(city_vault, assigned_to=user)
    assert client.get(f"/staff/records/{case.id}/").status_code == 200
    StaffMember.objects.filter(user=user).update(access_until=timezone.now() - timedelta(seconds=1))
    request = RequestFactory().get("/staff/")
    request.user = user
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    actor = actor_from_request(request, city_vault)
    with pytest.raises(AccessDenied, match="temporary access has ended"):
        AccessService(city_vault).get_record(actor, case.id)
    response = client.get(f"/staff/records/{case.id}/")
    assert response.status_code == 403
    assert "Zephyrine" not in body(response)
