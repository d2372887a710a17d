"""The audit log never holds a personal value: after the demo's own data path (its staff
accounts and synthetic residents, loaded as ``steward demo`` loads them), staff work on
the cases (lists, reads, reveals, searches, an erasure asked for and approved), the
whole log is scanned for every value the demo submitted. None may appear, so erasure
never needs to edit the log."""

from __future__ import annotations

from typing import Any

import pytest

from steward.audit import verify_log
from steward.cli.demo import DATASET, STAFF
from steward.vault.models import AuditEntryRow, Record
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault
from steward.vault.services import demo_data
from steward.vault.services.access import AccessService
from steward.vault.services.collect import Receipt, submit
from steward.vault.services.demo_data import create_demo_accounts, load_residents
from steward.vault.services.erasure import ErasureService
from tests.vault.erasure_support import staff_actor

RESIDENTS = 40
SEED = 7


def test_no_submitted_value_appears_anywhere_in_the_audit_log(
    city_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted: list[dict[str, Any]] = []

    def recording_submit(vault: Vault, submission: Submission) -> Receipt:
        submitted.append(dict(submission.answers))
        return submit(vault, submission)

    monkeypatch.setattr(demo_data, "submit", recording_submit)
    create_demo_accounts(city_vault, list(STAFF))
    load = load_residents(city_vault, RESIDENTS, dataset=DATASET, seed=SEED, caseworker=STAFF[1][0])
    assert load.created == RESIDENTS == len(submitted)

    # Staff work on the cases: every kind of entry that names a record or a field.
    ana = staff_actor(city_vault, "ana.lima", "privacy_officer")
    ben = staff_actor(city_vault, "ben.okafor", "privacy_officer")
    access = AccessService(city_vault)
    views = access.list_records(ana, DATASET, limit=RESIDENTS)
    for view in views[:5]:
        access.get_record(ana, view.id)
        access.reveal(ana, view.id, "email", "follow_up", "calling back about the request")
    for answers in submitted[:8]:
        for field in ("full_name", "email", "phone"):
            if answers.get(field):
                access.find_records(ana, DATASET, field, answers[field])
    erasure = ErasureService(city_vault)
    for view in views[:3]:
        asked = erasure.request(ana, view.id, "the resident asked in writing to be erased")
        erasure.approve(ben, asked.id)
    erasure.list_requests(ben)

    log = b"\n".join(bytes(row.record) for row in AuditEntryRow.objects.order_by("seq"))
    assert len(log) > 0
    personal = {
        spec.name for spec in city_vault.plan.dataset(DATASET).collected_fields if spec.encrypted
    }
    found = sorted(
        {
            (name, value)
            for answers in submitted
            for name, value in answers.items()
            if name in personal
            and isinstance(value, str)
            and len(value.strip()) >= 4
            and (value.encode() in log or value.lower().encode() in log.lower())
        }
    )
    assert found == []
    assert Record.objects.count() == RESIDENTS
    assert verify_log(city_vault.audit.store).ok
