"""Handing a released extract to its outside recipient: an encrypted, expiring delivery.

An extract made for a recipient (not a staff role) leaves only this way: its sealed
rows are opened and given to :func:`~steward.vault.services.deliveries.create_delivery`,
encrypted to the recipient's public key from the plan (``recipients[].public_key``) or,
without one, under a passphrase returned once to be given out of band. The link lasts
until the extract expires, at most ``max_fetches`` fetches, each audited by the delivery
service. The sealed copy in the extract is then deleted, so the package is the only one.
"""

from __future__ import annotations

from uuid import UUID

from django.db import transaction

from steward import clock
from steward.vault.models_egress import Extract
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.deliveries import (
    NewDelivery,
    create_delivery,
    recipient_public_key,
)
from steward.vault.services.extracts import SEALED, open_sealed_rows, shown_manifest


def deliver_extract(
    vault: Vault, actor: Actor, extract_id: UUID | str, *, max_fetches: int = 3
) -> NewDelivery:
    """Deliver the released recipient extract ``extract_id``, made by ``actor``.

    Raises:
        NotFound: no such extract.
        AccessDenied: not made by the actor, made for a staff role, withheld, expired
            or delivered already.
        DeliveryError: the recipient's key or the fetch limit is not acceptable.
        AuditUnavailable: the delivery could not be audited; nothing changes.
    """
    try:
        key = extract_id if isinstance(extract_id, UUID) else UUID(str(extract_id))
        extract = Extract.objects.get(pk=key)
    except (ValueError, Extract.DoesNotExist):
        raise NotFound("no such extract") from None
    if actor.user_id is None or extract.made_by_id != actor.user_id:
        raise AccessDenied("only the person who made an extract delivers it")
    if not extract.recipient:
        raise AccessDenied("an extract for a staff role is downloaded, not delivered")
    now = clock.now()
    sealed = extract.manifest.get(SEALED)
    if extract.state != Extract.State.RELEASED or extract.expires is None or now >= extract.expires:
        raise AccessDenied("only a released extract that has not expired is delivered")
    if not isinstance(sealed, dict):
        raise AccessDenied("this extract was delivered already")
    content = open_sealed_rows(vault, extract.id, sealed)
    with transaction.atomic():
        made = create_delivery(
            vault,
            actor=actor.ref,
            payload=content,
            filename=f"extract-{extract.dataset}-{extract.id}.csv",
            context=f"extract/{extract.id}",
            expires_after=extract.expires - now,
            public_key_text=recipient_public_key(vault, extract.recipient),
            extract=extract,
            max_fetches=max_fetches,
        )
        extract.manifest = shown_manifest(extract)
        extract.save(update_fields=["manifest"])
    return made
