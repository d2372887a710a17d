"""What an approved disclosure gives out: the payload (a JSON document of the released
fields of the released records), built only for an approved request and only to be
encrypted into a delivery.

The records are decrypted by :meth:`AccessService.disclosed_records`, which accepts
only an approved request and audits the read; nothing here writes the payload to disk
or keeps it.
"""

from __future__ import annotations

import json
from typing import Final

from steward import clock
from steward.vault.models_egress import DisclosureRequest
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessService
from steward.vault.services.actors import Actor

__all__ = ["PAYLOAD_FORMAT", "disclosure_payload"]

PAYLOAD_FORMAT: Final = "steward-disclosure/1"


def disclosure_payload(vault: Vault, disclosure: DisclosureRequest, *, actor: Actor) -> bytes:
    """The approved payload of ``disclosure``, as UTF-8 JSON::

        {"format", "request", "dataset", "fields", "rows", "ground", "legal_reference",
         "recipient", "party", "made_at"}

    ``rows`` holds one object per record given out (``id`` first, then each released
    field). Decrypted by :meth:`AccessService.disclosed_records` (audited).

    Raises:
        AccessDenied: the request is not approved (audited).
        AuditUnavailable: nothing is returned.
    """
    disclosed = AccessService(vault).disclosed_records(actor, disclosure)
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
