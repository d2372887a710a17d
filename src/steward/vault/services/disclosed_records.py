"""The one way identified records leave the vault in clear: the released fields of the
released records of an approved disclosure, decrypted for its encrypted delivery
(:mod:`steward.vault.services.disclosure_delivery`)."""

from __future__ import annotations

from django.db import transaction

from steward.policy.model import Dataset, Grant, LegalGround
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record
from steward.vault.models_egress import DisclosureRequest
from steward.vault.rules.own_choices import served_fields
from steward.vault.runtime import Vault
from steward.vault.services.access import NotFound, refuse_audited
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.consents import consent_states_of
from steward.vault.services.dataset_views import Export
from steward.vault.services.record_views import decrypt_row, load_ciphertexts

__all__ = ["disclosed_records"]


def _dataset(vault: Vault, dataset_id: str) -> Dataset:
    try:
        return vault.plan.dataset(dataset_id)
    except KeyError:
        raise NotFound(f"there is no dataset '{dataset_id}'") from None


def disclosed_records(vault: Vault, actor: Actor, disclosure: DisclosureRequest) -> Export:
    """The released fields of the released records of an approved disclosure,
    decrypted: the only way identified records leave in clear, and only into the
    encrypted delivery (:mod:`steward.vault.services.disclosure_delivery`).

    On consent, a value goes out only while the person still agrees to a purpose
    the recipient receives that the field serves
    (:func:`~steward.vault.rules.own_choices.served_fields`); a record serving none
    is left out. On a legal order every released value goes out. An erased or
    unreadable value is given as its marker (``[erased]``), never its content.

    Raises:
        AccessDenied: the request is not approved (audited).
        NotFound: the request's dataset is no longer in the plan.
        AuditUnavailable: nothing is returned.
    """
    target = f"disclosure/{disclosure.id}"
    if disclosure.state != DisclosureRequest.State.APPROVED:
        refuse_audited(vault, actor, AuditAction.DATASET_EXPORT, target, [],
                       "only an approved disclosure gives out records")  # fmt: skip
    dataset = _dataset(vault, disclosure.dataset)
    fields = [f for f in dataset.collected_fields if f.name in disclosure.fields_released]
    grant = _consented_grant(vault, disclosure)
    with transaction.atomic():
        rows = list(
            Record.objects.filter(
                disclosure_items__disclosure=disclosure, disclosure_items__released=True
            ).order_by("created", "id")
        )
        states = consent_states_of(rows)
        values = load_ciphertexts(rows, fields)
        out = []
        with vault.keyring.one_state_read():
            for row in rows:
                served = fields
                if grant is not None:
                    served = served_fields(vault.plan, grant, fields, states[row.id])
                if not served:
                    continue
                clear = decrypt_row(vault.keyring, row, dataset, served, values, all_fields=True)
                out.append({"id": str(row.id), **{f.name: clear.get(f.name, "") for f in fields}})
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.DATASET_EXPORT,
            obj=target,
            fields=[f.name for f in fields],
            purpose=f"disclosure on {disclosure.ground}",
        )
    return Export(dataset.id, tuple(f.name for f in fields), tuple(out))


def _consented_grant(vault: Vault, disclosure: DisclosureRequest) -> Grant | None:
    """On consent, the recipient's purposes (what each person must still agree to);
    ``None`` on any other ground."""
    if disclosure.ground != LegalGround.CONSENT.value:
        return None
    recipient = next((r for r in vault.plan.recipients if r.id == disclosure.recipient), None)
    return Grant(purposes=list(recipient.purposes) if recipient else [])
