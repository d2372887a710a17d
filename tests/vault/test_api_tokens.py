"""Service tokens: created once, stored as a hash, scoped to a staff role, expiring, revocable."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError
from django.utils import timezone

from steward.policy import load_plan
from steward.vault.models import AuditEntryRow, ServiceToken
from steward.vault.runtime import Vault
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.tokens import (
    MAX_DAYS,
    TokenError,
    authenticate,
    create_token,
    list_tokens,
    revoke_token,
)
from tests.vault.conftest import HELP_DESK


def _actions() -> list[str]:
    return [json.loads(bytes(r.record))["action"] for r in AuditEntryRow.objects.order_by("seq")]


def test_a_token_is_shown_once_and_stored_as_its_sha256(city_vault: Vault) -> None:
    issued = create_token(city_vault, "etl-nightly", "privacy_officer")
    assert issued.token.startswith("stw_")
    assert len(issued.token) == 47
    row = ServiceToken.objects.get(name="etl-nightly")
    assert row.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    stored = json.dumps(list(ServiceToken.objects.values()), default=str)
    assert issued.token not in stored
    assert issued.token[4:] not in stored
    assert row.expires is not None
    assert abs(row.expires - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert issued.warnings == ()
    assert _actions()[-1] == "token.create"
    assert issued.token not in repr(list_tokens())


def test_a_token_authenticates_as_its_role_and_team(city_vault: Vault) -> None:
    issued = create_token(city_vault, "dispatch", "supervisor", team="north", days=7)
    actor = authenticate(city_vault.plan, issued.token)
    assert actor is not None
    assert actor.ref == "token/dispatch"
    assert actor.role.id == "supervisor"
    assert actor.team == "north"
    assert actor.mfa_verified is True
    assert actor.user_id is None
    assert actor.subject_id is None
    assert actor.access_until == ServiceToken.objects.get(name="dispatch").expires


def test_unknown_malformed_expired_and_revoked_tokens_are_refused(city_vault: Vault) -> None:
    issued = create_token(city_vault, "dispatch", "supervisor", team="north")
    plan = city_vault.plan
    assert authenticate(plan, "stw_" + "A" * 43) is None
    assert authenticate(plan, issued.token[:-1]) is None
    assert authenticate(plan, issued.token.removeprefix("stw_")) is None
    assert authenticate(plan, "") is None
    later = timezone.now() + timedelta(days=91)
    assert authenticate(plan, issued.token, now=later) is None
    assert revoke_token(city_vault, "dispatch") is True
    assert authenticate(plan, issued.token) is None
    assert revoke_token(city_vault, "dispatch") is False
    assert _actions()[-1] == "token.revoke"
    (info,) = list_tokens()
    assert info.state() == "revoked"


def test_a_token_whose_role_left_the_plan_is_refused(city_vault: Vault) -> None:
    issued = create_token(city_vault, "dispatch", "supervisor", team="north")
    other_plan = load_plan(Path(HELP_DESK)).plan
    assert "supervisor" not in {r.id for r in other_plan.roles}
    assert authenticate(other_plan, issued.token) is None


@pytest.mark.parametrize(
    ("name", "role", "days", "message"),
    [
        ("etl", "resident", 90, "not a staff role"),
        ("etl", "janitor", 90, "no role 'janitor'"),
        ("etl", "analyst", 0, "between 1 and 365"),
        ("etl", "analyst", MAX_DAYS + 1, "between 1 and 365"),
        ("", "analyst", 90, "token name"),
        ("has space", "analyst", 90, "token name"),
        ("x" * 101, "analyst", 90, "token name"),
    ],
)
def test_refused_tokens(city_vault: Vault, name: str, role: str, days: int, message: str) -> None:
    with pytest.raises(TokenError, match=message):
        create_token(city_vault, name, role, days=days)
    assert not ServiceToken.objects.exists()


def test_names_are_unique(city_vault: Vault) -> None:
    create_token(city_vault, "etl", "analyst", days=MAX_DAYS)
    with pytest.raises(TokenError, match="already a token named 'etl'"):
        create_token(city_vault, "etl", "privacy_officer")
    with pytest.raises(TokenError, match="no token named 'nope'"):
        revoke_token(city_vault, "nope")


def test_tokens_that_would_reach_no_records_come_with_a_warning(city_vault: Vault) -> None:
    (assigned,) = create_token(city_vault, "a", "caseworker").warnings
    assert "assigned" in assigned
    (teamless,) = create_token(city_vault, "b", "supervisor").warnings
    assert "--team" in teamless
    assert create_token(city_vault, "c", "supervisor", team="north").warnings == ()


def test_no_token_is_created_when_the_creation_cannot_be_audited(city_vault: Vault) -> None:
    with (
        mock.patch.object(AuditEntryRow.objects, "create", side_effect=DatabaseError("full")),
        pytest.raises(AuditUnavailable),
    ):
        create_token(city_vault, "etl", "privacy_officer")
    assert not ServiceToken.objects.exists()


def test_listing_states(city_vault: Vault) -> None:
    create_token(city_vault, "live", "analyst")
    create_token(city_vault, "old", "analyst")
    ServiceToken.objects.filter(name="old").update(expires=timezone.now() - timedelta(days=1))
    states = {t.name: t.state() for t in list_tokens()}
    assert states == {"live": "active", "old": "expired"}
