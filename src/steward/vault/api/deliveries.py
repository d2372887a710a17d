"""API route of deliveries: a recipient's tool fetches an encrypted package.

``POST /api/deliveries/{token}`` needs no credentials other than the link's token,
the secret the recipient was given: the answer is the package itself, encrypted to the
recipient's key or under a passphrase given out of band, so the route hands out
nothing readable. It is a POST, so that link previewers and caches never use up a
fetch. Each call counts as one of the delivery's fetches and is audited, as is every
refusal (404: no delivery has this token; 410: expired or fetched as often as allowed).
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Path, Router
from ninja.responses import Status

from steward.vault.api.schemas import ErrorOut, ProblemsOut
from steward.vault.runtime import get_vault
from steward.vault.services.deliveries import DeliveryGone, DeliveryNotFound, fetch_delivery

router = Router(tags=["deliveries"])

PACKAGE_TYPE = "application/octet-stream"
Token = Annotated[
    str,
    Path(
        description="The token of the delivery link (the part after /deliveries/)",
        pattern=r"^[A-Za-z0-9_-]{1,200}$",
    ),
]


@router.post(
    "/deliveries/{token}",
    auth=None,
    response={200: None, 404: ErrorOut, 410: ErrorOut, 422: ProblemsOut, 503: ErrorOut},
    summary="Fetch an encrypted delivery package (the token is the credential)",
    operation_id="fetchDelivery",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the encrypted package, as an attachment; its SHA-256 is in "
                "the X-Content-SHA256 header",
                "content": {PACKAGE_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def fetch(request: HttpRequest, token: Token) -> HttpResponse | Status[ErrorOut]:
    """The encrypted package behind a delivery link, counting one fetch (audited).

    Open it with ``steward delivery open``. 404: no delivery has this token. 410: it
    expired or was fetched as many times as allowed. 422: not a token's shape. 503: the
    fetch could not be audited; nothing was handed out or counted.
    """
    try:
        fetched = fetch_delivery(get_vault(), token)
    except DeliveryNotFound as missing:
        return Status(404, ErrorOut(detail=str(missing)))
    except DeliveryGone as gone:
        return Status(410, ErrorOut(detail=str(gone)))
    response = HttpResponse(fetched.package, content_type=PACKAGE_TYPE)
    disposition = content_disposition_header(True, fetched.filename)
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-SHA256"] = fetched.sha256
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
