"""Steps of the erase-then-restore test, each run as its own process on a real vault.

``python erasure_steps.py STEP PLAN KEYS DATA_DIR DATABASE_URL [ARGS]`` (an empty
DATABASE_URL means SQLite in DATA_DIR). Prints one JSON object. (No tests here.)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

PASSWORD = "correct horse battery staple 42"
OFFICERS = ("ana.lima", "ben.okafor")
PEOPLE = [
    {
        "full_name": f"Philomena Thistlewood{n}",
        "email": f"philomena{n}@example.org",
        "phone": f"555 020 02{n:02d}",
        "street_address": f"{n} Marigold Terrace",
        "district": "South",
        "request_type": "pothole",
        "age_band": "30-44",
        "details": f"Sinkhole number {n} by the library",
    }
    for n in range(3)
]
SECRETS = [v for p in PEOPLE for k, v in p.items() if k not in {"district", "request_type"}]


def populate() -> dict[str, Any]:
    """Three people, and two privacy officers with a password, a second factor and the
    plan acknowledged."""
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from steward import clock
    from steward.vault import get_vault
    from steward.vault.models import PlanAcknowledgement, Record, StaffMember
    from steward.vault.rules.intake import Submission
    from steward.vault.services import create_account, submit

    vault = get_vault()
    for name in OFFICERS:
        create_account(vault, name, "privacy_officer")
        user = User.objects.get(username=name)
        user.set_password(PASSWORD)
        user.save()
        StaffMember.objects.filter(user=user).update(must_change_password=False)
        # A wide tolerance: each command is a new process, slow to start on a busy machine.
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True, tolerance=20)
        PlanAcknowledgement.objects.create(
            user=user,
            plan_id=vault.plan_version_id(),
            role="privacy_officer",
            acknowledged=clock.now(),
        )
    ids = []
    for person in PEOPLE:
        receipt = submit(vault, Submission("service_request", person))
        record = Record.objects.get(pk=receipt.reference)
        ids.append({"record": str(record.id), "subject": str(record.subject_id)})
    return {"people": ids}


def code(username: str) -> dict[str, Any]:
    """The current second-factor code of ``username`` (its last use forgotten)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return {"code": f"{totp.token():06d}"}


def check(erased_record: str) -> dict[str, Any]:
    """What an officer can still read, find and count of everyone, through the vault."""
    from django.contrib.auth.models import User

    from steward.audit import verify_log
    from steward.vault import get_vault
    from steward.vault.models import AccessCode, AuditEntryRow, FieldValue, Record
    from steward.vault.services import AccessService, Actor, ValueUnreadable

    vault = get_vault()
    user = User.objects.get(username=OFFICERS[0])
    officer = Actor(
        ref=f"staff/{user.id}", role=vault.plan.role("privacy_officer"), user_id=user.id,
        mfa_verified=True,
    )  # fmt: skip
    access = AccessService(vault)
    row = Record.objects.get(pk=erased_record)
    view = access.get_record(officer, erased_record)
    found = {
        f"{n}.{field}": len(access.find_records(officer, "service_request", field, p[field]).items)
        for n, p in enumerate(PEOPLE)
        for field in ("full_name", "email", "phone")
    }
    try:
        access.reveal(officer, erased_record, "email", "follow_up", "checking after a restore")
        revealed = True
    except ValueUnreadable as error:
        revealed = error.reason.value  # type: ignore[assignment]
    audit = b"\n".join(bytes(r.record) for r in AuditEntryRow.objects.all())
    return {
        "shown": [f.shown for f in view.fields if f.shown],
        "revealed": revealed,
        "found": found,
        "values": FieldValue.objects.filter(record__subject_id=row.subject_id).count(),
        "access_code": AccessCode.objects.filter(subject_id=row.subject_id).count(),
        "records": Record.objects.count(),
        "live": Record.objects.filter(purged__isnull=True, subject__erased__isnull=True).count(),
        "audit_ok": verify_log(vault.audit.store).ok,
        "secrets_in_audit": [s for s in SECRETS if s.encode() in audit],
    }


def main() -> None:
    step, plan, keys, data_dir, url, *args = sys.argv[1:]
    from steward.cli.django_setup import setup_django

    setup_django(Path(plan), Path(keys), url or None, Path(data_dir) if data_dir else None)
    steps: dict[str, Callable[..., dict[str, Any]]] = {
        "populate": populate,
        "code": code,
        "check": check,
    }
    print(json.dumps(steps[step](*args)))


if __name__ == "__main__":
    main()
