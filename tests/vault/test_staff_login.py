"""Staff sign-in: passwords, lockout, session rotation, one-time passwords, TOTP, sign-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from steward.audit import Outcome
from steward.vault.models import StaffMember
from steward.vault.runtime import Vault
from tests.vault.test_staff_support import (
    PASSWORD,
    body,
    code_for,
    login,
    make_staff,
    pass_mfa,
    signed_in,
)

LOCKED = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)


def _actions(vault: Vault) -> list[tuple[str, Outcome]]:
    return [(e.action, e.outcome) for e in vault.audit.entries()]


def test_the_login_page_is_a_plain_form_with_csrf(city_vault: Vault) -> None:
    response = Client().get("/staff/login/")
    assert response.status_code == 200
    text = body(response)
    assert 'name="csrfmiddlewaretoken"' in text
    assert "<script" not in text
    assert 'autocomplete="current-password"' in text


def test_a_wrong_password_is_refused_and_audited_without_the_name(city_vault: Vault) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    response = login(Client(), "ana.lima", "not the password at all")
    assert response.status_code == 401
    assert "not right" in body(response)
    entry = list(city_vault.audit.entries())[-1]
    assert (entry.action, entry.outcome) == ("session.login_failed", Outcome.DENIED)
    assert entry.purpose == "bad credentials"
    assert "ana.lima" not in repr(entry.to_json())
    assert entry.actor_ref == city_vault.audit.hasher.actor("login/ana.lima")  # type: ignore[union-attr]


def test_an_empty_form_is_a_400(city_vault: Vault) -> None:
    assert Client().post("/staff/login/", {"username": ""}).status_code == 400


def test_five_failures_lock_the_account_even_with_the_right_password(city_vault: Vault) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    client = Client()
    statuses = [login(client, "ana.lima", f"wrong password {i}").status_code for i in range(5)]
    assert statuses[:4] == [401] * 4
    assert statuses[4] == LOCKED  # the fifth failure locks
    locked = login(client, "ana.lima", PASSWORD)
    assert locked.status_code == LOCKED
    assert "This user name is locked until" in body(locked)
    assert "_auth_user_id" not in client.session
    assert ("session.login_failed", Outcome.DENIED) in _actions(city_vault)
    assert list(city_vault.audit.entries())[-1].purpose == "account locked"


def test_a_reset_lifts_the_lockout(city_vault: Vault) -> None:
    from steward.vault.services.accounts import reset_password

    make_staff(city_vault, "ana.lima", "caseworker")
    for i in range(5):
        login(Client(), "ana.lima", f"wrong password {i}")
    new = reset_password(city_vault, "ana.lima")
    assert login(Client(), "ana.lima", new.password).status_code == 302


def test_signing_in_gives_a_new_session_id(city_vault: Vault) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    client = Client()
    session = client.session
    session["visited"] = True
    session.save()
    before = str(session.session_key)
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    response = login(client, "ana.lima")
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after
    assert after != before
    assert client.session["_auth_user_id"] == str(User.objects.get(username="ana.lima").pk)


def test_a_one_time_password_must_be_changed_first(city_vault: Vault) -> None:
    user, one_time = make_staff(city_vault, "ana.lima", "caseworker", ready=False)
    client = Client()
    response = login(client, "ana.lima", one_time)
    assert response["Location"] == "/staff/password/"
    assert client.get("/staff/")["Location"] == "/staff/password/"
    assert client.get("/staff/mfa/")["Location"] == "/staff/password/"
    weak = client.post(
        "/staff/password/",
        {"old_password": one_time, "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 400
    changed = client.post(
        "/staff/password/",
        {"old_password": one_time, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert changed.status_code == 302
    assert changed["Location"] == "/staff/mfa/"
    assert not StaffMember.objects.get(user=user).must_change_password
    assert "_auth_user_id" in client.session  # still signed in after the change
    assert ("account.password_change", Outcome.ALLOWED) in _actions(city_vault)


def test_mfa_enrollment_then_verification(city_vault: Vault) -> None:
    user, _ = make_staff(city_vault, "ana.lima", "caseworker")
    client = Client()
    assert login(client, "ana.lima")["Location"].startswith("/staff/mfa/")
    assert client.get("/staff/")["Location"].startswith("/staff/mfa/")
    enroll = client.get("/staff/mfa/")
    text = body(enroll)
    assert enroll.status_code == 200
    assert "<svg" in text
    assert 'role="img"' in text
    assert "<script" not in text
    assert "<img" not in text
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert "Key:" in text
    wrong = client.post("/staff/mfa/", {"code": "000000" if code_for(device) != "000000" else "1"})
    assert wrong.status_code == 400
    assert ("session.mfa_failed", Outcome.DENIED) in _actions(city_vault)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    before = client.session.session_key
    ok = client.post("/staff/mfa/", {"code": code_for(device)})
    assert ok.status_code == 302
    assert client.session.session_key != before  # new id after the second factor, too
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/staff/").status_code == 200
    assert ("session.mfa", Outcome.ALLOWED) in _actions(city_vault)

    # next time: no enrollment, only the code
    again = Client()
    login(again, "ana.lima")
    page = body(again.get("/staff/mfa/"))
    assert "<svg" not in page
    assert "Key:" not in page
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    assert again.post("/staff/mfa/", {"code": code_for(device)}).status_code == 302
    assert again.get("/staff/").status_code == 200


def test_an_mfa_role_never_reaches_case_pages_without_the_second_factor(
    city_vault: Vault,
) -> None:
    make_staff(city_vault, "ana.lima", "privacy_officer")
    client = Client()
    login(client, "ana.lima")
    for path in (
        "/staff/",
        "/staff/audit/",
        f"/staff/records/{'0' * 8}-0000-0000-0000-{'0' * 12}/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/mfa/")
    assert client.post("/staff/audit/verify/")["Location"].startswith("/staff/mfa/")


def test_signing_out_needs_a_post_and_ends_the_session(city_vault: Vault) -> None:
    client, _ = signed_in(city_vault, "ana.lima", "caseworker")
    assert client.get("/staff/logout/").status_code == 405
    response = client.post("/staff/logout/")
    assert response["Location"] == "/staff/login/"
    assert client.get("/staff/")["Location"].startswith("/staff/login/")
    assert ("session.logout", Outcome.ALLOWED) in _actions(city_vault)


def test_expired_temporary_access_cannot_sign_in(city_vault: Vault) -> None:
    user, _ = make_staff(
        city_vault, "ana.lima", "caseworker", access_until=timezone.now() + timedelta(days=1)
    )
    StaffMember.objects.filter(user=user).update(access_until=timezone.now() - timedelta(hours=1))
    client = Client()
    response = login(client, "ana.lima")
    assert response.status_code == 403
    assert "temporary access has ended" in body(response)
    assert "_auth_user_id" not in client.session
    assert list(city_vault.audit.entries())[-1].action == "session.login_failed"


def test_access_ending_during_a_session_signs_out(city_vault: Vault) -> None:
    client, user = signed_in(
        city_vault,
        "ana.lima",
        "caseworker",
        access_until=timezone.now() + timedelta(days=1),
    )
    assert client.get("/staff/").status_code == 200
    StaffMember.objects.filter(user=user).update(access_until=timezone.now() - timedelta(seconds=1))
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_user_without_a_staff_account_is_refused(city_vault: Vault) -> None:
    User.objects.create_user("someone.else", password=PASSWORD)
    response = login(Client(), "someone.else")
    assert response.status_code == 403
    assert "not a staff account" in body(response)


def test_next_only_goes_to_staff_pages(city_vault: Vault) -> None:
    user, _ = make_staff(city_vault, "ana.lima", "caseworker")
    client = Client()
    login(client, "ana.lima", next="https://evil.example/")
    device_response = pass_mfa(client, user)
    assert device_response["Location"] == "/staff/"


@pytest.mark.parametrize("path", ["/staff/login/", "/staff/mfa/", "/staff/password/"])
def test_forms_refuse_posts_without_a_csrf_token(city_vault: Vault, path: str) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    client = Client(enforce_csrf_checks=True)
    if path != "/staff/login/":
        client.force_login(User.objects.get(username="ana.lima"))
    response = client.post(path, {"username": "ana.lima", "password": PASSWORD, "code": "123456"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session or path != "/staff/login/"


def test_the_login_form_works_with_its_csrf_token(city_vault: Vault) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    client = Client(enforce_csrf_checks=True)
    client.get("/staff/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = login(client, "ana.lima", csrfmiddlewaretoken=token)
    assert response.status_code == 302
