"""Steps of the erasure-ledger restore test, each run as its own process on a real vault.

``python retention_steps.py STEP PLAN KEYS DATA_DIR DATABASE_URL [ARGS]`` (an empty
DATABASE_URL means SQLite in DATA_DIR). Prints one JSON object. (No tests here.)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PEOPLE = [
    {
        "full_name": f"Ottoline Brackenbury{n}",
        "email": f"ottoline{n}@example.org",
        "phone": f"555 010 01{n:02d}",
        "street_address": f"{n} Juniper Crescent",
        "district": "North",
        "request_type": "pothole",
        "age_band": "30-44",
        "details": f"Crater number {n} beside the bakery",
    }
    for n in range(6)
]
NOW = datetime(2027, 1, 1, tzinfo=UTC)


def populate() -> dict[str, Any]:
    from steward.vault import get_vault
    from steward.vault.models import Record
    from steward.vault.rules.intake import Submission
    from steward.vault.services import submit

    vault = get_vault()
    ids = []
    for person in PEOPLE:
        receipt = submit(vault, Submission("service_request", person))
        record = Record.objects.get(pk=receipt.reference)
        ids.append({"record": str(record.id), "subject": str(record.subject_id)})
    return {"people": ids}


def delete(erase: str, purge: str) -> dict[str, Any]:
    from steward.vault import get_vault
    from steward.vault.services import erase_subject, purge_records

    vault = get_vault()
    erased = erase_subject(vault, erase, reason="erasure request", actor=None, now=NOW)
    purged = purge_records(vault, [purge], reason="retention", actor=None, now=NOW, aggregate=True)
    return {"erased": erased.subjects, "purged": purged.records}


def check(erased_subject: str, erased_record: str, purged_record: str) -> dict[str, Any]:
    from steward.audit import verify_log
    from steward.vault import get_vault
    from steward.vault.models import (
        AccessCode,
        AggregateCount,
        AuditEntryRow,
        Consent,
        FieldValue,
        Record,
        Subject,
    )
    from steward.vault.services.collect import blind_index_for

    vault = get_vault()
    found = {}
    for n, person in enumerate(PEOPLE[:2]):
        for name in ("full_name", "email", "phone"):
            index = blind_index_for(vault, "service_request", name, person[name])
            found[f"{n}.{name}"] = FieldValue.objects.filter(blind_index=index).count()
    audit = b"\n".join(bytes(row.record) for row in AuditEntryRow.objects.all())
    values = [v for p in PEOPLE[:2] for k, v in p.items() if k not in {"district", "request_type"}]
    gone = [erased_record, purged_record]
    return {
        "found_by_index": found,
        "values_left": FieldValue.objects.filter(record_id__in=gone).count(),
        "clear_left": [Record.objects.get(id=r).clear_values for r in gone],
        "purged": [Record.objects.get(id=r).purged is not None for r in gone],
        "erased": Subject.objects.get(id=erased_subject).erased is not None,
        "access_code": AccessCode.objects.filter(subject_id=erased_subject).count(),
        "consents": Consent.objects.filter(record_id__in=gone).count(),
        "live_records": Record.objects.filter(purged__isnull=True).count(),
        "aggregated": sum(AggregateCount.objects.filter(field="").values_list("count", flat=True)),
        "audit_ok": verify_log(vault.audit.store).ok,
        "values_in_audit": [v for v in values if v.encode() in audit],
        "has_key": vault.keyring.has_key(erased_subject),
    }


def main() -> None:
    step, plan, keys, data_dir, url, *args = sys.argv[1:]
    from steward.cli.django_setup import setup_django

    setup_django(Path(plan), Path(keys), url or None, Path(data_dir) if data_dir else None)
    steps: dict[str, Callable[..., dict[str, Any]]] = {
        "populate": populate,
        "delete": delete,
        "check": check,
    }
    result = steps[step](*args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
