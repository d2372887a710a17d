"""Helpers for the disclosure tests: two privacy officers (one asks, one approves) and an
approved disclosure's payload. (No tests here.)"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from steward.clock import ManualClock, use_clock
from steward.vault.models import Record
from steward.vault.models_egress import DisclosureRequest
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.disclosure_delivery import disclosure_payload
from steward.vault.services.disclosures import decide_disclosure, open_disclosure
from tests.vault.erasure_support import staff_actor

OBJECTION_TIME = timedelta(days=15)
"""Past the city plan's objection period (14 days): delivery may go ahead."""


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    """The process's clock, standing at the real time until a test moves it."""
    manual = ManualClock()
    with use_clock(manual):
        yield manual


COURT: dict[str, Any] = {
    "ground": "court_order",
    "party": "Riverton Superior Court",
    "legal_reference": "CV-1",
}


def officer(vault: Vault, username: str, role: str = "privacy_officer", team: str = "") -> Actor:
    """A staff actor of ``role`` called ``username`` (made on first use)."""
    found = User.objects.filter(username=username).first()
    if found is None:
        return staff_actor(vault, username, role, team)
    return Actor(
        ref=f"staff/{found.id}",
        role=vault.plan.role(role),
        user_id=found.id,
        team=team,
        mfa_verified=True,
    )


def approved(
    vault: Vault,
    records: Sequence[Record],
    fields: Sequence[str],
    *,
    asker: Actor | None = None,
    approver: Actor | None = None,
    **asked: Any,
) -> tuple[DisclosureRequest, Actor]:
    """A disclosure of ``fields`` of ``records``, opened (by default on a court order, by
    one officer) and approved by another officer; the request and its approver."""
    asker = asker or officer(vault, "officer_asks")
    approver = approver or officer(vault, "officer_approves")
    made = open_disclosure(
        vault,
        asker,
        dataset="service_request",
        records=[str(r.id) for r in records],
        fields=list(fields),
        **{**COURT, **asked},
    )
    decide_disclosure(vault, approver, made.id, "approve", reason="the order is in order")
    return DisclosureRequest.objects.get(pk=made.id), approver


def payload_rows(vault: Vault, disclosure: DisclosureRequest, actor: Actor) -> dict[str, Any]:
    """The approved payload of ``disclosure``, parsed."""
    disclosure.refresh_from_db()
    return dict(json.loads(disclosure_payload(vault, disclosure, actor=actor)))
