"""Helpers for delivery tests: a disclosure and an extract to deliver, audit lookups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from steward.clock import ManualClock, use_clock
from steward.vault.models_egress import DisclosureRequest, Extract
from steward.vault.runtime import Vault

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
PAYLOAD = b'{"records": [{"name": "Ana Lima", "phone": "+1 555 0100"}]}'


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(T0)
    with use_clock(manual):
        yield manual


def break_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every audit entry of the delivery service fail, as a full log would."""
    from steward.vault.services import deliveries
    from steward.vault.services.auditing import AuditUnavailable

    def broken(*args: object, **kwargs: object) -> None:
        raise AuditUnavailable("down")

    monkeypatch.setattr(deliveries, "audit", broken)


def staff_user(username: str = "clerk.one") -> User:
    user, _ = User.objects.get_or_create(username=username)
    return user


def a_disclosure(state: str = DisclosureRequest.State.APPROVED) -> DisclosureRequest:
    return DisclosureRequest.objects.create(
        dataset="service_requests",
        party="County court",
        party_kind="court",
        ground="court_order",
        requested_by=staff_user(),
        requested_at=T0,
        state=state,
    )


def an_extract() -> Extract:
    return Extract.objects.create(
        dataset="service_requests",
        recipient="volunteer_analysts",
        k_target=5,
        state=Extract.State.RELEASED,
        made_by=staff_user(),
        made_at=T0,
    )


def audited(vault: Vault, action: str) -> list[tuple[str, str, str]]:
    """(actor reference, outcome, purpose) of every entry of ``action``, oldest first."""
    return [
        (e.actor_ref, str(e.outcome), e.purpose)
        for e in vault.audit.entries()
        if str(e.action) == action
    ]


def actor_ref(vault: Vault, actor: str) -> str:
    hasher = vault.audit.hasher
    assert hasher is not None
    return hasher.actor(actor)
