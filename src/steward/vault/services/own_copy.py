"""A person's copy of their own data: a machine-readable download, JSON or CSV.

The copy holds what the person's own page shows: each record (reference, form, when it
was received, its status) with every field their role reads, in clear, with its label
and the labels of the purposes it serves; the labels of the staff-only fields (never
their values); every consent answer (given, withdrawn, by a guardian); and the rights
requests. Taking it is registered as a done ``export`` request and audited
``own.export`` in the same transaction; a plan with ``rights.export: false`` refuses it.

**JSON** (``application/json``): one object::

    {"format": "steward-own-copy/1", "made": "<ISO time>", "organization": "...",
     "records": [{"reference", "dataset", "dataset_label", "received", "status",
                  "fields": [{"field", "label", "value", "purposes": [labels],
                              "unreadable"}],
                  "staff_only_fields": [labels]}],
     "consents": [{"record", "purpose", "label", "answer": "yes"|"no", "given",
                   "withdrawn", "by_guardian"}],
     "requests": [{"kind", "field", "received", "due", "status", "decision"}]}

**CSV** (``text/csv``, UTF-8, a header row): one table whose first column, ``section``,
says what each row is. ``field`` rows: one per field value (``record`` reference,
``dataset``, ``field``, ``label``, ``value``, ``purposes`` joined with ``"; "``).
``consent`` rows: one per consent answer (``record``, ``field`` = the purpose id,
``label`` = the purpose's label, ``value`` = ``yes`` or ``no``, and ``given``,
``withdrawn``, ``by_guardian``). Unused columns are empty. A value that a spreadsheet
would run as a formula (starting with ``=``, ``@``, a tab or a carriage return, or
``+``/``-`` followed by something other than a number) is written with a leading
``'``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from django.db import transaction

from steward import clock
from steward.vault.audit_actions import AuditAction
from steward.vault.models import RightsRequest
from steward.vault.rules.own_rights import may_copy
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.own_data import read_records, refuse, subject_of
from steward.vault.services.own_history import consent_history, requests_of
from steward.vault.services.rights_register import register

FORMAT: Final = "steward-own-copy/1"
CSV_COLUMNS: Final = (
    "section", "record", "dataset", "field", "label", "value", "purposes", "given",
    "withdrawn", "by_guardian",
)  # fmt: skip
_NUMBERISH: Final = re.compile(r"[+-][0-9 ().-]*")


class CopyFormat(StrEnum):
    """The formats of a person's copy."""

    JSON = "json"
    CSV = "csv"


@dataclass(frozen=True)
class OwnCopy:
    """A copy ready to download."""

    filename: str
    content_type: str
    body: bytes


def copy(vault: Vault, actor: Actor, fmt: CopyFormat | str) -> OwnCopy:
    """The person's copy in ``fmt`` (``json`` or ``csv``), registered and audited.

    Raises:
        ValueError: ``fmt`` is not a known format (checked before anything is read).
        OwnDataRefused: the plan does not offer copies (audited).
        AuditUnavailable: the copy could not be audited; nothing is returned.
    """
    kind = CopyFormat(fmt)
    subject = subject_of(actor)
    target = f"subject/{subject}"
    if not may_copy(vault.plan):
        refuse(vault, actor, AuditAction.OWN_EXPORT, target,
               "this organization does not offer a copy of your data")  # fmt: skip
    now = clock.now()
    with transaction.atomic():
        own = read_records(vault, actor)
        register(vault.plan, subject, RightsRequest.Kind.EXPORT, now=now, done=True,
                 decision=f"copy taken ({kind.value})")  # fmt: skip
        data = _content(vault, subject, own, now)
        fields = sorted({v.name for r in own for v in r.values})
        audit(vault, actor=actor.ref, action=AuditAction.OWN_EXPORT, obj=target,
              fields=fields, purpose=kind.value)  # fmt: skip
    stamp = now.strftime("%Y%m%d")
    if kind is CopyFormat.JSON:
        body = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
        return OwnCopy(f"my-data-{stamp}.json", "application/json", body)
    return OwnCopy(f"my-data-{stamp}.csv", "text/csv; charset=utf-8", _csv(data))


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _content(vault: Vault, subject: Any, own: list[Any], now: datetime) -> dict[str, Any]:
    plan = vault.plan
    purposes = {p.id: p.label for p in plan.purposes}
    records = []
    for record in own:
        dataset = record.dataset
        records.append(
            {
                "reference": str(record.id),
                "dataset": dataset.id,
                "dataset_label": dataset.label,
                "received": _when(record.created),
                "status": record.status,
                "fields": [
                    {
                        "field": value.name,
                        "label": value.label,
                        "value": value.value,
                        "purposes": [
                            purposes.get(p, p) for p in dataset.field(value.name).purposes
                        ],
                        "unreadable": value.unreadable,
                    }
                    for value in record.values
                ],
                "staff_only_fields": [dataset.field(n).label for n in record.hidden],
            }
        )
    return {
        "format": FORMAT,
        "made": now.isoformat(),
        "organization": plan.organization.name,
        "records": records,
        "consents": [
            {
                "record": str(c.record),
                "purpose": c.purpose,
                "label": c.label,
                "answer": "yes" if c.granted else "no",
                "given": _when(c.given),
                "withdrawn": _when(c.withdrawn),
                "by_guardian": c.by_guardian,
            }
            for c in consent_history(plan, subject)
        ],
        "requests": [
            {
                "kind": r.kind,
                "field": r.field,
                "received": _when(r.received),
                "due": _when(r.due),
                "status": r.status,
                "decision": r.decision,
            }
            for r in requests_of(plan, subject)
        ],
    }


def _cell(text: str) -> str:
    """``text`` made safe for spreadsheets (see the module)."""
    if not text:
        return text
    if text[0] in "=@\t\r" or (text[0] in "+-" and not _NUMBERISH.fullmatch(text)):
        return "'" + text
    return text


def _csv(data: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in data["records"]:
        for value in record["fields"]:
            writer.writerow(
                [
                    "field", record["reference"], record["dataset"], value["field"],
                    _cell(value["label"]), _cell(value["value"]),
                    _cell("; ".join(value["purposes"])), "", "", "",
                ]
            )  # fmt: skip
    for consent in data["consents"]:
        writer.writerow(
            [
                "consent", consent["record"], "", consent["purpose"], _cell(consent["label"]),
                consent["answer"], "", consent["given"] or "", consent["withdrawn"] or "",
                "yes" if consent["by_guardian"] else "no",
            ]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


__all__ = ["CSV_COLUMNS", "FORMAT", "CopyFormat", "OwnCopy", "copy"]
