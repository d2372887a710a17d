"""Helpers for the tests of notices of disclosure: disclosures made directly in the
database (the disclosure service is tested on its own), plan variants, a moving clock.
(No tests here.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from steward.clock import ManualClock, use_clock
from steward.vault.models import Record, Subject
from steward.vault.models_egress import DisclosureItem, DisclosureRequest
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import CITY, make_vault

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

EMAIL_SETTING = """  notify_by_email:
    field: email
    purposes: [follow_up]
"""


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(T0)
    with use_clock(manual):
        yield manual


def city_variant(tmp_path: Path, *changes: tuple[str, str]) -> Vault:
    """A vault (now in use) for the city plan with each ``(old, new)`` text replaced."""
    text = CITY.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    vault, _ = make_vault(path, tmp_path / "variant-keys")
    use_vault(vault)
    return vault


def clerk() -> User:
    """The staff member who asked for the disclosures of a test."""
    user, _ = User.objects.get_or_create(username="disclosure-clerk")
    return user


def disclosure_of(
    records: list[Record],
    *,
    at: datetime = T0,
    released: bool = True,
    state: str = DisclosureRequest.State.APPROVED,
    fields: tuple[str, ...] = ("full_name", "street_address"),
) -> DisclosureRequest:
    """An approved court-order disclosure of ``records`` to an outside party."""
    disclosure = DisclosureRequest.objects.create(
        dataset="service_request",
        party="Riverton Superior Court",
        party_kind="court",
        ground="court_order",
        legal_reference="Case RS-2026-0412",
        fields_asked=list(fields),
        fields_released=list(fields),
        state=state,
        requested_by=clerk(),
        requested_at=at,
        decided_at=at,
    )
    for record in records:
        DisclosureItem.objects.create(
            disclosure=disclosure, record=record, subject=record.subject, released=released
        )
    return disclosure


def erase_subject(record: Record, at: datetime = T0) -> None:
    """Mark the person of ``record`` erased (as the erasure service leaves them)."""
    Subject.objects.filter(pk=record.subject_id).update(erased=at)
