"""A built register for the register and report tests: egress rows made directly, as the
disclosure, extract and aggregate services would leave them. (No tests here.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import User

from steward.vault.models import Record
from steward.vault.models_egress import (
    AggregateRelease,
    Delivery,
    DisclosureItem,
    DisclosureNotice,
    DisclosureRequest,
    Extract,
)
from steward.vault.runtime import Vault
from steward.vault.services.accounts import create_account
from tests.vault.test_staff_support import DISTINCT, add_case

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
"""Inside Q1 2026."""
NOW = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)
"""When the report is made: Q1 has ended; the prohibition of D1 still runs."""
COURT = "Riverton County Superior Court"
SEALED_REFERENCE = "CASE-SEALED-4471"


@dataclass
class Built:
    records: list[Record]
    clerk: User
    officer: User


def _user(vault: Vault, name: str, role: str) -> User:
    create_account(vault, name, role)
    return User.objects.get(username=name)


def _request(built: Built, at: datetime, ground: str, state: str, **extra: object):
    return DisclosureRequest.objects.create(
        dataset="service_request",
        ground=ground,
        state=state,
        requested_by=built.clerk,
        requested_at=at,
        fields_asked=["full_name", "street_address"],
        **extra,
    )


def _items(request: DisclosureRequest, records: list[Record], released: bool) -> None:
    for record in records:
        DisclosureItem.objects.create(
            disclosure=request, record=record, subject_id=record.subject_id, released=released
        )


def build_register(vault: Vault) -> Built:
    """Q1 2026: six requests (one of each outcome), two extracts, two releases; and one
    delivered court order in Q2 that Q1 must not count."""
    records = [add_case(vault, {**DISTINCT, "full_name": f"Person Number{n}"}) for n in range(5)]
    built = Built(records, _user(vault, "cleo.clerk", "caseworker"),
                  _user(vault, "olga.officer", "privacy_officer"))  # fmt: skip
    r = records
    # D1: a sealed court order, fully complied with, delivered; one notice held.
    d1 = _request(built, T0, "court_order", "delivered", party=COURT, party_kind="court",
                  legal_reference=SEALED_REFERENCE, compliance="full",
                  decided_by=built.officer, decided_at=T0 + timedelta(days=1),
                  fields_released=["full_name", "street_address"],
                  delivered_at=T0 + timedelta(days=9))  # fmt: skip
    _items(d1, r[:3], True)
    for n, record in enumerate(r[:3]):
        DisclosureNotice.objects.create(
            disclosure=d1,
            subject_id=record.subject_id,
            created=T0 + timedelta(days=1),
            sent=T0 + timedelta(days=1) if n < 2 else None,
            prohibited_until=T0 + timedelta(days=180) if n == 2 else None,
            prohibition_reason="the court forbids telling the person" if n == 2 else "",
        )
    Delivery.objects.create(disclosure=d1, token_hash="a" * 64, method="passphrase",
                            sha256="0" * 64, created=T0 + timedelta(days=9),
                            expires=T0 + timedelta(days=16))  # fmt: skip
    # D2: a warrant, self-approval refused first (no trace on the row), then refused.
    d2 = _request(built, T0 + timedelta(days=2), "warrant", "refused", party="State police",
                  party_kind="law_enforcement", legal_reference="W-19",
                  decided_by=built.officer, decided_at=T0 + timedelta(days=3),
                  decision="the warrant names another person")  # fmt: skip
    _items(d2, r[:1], False)
    # D3: a subpoena (not allowed by the city): refused when opened.
    d3 = _request(built, T0 + timedelta(days=4), "subpoena", "refused", party="County sheriff",
                  party_kind="law_enforcement", decided_at=T0 + timedelta(days=4),
                  decision="subpoena is not an allowed ground")  # fmt: skip
    _items(d3, r[1:2], False)
    # D4: consent, narrowed to one of two records: partly complied with.
    d4 = _request(built, T0 + timedelta(days=5), "consent", "approved", party="Tenant legal aid",
                  party_kind="legal_aid", compliance="partial", decided_by=built.officer,
                  decided_at=T0 + timedelta(days=6))  # fmt: skip
    _items(d4, r[3:4], True)
    _items(d4, r[4:5], False)
    # D5 withdrawn, D6 still waiting.
    d5 = _request(built, T0 + timedelta(days=7), "court_order", "withdrawn", party=COURT,
                  party_kind="court", decided_by=built.clerk)  # fmt: skip
    _items(d5, r[:1], False)
    _request(built, T0 + timedelta(days=8), "court_order", "requested", party=COURT,
             party_kind="court")  # fmt: skip
    # Q2: a court order that Q1 must not count.
    d7 = _request(built, T0 + timedelta(days=70), "court_order", "delivered", party=COURT,
                  party_kind="court", compliance="full", decided_by=built.officer)  # fmt: skip
    _items(d7, r[:2], True)
    for state, withheld in (("released", ""), ("withheld", "k=10 not met: smallest class 3")):
        Extract.objects.create(dataset="service_request", recipient="civic_data_lab",
                               fields=["district"], k_target=10, state=state, withheld=withheld,
                               rows=120 if not withheld else 0, source_records=120,
                               made_by=built.officer, made_at=T0 + timedelta(days=10))  # fmt: skip
    for audience, cells, suppressed in (("city_council", 12, 3), ("public", 8, 2)):
        AggregateRelease.objects.create(dataset="service_request", audience=audience,
                                        by_fields=["district"], min_group_size=10,
                                        cells=cells, suppressed=suppressed,
                                        released_by=built.officer,
                                        released_at=T0 + timedelta(days=11))  # fmt: skip
    return built
