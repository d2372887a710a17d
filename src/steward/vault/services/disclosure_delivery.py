"""What an approved disclosure gives out: the payload (a JSON document of the released
fields of the released records), built only for an approved request and only to be
encrypted into a delivery (:func:`deliver_disclosure`).

The records are decrypted by
:func:`~steward.vault.services.disclosed_records.disclosed_records`, which accepts only
an approved request and audits the read; nothing here writes the payload to disk
or keeps it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.vault.audit_actions import AuditAction
from steward.vault.models_egress import DisclosureRequest
from steward.vault.rules.disclosure import DisclosureStep, decide_step
from steward.vault.runtime import Vault
from steward.vault.services.access import InvalidValue
from steward.vault.services.actors import Actor
from steward.vault.services.deliveries import create_delivery, recipient_public_key
from steward.vault.services.disclosed_records import disclosed_records
from steward.vault.services.disclosure_register import (
    DisclosureView,
    deny_audited,
    load_request,
    pending_of,
    save_decided,
    view_of,
)
from steward.vault.services.disclosures import standing_of

__all__ = ["PAYLOAD_FORMAT", "DeliveredDisclosure", "deliver_disclosure", "disclosure_payload"]

PAYLOAD_FORMAT: Final = "steward-disclosure/1"


def disclosure_payload(vault: Vault, disclosure: DisclosureRequest, *, actor: Actor) -> bytes:
    """The approved payload of ``disclosure``, as UTF-8 JSON::

        {"format", "request", "dataset", "fields", "rows", "ground", "legal_reference",
         "recipient", "party", "made_at"}

    ``rows`` holds one object per record given out (``id`` first, then each released
    field). Decrypted by
    :func:`~steward.vault.services.disclosed_records.disclosed_records` (audited).

    Raises:
        AccessDenied: the request is not approved (audited).
        AuditUnavailable: nothing is returned.
    """
    disclosed = disclosed_records(vault, actor, disclosure)
    document = {
        "format": PAYLOAD_FORMAT,
        "request": str(disclosure.id),
        "dataset": disclosed.dataset,
        "fields": list(disclosed.fields),
        "rows": list(disclosed.rows),
        "ground": disclosure.ground,
        "legal_reference": disclosure.legal_reference,
        "recipient": disclosure.recipient,
        "party": disclosure.party,
        "made_at": clock.now().isoformat(),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


@dataclass(frozen=True)
class DeliveredDisclosure:
    """A disclosure just delivered. ``path`` (the link) and ``passphrase`` are the only
    copies: give the link to the recipient, and the passphrase (``None`` when the package
    is encrypted to the recipient's public key) by another channel, once."""

    disclosure: DisclosureView
    path: str
    passphrase: str | None
    method: str
    expires: datetime


def _objections(
    found: DisclosureRequest, drop: Sequence[str], confirm: Mapping[str, str]
) -> tuple[list[str], int]:
    """The records to drop, and how many objections stay undecided.

    Raises:
        InvalidValue: a confirmation without its reason, or a record not objected to.
    """
    objected = {
        str(r)
        for r in found.items.filter(released=True, objected__isnull=False).values_list(
            "record_id", flat=True
        )
    }
    for record, reason in confirm.items():
        if record not in objected:
            raise InvalidValue("only a record whose person objected is confirmed")
        if not " ".join(reason.split()):
            raise InvalidValue("say why an objection is overruled: the reason is kept")
    dropped = [r for r in drop if r in objected or found.items.filter(record_id=r).exists()]
    undecided = len(objected - set(dropped) - set(confirm))
    return dropped, undecided


def deliver_disclosure(
    vault: Vault,
    actor: Actor,
    disclosure_id: UUID | str,
    *,
    drop: Sequence[str] = (),
    confirm: Mapping[str, str] | None = None,
    max_fetches: int = 3,
) -> DeliveredDisclosure:
    """Deliver an approved disclosure: build its payload and encrypt it into a delivery
    (:func:`~steward.vault.services.deliveries.create_delivery`) to the plan recipient's
    public key when it has one, else under a passphrase returned once; the request is
    then ``delivered``. Only an approver (not the requester when the plan needs a second
    person), only once ``deliver_after`` is past, and only when every objection of a
    person is decided: their record dropped (``drop``) or kept with a reason
    (``confirm``: case reference -> reason). Everything is one transaction.

    Raises:
        NotFound: no such request.
        InvalidValue: a confirmation without a reason, every record dropped.
        AccessDenied: the rule refuses (not approved, too early, objections undecided,
            the requester delivering; audited).
        DeliveryError: the recipient's key or the delivery's terms are not usable.
        AuditUnavailable: nothing was delivered.
    """
    confirmed = dict(confirm or {})
    now = clock.now()
    with transaction.atomic():
        found = load_request(disclosure_id, lock=True)
        target = f"disclosure/{found.id}"
        dropped, undecided = _objections(found, [str(d).strip() for d in drop], confirmed)
        pending = replace(pending_of(found), objections_open=undecided)
        allowed = decide_step(
            vault.plan, standing_of(actor), DisclosureStep.DELIVER, pending, now=now
        )
        if allowed:
            if dropped:
                found.items.filter(record_id__in=dropped).update(released=False)
                found.compliance = DisclosureRequest.Compliance.PARTIAL
            if not found.items.filter(released=True).exists():
                raise InvalidValue("every record was dropped: refuse the request instead")
            made = create_delivery(
                vault,
                actor=actor.ref,
                payload=disclosure_payload(vault, found, actor=actor),
                filename=f"disclosure-{found.id}.json",
                context=target,
                expires_after=None,
                public_key_text=recipient_public_key(vault, found.recipient),
                disclosure=found,
                max_fetches=max_fetches,
            )
            found.state = DisclosureRequest.State.DELIVERED
            found.delivered_at = now
            if confirmed:
                kept = "; ".join(" ".join(r.split()) for r in confirmed.values())
                found.decision = f"{found.decision} (objections overruled: {kept})".strip()
            save_decided(
                vault,
                actor,
                found,
                f"deliver: {found.compliance}; {len(dropped)} dropped, "
                f"{len(confirmed)} objection(s) overruled",
            )
    if not allowed:
        deny_audited(vault, actor, AuditAction.DISCLOSURE_DECIDE, target, allowed.reason)
    return DeliveredDisclosure(
        view_of(found), made.path, made.passphrase, made.delivery.method, made.delivery.expires
    )
