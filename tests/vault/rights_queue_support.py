"""Helpers for the rights-queue tests: requests registered as the person's side does.
(No tests here.)"""

from __future__ import annotations

from datetime import datetime

from steward.clock import now
from steward.vault.models import Record, RightsRequest
from steward.vault.runtime import Vault
from steward.vault.services.rights_register import register
from steward.vault.services.rights_requests import PROPOSAL_DATASET

NEW_PHONE = "555 019 2288"
"""A corrected phone number that appears nowhere else."""
REASON = "checked with the person at the front desk"


def open_request(
    vault: Vault,
    record: Record,
    kind: RightsRequest.Kind,
    *,
    field: str = "",
    at: datetime | None = None,
) -> RightsRequest:
    """An open request of ``kind`` about ``record``'s person, as the person's side files it."""
    return register(
        vault.plan, record.subject_id, kind, now=at or now(), record=record, field=field
    )


def correction(vault: Vault, record: Record, field: str, value: str) -> RightsRequest:
    """An open correction of ``field`` with ``value`` proposed (encrypted as the person's
    side stores it)."""
    made = open_request(vault, record, RightsRequest.Kind.CORRECTION, field=field)
    made.proposed = vault.keyring.encrypt(
        str(record.subject_id),
        value.encode(),
        dataset=PROPOSAL_DATASET,
        record=str(made.id),
        field=field,
    )
    made.save(update_fields=["proposed"])
    return made
