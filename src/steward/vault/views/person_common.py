"""What every page of a person's own space (``/me/``) shares: the sign-in gate and
private responses.

A person signs in with their access code (:mod:`steward.vault.views.person_sign_in`);
their browser then holds a short session token in its own cookie, apart from staff
sessions. :func:`person_required` gives each view the person's actor (the plan's
self-service role, scope ``own``) or sends them back to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, Concatenate, Final, ParamSpec

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from steward import clock
from steward.vault.runtime import get_vault
from steward.vault.services.actors import Actor
from steward.vault.services.person_sessions import COOKIE_NAME, person_actor, session_subject

P = ParamSpec("P")
PersonView = Callable[Concatenate[HttpRequest, Actor, P], HttpResponse]

SIGN_IN_URL: Final = "/me/"
HOME_URL: Final = "/me/data/"
COOKIE_PATH: Final = "/me/"


def private(response: HttpResponse) -> HttpResponse:
    """Forbid any cache from keeping ``response`` (a person's own data)."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def person_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """Render a page of the person's own space, never cached."""
    return private(render(request, template, context or {}, status=status))


def client_address(request: HttpRequest) -> str:
    """The address a request came from (``REMOTE_ADDR``, which the server sets from the
    trusted proxy); used only as a keyed hash, to throttle wrong access codes."""
    return str(request.META.get("REMOTE_ADDR", ""))


def signed_in_person(request: HttpRequest) -> Actor | None:
    """The person signed in on this browser, or ``None``."""
    vault = get_vault()
    subject = session_subject(vault, request.COOKIES.get(COOKIE_NAME), clock.now())
    return person_actor(vault, subject) if subject is not None else None


def person_required(view: PersonView[P]) -> Callable[..., HttpResponse]:
    """Run ``view`` with the signed-in person's actor; without a live session, go to
    the sign-in page (the session may simply have expired)."""

    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        actor = signed_in_person(request)
        if actor is None:
            return private(HttpResponseRedirect(SIGN_IN_URL))
        return private(view(request, actor, *args, **kwargs))

    return update_wrapper(wrapped, view)
