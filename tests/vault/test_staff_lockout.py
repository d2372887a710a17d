"""Sign-in lockout in the vault: the user name after five failures, the address after many.

Every client here has its own address (``REMOTE_ADDR``, what waitress gives once the
proxy is trusted). Time moves with :class:`steward.clock.ManualClock`; nothing sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from steward.audit import Outcome
from steward.clock import ManualClock, use_clock
from steward.vault.runtime import Vault
from steward.vault.services.accounts import UnknownAccount, reset_password, unlock_account
from tests.vault.test_staff_support import PASSWORD, body, login, make_staff

START = datetime(2031, 3, 2, 9, 0, 30, tzinfo=UTC)
OFFICE = "203.0.113.7"
HOME = "198.51.100.20"
ALERT = re.compile(r'<p role="alert">(.*?)</p>', re.DOTALL)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    """A clock far from the machine's, so nothing here can lean on the machine's time."""
    with use_clock(ManualClock(START)) as moving:
        assert isinstance(moving, ManualClock)
        yield moving


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int) -> list[int]:
    return [login(client, username, f"wrong password {i}").status_code for i in range(times)]


def alerts(response) -> list[str]:
    return [" ".join(text.split()) for text in ALERT.findall(body(response))]


def reasons(vault: Vault) -> list[str]:
    return [e.purpose for e in vault.audit.entries() if e.action == "session.login_failed"]


def test_five_failures_lock_the_name_and_the_page_says_until_when(
    city_vault: Vault, clock: ManualClock
) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    office = client_at(OFFICE)
    assert fail(office, "ana.lima", 5) == [401, 401, 401, 401, 429]
    refused = login(office, "ana.lima", PASSWORD)
    assert refused.status_code == 429
    (text,) = alerts(refused)
    assert "Too many wrong passwords were tried for this user name" in text
    assert "locked until <strong>2031-03-02 09:31 UTC</strong>" in text  # 09:30:30, rounded up
    assert "network address" not in body(refused)
    assert "_auth_user_id" not in office.session
    assert reasons(city_vault) == ["bad credentials"] * 5 + ["account locked"]
    failed = [e for e in city_vault.audit.entries() if e.action.startswith("session.")]
    assert {e.outcome for e in failed} == {Outcome.DENIED}


def test_a_locked_name_does_not_lock_the_office(city_vault: Vault, clock: ManualClock) -> None:
    """The defect: behind a proxy every sign-in shared one address, so one person's
    five typos locked every colleague out."""
    make_staff(city_vault, "ana.lima", "caseworker")
    make_staff(city_vault, "ben.okafor", "caseworker")
    fail(client_at(OFFICE), "ana.lima", 5)
    assert login(client_at(OFFICE), "ben.okafor").status_code == 302
    # the name is locked from everywhere, not only from that address
    assert login(client_at(HOME), "ana.lima").status_code == 429


def test_a_name_without_an_account_locks_the_same_way(
    city_vault: Vault, clock: ManualClock
) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    real, invented = client_at(OFFICE), client_at(HOME)
    assert fail(real, "ana.lima", 5) == fail(invented, "no.such.person", 5)
    mine = login(real, "ana.lima", PASSWORD)
    theirs = login(invented, "no.such.person", PASSWORD)
    assert mine.status_code == theirs.status_code == 429
    assert alerts(mine) == alerts(theirs)


def test_the_name_counts_without_regard_to_case_or_spaces(
    city_vault: Vault, clock: ManualClock
) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    office = client_at(OFFICE)
    fail(office, "Ana.Lima", 2)
    fail(office, " ana.lima ", 2)
    assert fail(office, "ANA.LIMA", 1) == [429]
    assert login(office, "ana.lima").status_code == 429


def test_many_failures_from_one_address_throttle_it_for_every_name(
    city_vault: Vault, clock: ManualClock
) -> None:
    make_staff(city_vault, "ben.okafor", "caseworker")
    sprayer = client_at(OFFICE)
    with override_settings(STEWARD_ADDRESS_FAILURE_LIMIT=8):
        statuses = [login(sprayer, f"name{i}", "Summer2026!").status_code for i in range(8)]
        assert statuses == [401] * 7 + [429]
        refused = login(sprayer, "ben.okafor")  # a right password, from the throttled address
        assert refused.status_code == 429
        (text,) = alerts(refused)
        assert "Too many failed sign-ins came from your network address" in text
        assert "user name is locked" not in body(refused)
        assert login(client_at(HOME), "ben.okafor").status_code == 302
    assert reasons(city_vault)[-1] == "address throttled"


def test_a_forged_forwarded_for_header_does_not_change_the_address(
    city_vault: Vault, clock: ManualClock
) -> None:
    """Without a trusted proxy, waitress drops X-Forwarded-For; and the vault never reads
    it anyway: the address is REMOTE_ADDR."""
    make_staff(city_vault, "ben.okafor", "caseworker")
    with override_settings(STEWARD_ADDRESS_FAILURE_LIMIT=3):
        for i in range(3):
            forged = client_at(OFFICE)
            response = forged.post(
                "/staff/login/",
                {"username": f"name{i}", "password": "guess"},
                HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}",
            )
            assert response.status_code == (429 if i == 2 else 401)
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
        assert login(client_at(OFFICE), "ben.okafor").status_code == 429


def test_a_valid_sign_in_does_not_wipe_the_count_of_its_address(
    city_vault: Vault, clock: ManualClock
) -> None:
    """axes on its own would forget every failure from the address at a success, so one
    valid account would let a machine spray passwords without end."""
    make_staff(city_vault, "ben.okafor", "caseworker")
    sprayer = client_at(OFFICE)
    with override_settings(STEWARD_ADDRESS_FAILURE_LIMIT=8):
        fail(sprayer, "victim.one", 4)
        assert login(client_at(OFFICE), "ben.okafor").status_code == 302
        assert fail(sprayer, "victim.two", 4) == [401, 401, 401, 429]


def test_a_success_clears_the_count_of_its_name(city_vault: Vault, clock: ManualClock) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    office = client_at(OFFICE)
    fail(office, "ana.lima", 4)
    assert login(office, "ana.lima").status_code == 302
    assert fail(client_at(OFFICE), "ana.lima", 4) == [401] * 4


def test_the_lock_ends_at_the_time_the_page_gave(city_vault: Vault, clock: ManualClock) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    office = client_at(OFFICE)
    fail(office, "ana.lima", 5)
    locked_at = clock.now()
    clock.advance(minutes=20)
    # tries while locked are refused without counting, so they do not lengthen the lock
    assert fail(office, "ana.lima", 3) == [429] * 3
    clock.set(locked_at + timedelta(minutes=30) - timedelta(seconds=1))
    assert login(office, "ana.lima").status_code == 429
    clock.set(locked_at + timedelta(minutes=30))
    assert login(office, "ana.lima").status_code == 302


def test_old_failures_age_out(city_vault: Vault, clock: ManualClock) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    office = client_at(OFFICE)
    fail(office, "ana.lima", 4)
    clock.advance(minutes=31)
    assert fail(office, "ana.lima", 4) == [401] * 4


def test_unlock_lifts_the_name_says_what_it_did_and_is_audited(
    city_vault: Vault, clock: ManualClock
) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    fail(client_at(OFFICE), "ana.lima", 3)
    fail(client_at(HOME), "ana.lima", 2)
    lifted = unlock_account(city_vault, "ana.lima", by="cli/staff")
    assert lifted.was_locked_until == clock.now() + timedelta(minutes=30)
    assert lifted.failures_forgotten == 5
    assert login(client_at(HOME), "ana.lima").status_code == 302
    entry = list(city_vault.audit.entries())[-2]  # before the sign-in
    assert (entry.action, entry.purpose, entry.outcome) == (
        "account.unlock",
        "locked",
        Outcome.ALLOWED,
    )
    again = unlock_account(city_vault, "ana.lima")
    assert (again.was_locked_until, again.failures_forgotten) == (None, 0)
    assert list(city_vault.audit.entries())[-1].purpose == "not locked"


def test_unlock_refuses_an_unknown_name(city_vault: Vault) -> None:
    with pytest.raises(UnknownAccount, match="no staff account named 'nobody'"):
        unlock_account(city_vault, "nobody")


def test_unlock_leaves_an_address_throttle(city_vault: Vault, clock: ManualClock) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    with override_settings(STEWARD_ADDRESS_FAILURE_LIMIT=6):
        fail(client_at(OFFICE), "ana.lima", 5)
        fail(client_at(OFFICE), "someone.else", 3)
        unlock_account(city_vault, "ana.lima")
        # the five under ana.lima are forgotten; three from the office remain
        assert login(client_at(OFFICE), "ana.lima").status_code == 302


def test_a_password_reset_lifts_the_lock(city_vault: Vault, clock: ManualClock) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    fail(client_at(OFFICE), "ana.lima", 5)
    new = reset_password(city_vault, "ana.lima")
    assert not AccessAttempt.objects.filter(username="ana.lima").exists()
    assert login(client_at(OFFICE), "ana.lima", new.password).status_code == 302


def test_the_limits_are_settings(city_vault: Vault, clock: ManualClock) -> None:
    make_staff(city_vault, "ana.lima", "caseworker")
    with override_settings(STEWARD_ACCOUNT_FAILURE_LIMIT=2, AXES_FAILURE_LIMIT=2):
        assert fail(client_at(OFFICE), "ana.lima", 2) == [401, 429]
