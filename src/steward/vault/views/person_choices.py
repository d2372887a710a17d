"""A person's choices on their own page: withdraw a consent, agree to one later (privacy
settings), and erase their data or ask for it.

Every view acts as the signed-in person (:func:`person_required`); the services decide
by the plan and audit. Forms post with CSRF protection and work without JavaScript.
Refusals are shown on the page with a 4xx status, in plain words, never a value.
After an immediate erasure the person is signed out (their session and code are gone)
and shown a confirmation page.
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.vault.runtime import get_vault
from steward.vault.services.access import NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.consent_withdrawal import give as give_consent
from steward.vault.services.consent_withdrawal import withdraw as withdraw_consent
from steward.vault.services.own_choices import choices_of
from steward.vault.services.own_erasure import (
    ConfirmationNeeded,
    ErasureAlreadyAsked,
    erase_own,
    erasure_preview,
    open_erasure_request,
)
from steward.vault.services.own_records import ChoiceRefused
from steward.vault.services.person_sessions import COOKIE_NAME
from steward.vault.views.person_common import (
    COOKIE_PATH,
    HOME_URL,
    person_page,
    person_required,
)

CHOICES_TEMPLATE: Final = "steward/person/choices.html"
ERASE_TEMPLATE: Final = "steward/person/erase.html"
MAX_PURPOSE: Final = 63


def _choices_page(
    request: HttpRequest, actor: Actor, *, error: str = "", status: int = 200
) -> HttpResponse:
    vault = get_vault()
    context: dict[str, Any] = {
        "choices": choices_of(vault, actor),
        "rights": vault.plan.rights,
        "error": error,
        "home_url": HOME_URL,
    }
    return person_page(request, CHOICES_TEMPLATE, context, status=status)


def _purpose(request: HttpRequest) -> str:
    return str(request.POST.get("purpose", ""))[:MAX_PURPOSE]


@require_GET
@person_required
def choices(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The person's consents: each purpose, their answer, its history, and a button to
    withdraw or agree as the plan's rules allow."""
    return _choices_page(request, actor)


@require_POST
@person_required
def withdraw(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Withdraw one consent; back to the choices page, or the page with why not (403)."""
    try:
        withdraw_consent(get_vault(), actor, _purpose(request))
    except ChoiceRefused as refused:
        return _choices_page(request, actor, error=str(refused), status=403)
    messages.success(
        request,
        "Your consent is withdrawn. What was kept only for that purpose is deleted, "
        "and it is no longer used for it.",
    )
    return HttpResponseRedirect(reverse("me:choices"))


@require_POST
@person_required
def give(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Agree to one purpose now; back to the choices page, or the page with why not."""
    try:
        give_consent(get_vault(), actor, _purpose(request))
    except (ChoiceRefused, NotFound) as refused:
        return _choices_page(request, actor, error=str(refused), status=403)
    messages.success(request, "Your agreement is recorded. You can withdraw it at any time.")
    return HttpResponseRedirect(reverse("me:choices"))


def _erase_page(
    request: HttpRequest, actor: Actor, *, error: str = "", status: int = 200
) -> HttpResponse:
    vault = get_vault()
    context: dict[str, Any] = {
        "route": erasure_preview(vault, actor),
        "pending": open_erasure_request(actor),
        "rights": vault.plan.rights,
        "error": error,
        "home_url": HOME_URL,
    }
    return person_page(request, ERASE_TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
@person_required
def erase(request: HttpRequest, actor: Actor) -> HttpResponse:
    """GET: what erasure does and, when not immediate, what is kept, why and until when.
    POST (with the confirmation box ticked): erase now, or register the request."""
    if request.method == "GET":
        return _erase_page(request, actor)
    confirmed = request.POST.get("confirm") == "yes"
    try:
        outcome = erase_own(get_vault(), actor, confirmed)
    except ConfirmationNeeded as missing:
        return _erase_page(request, actor, error=str(missing), status=400)
    except ErasureAlreadyAsked as already:
        return _erase_page(request, actor, error=str(already), status=409)
    if outcome.immediate:
        response = person_page(request, "steward/person/erased.html", {})
        response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH)
        return response
    context = {"outcome": outcome, "home_url": HOME_URL}
    return person_page(request, "steward/person/erase_requested.html", context, status=202)
