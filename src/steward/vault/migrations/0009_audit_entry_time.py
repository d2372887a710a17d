"""Each audit entry's own time beside it, indexed, so a period's entries are found
without reading the whole log; the entries already written get theirs from their JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import migrations, models

BATCH = 2000


def _time_of(record: bytes) -> datetime | None:
    """The entry's time, as ``steward.vault.audit_store.time_of`` reads it (kept here so
    this migration does not change when that module does)."""
    try:
        value = json.loads(record)
        found = value.get("time") if isinstance(value, dict) else None
        moment = datetime.fromisoformat(found) if isinstance(found, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def fill_entry_times(apps: Any, schema_editor: Any) -> None:
    """Copy each existing entry's time into ``at`` (``None`` for bytes that are not an
    entry), in batches."""
    rows = apps.get_model("vault", "AuditEntryRow")
    changed = []
    for row in rows.objects.filter(at__isnull=True).only("id", "record").iterator(BATCH):
        row.at = _time_of(bytes(row.record))
        if row.at is not None:
            changed.append(row)
        if len(changed) >= BATCH:
            rows.objects.bulk_update(changed, ["at"])
            changed = []
    if changed:
        rows.objects.bulk_update(changed, ["at"])


class Migration(migrations.Migration):
    dependencies = [
        ("vault", "0008_plan_version_snapshot"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentryrow",
            name="at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(fill_entry_times, migrations.RunPython.noop, elidable=True),
    ]
