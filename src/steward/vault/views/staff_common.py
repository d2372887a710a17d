"""What every staff page shares: the sign-in gate, private responses and error pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, Concatenate, ParamSpec
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from steward.vault.audit_actions import AuditAction
from steward.vault.models import StaffMember
from steward.vault.runtime import get_vault
from steward.vault.services.accounts import (
    AccountError,
    access_ended,
    account_of,
    actor_from_request,
)
from steward.vault.services.acknowledgements import standing_of
from steward.vault.services.actors import Actor
from steward.vault.services.staff_sessions import record_refusal, staff_actor

P = ParamSpec("P")
StaffView = Callable[Concatenate[HttpRequest, Actor, P], HttpResponse]

LOGIN_URL = "/staff/login/"
HOME_URL = "/staff/"
PASSWORD_URL = "/staff/password/"  # noqa: S105 - a path
MFA_URL = "/staff/mfa/"
ACKNOWLEDGE_URL = "/staff/acknowledge/"


def private(response: HttpResponse) -> HttpResponse:
    """Forbid any cache from keeping ``response`` (staff pages show personal data)."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    actor: Actor | None = None,
) -> HttpResponse:
    """Render a staff template, never cached, with the actor's role for the navigation."""
    values = {"actor": actor, **(context or {})}
    return private(render(request, template, values, status=status))


def error_page(
    request: HttpRequest, status: int, title: str, reason: str, actor: Actor | None = None
) -> HttpResponse:
    """A plain error page with ``status``; ``reason`` must hold no personal data."""
    return page(
        request,
        "steward/staff/error.html",
        {"title": title, "reason": reason},
        status=status,
        actor=actor,
    )


def safe_next(request: HttpRequest, default: str = HOME_URL) -> str:
    """The ``next`` target if it is a path on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/staff/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def to_login(request: HttpRequest) -> HttpResponse:
    """Redirect to the sign-in page, coming back here afterwards."""
    return HttpResponseRedirect(f"{LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")


def current_staff(request: HttpRequest) -> tuple[StaffMember, Actor] | HttpResponse:
    """The signed-in staff account and its actor, or the response that refuses the request.

    Anyone not signed in is sent to sign in. An account that is not a staff account,
    whose temporary access has ended or whose role left the plan is signed out at
    once, and the refusal is audited.
    """
    if not request.user.is_authenticated:
        return to_login(request)
    member = account_of(request.user)
    if member is None:
        reason = "this account is not a staff account"
    elif access_ended(member):
        reason = "this account's temporary access has ended"
    else:
        try:
            return member, actor_from_request(request)
        except AccountError:
            reason = "this account's role is not a staff role of the plan"
    user_id = request.user.pk
    logout(request)
    record_refusal(get_vault(), staff_actor(int(user_id)), AuditAction.SESSION_REFUSED, reason)
    return error_page(request, 403, "Access refused", reason)


def missing_step(member: StaffMember, actor: Actor, next_url: str) -> HttpResponse | None:
    """The redirect to the first sign-in step still missing, or ``None``: a new password
    after a one-time password, then the second factor for roles that need it (coming back
    to ``next_url``)."""
    if member.must_change_password:
        return HttpResponseRedirect(PASSWORD_URL)
    if actor.role.mfa and not actor.mfa_verified:
        return HttpResponseRedirect(f"{MFA_URL}?{urlencode({'next': next_url})}")
    return None


def staff_page(view: StaffView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Let through only a signed-in staff member who may act now, as an :class:`Actor`.

    Anyone else is sent to sign in (see :func:`current_staff`); a new password,
    for roles that need it a second factor, and, when the plan asks for it, the
    acknowledgement of the plan text in force come first.
    """

    def gate(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        found = current_staff(request)
        if isinstance(found, HttpResponse):
            return found
        member, actor = found
        here = request.get_full_path()
        step = missing_step(member, actor, here)
        if step is None and standing_of(get_vault(), member.user_id).must_acknowledge:
            step = HttpResponseRedirect(f"{ACKNOWLEDGE_URL}?{urlencode({'next': here})}")
        if step is not None:
            return step
        return private(view(request, actor, *args, **kwargs))

    update_wrapper(gate, view)
    return gate
