"""The person's "Disclosures of your data" page (``/me/notices/``): the notices they
were sent (to whom, on what ground and reference, which fields, when, and until when
they may object), and an "Object" form on each while objection is open.

Every view acts as the signed-in person (:func:`person_required`); the services decide
and audit (:mod:`steward.vault.services.own_notices`). Refusals are shown on the page
with a 4xx status in plain words: 404 for a notice that is not theirs, 409 when
objection is closed, 400 for a missing or too long reason. Forms post with CSRF
protection and work without JavaScript.
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from steward.vault.rules.disclosure_notice import MAX_REASON
from steward.vault.runtime import get_vault
from steward.vault.services.access import InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.own_notices import ObjectionClosed, object_to, own_notices
from steward.vault.views.person_common import HOME_URL, person_page, person_required

NOTICES_TEMPLATE: Final = "steward/person/notices.html"
MAX_POSTED: Final = MAX_REASON * 2
"""Longer text is cut before the rule sees it (and refused as too long)."""


def _notices_page(
    request: HttpRequest, actor: Actor, *, error: str = "", status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "notices": own_notices(get_vault(), actor),
        "error": error,
        "home_url": HOME_URL,
        "max_reason": MAX_REASON,
    }
    return person_page(request, NOTICES_TEMPLATE, context, status=status)


@require_GET
@person_required
def notices(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The disclosures of the person's data they were told of (held notices never show)."""
    return _notices_page(request, actor)


@require_POST
@person_required
def object_notice(request: HttpRequest, actor: Actor, notice_id: int) -> HttpResponse:
    """Object to one disclosure with a reason; back to the page, or the page with why not."""
    reason = str(request.POST.get("reason", ""))[:MAX_POSTED]
    try:
        object_to(get_vault(), actor, notice_id, reason)
    except NotFound as missing:
        return _notices_page(request, actor, error=str(missing), status=404)
    except ObjectionClosed as closed:
        return _notices_page(request, actor, error=str(closed), status=409)
    except InvalidValue as bad:
        return _notices_page(request, actor, error=str(bad), status=400)
    messages.success(
        request,
        "Your objection is recorded. Your data is not delivered before someone at the "
        "organization has answered it; you will see the answer under your requests.",
    )
    return HttpResponseRedirect(reverse("me:notices"))
