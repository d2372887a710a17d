"""Signing staff in and out, and the first change of a one-time password.

Sign-in goes through :func:`django.contrib.auth.authenticate`, so django-axes counts
failures; :mod:`steward.vault.services.sign_in_locks` decides the locks (the user name
after a few failures, the address after many). A locked sign-in is answered 429 with
what is locked and until when, without checking the password; the page is the same
whether or not the user name exists. Django gives the session a new id at sign-in.
Every sign-in, failure and sign-out is audited.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from steward.vault.audit_actions import AuditAction
from steward.vault.models import StaffMember
from steward.vault.rules.sign_in import SignInLock
from steward.vault.runtime import get_vault
from steward.vault.services.accounts import UnknownRole, access_ended, staff_role
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.sign_in_locks import lockout_policy, request_lock
from steward.vault.services.staff_sessions import (
    SESSION_OBJECT,
    login_actor,
    record_refusal,
    record_success,
    staff_actor,
)
from steward.vault.views.staff_common import (
    LOGIN_URL,
    MFA_URL,
    PASSWORD_URL,
    current_staff,
    error_page,
    page,
    safe_next,
)
from steward.vault.views.staff_forms import LoginForm

UNAUDITED = "The request was refused because it could not be audited. Try again later."
LOCKED_STATUS = 429


def _refusal_reason(user: User) -> str:
    """Why a user whose password is right still may not sign in, or ``""``."""
    member = StaffMember.objects.filter(user=user).first()
    if member is None:
        return "this account is not a staff account"
    if access_ended(member):
        return "this account's temporary access has ended"
    try:
        staff_role(get_vault().plan, member.role)
    except UnknownRole:
        return "this account's role is not a staff role of the plan"
    return ""


def _after_login(request: HttpRequest, user: User) -> str:
    """Where a freshly signed-in user goes: a new password, a second factor, or on."""
    member = StaffMember.objects.get(user=user)
    if member.must_change_password:
        return PASSWORD_URL
    if staff_role(get_vault().plan, member.role).mfa:
        return f"{MFA_URL}?{urlencode({'next': safe_next(request)})}"
    return safe_next(request)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """The sign-in form; on success, the next step of signing in."""
    form = LoginForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "next": safe_next(request)}
    if request.method != "POST":
        return page(request, "steward/staff/login.html", context)
    if not form.is_valid():
        return page(request, "steward/staff/login.html", context, status=400)
    vault = get_vault()
    username = form.cleaned_data["username"]
    lock = request_lock(request)
    if lock.locked:  # refused without trying the password, and not counted
        reason = "account locked" if lock.account_until else "address throttled"
        record_refusal(vault, login_actor(username), AuditAction.SESSION_LOGIN_FAILED, reason)
        return locked_page(request, lock)
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if user is None:
        record_refusal(
            vault, login_actor(username), AuditAction.SESSION_LOGIN_FAILED, "bad credentials"
        )
        lock = request_lock(request)
        if lock.locked:  # this failure reached a limit
            return locked_page(request, lock)
        context["error"] = "The user name or password is not right."
        return page(request, "steward/staff/login.html", context, status=401)
    account = user
    refusal = _refusal_reason(account)
    if refusal:
        record_refusal(vault, staff_actor(account.pk), AuditAction.SESSION_LOGIN_FAILED, refusal)
        return error_page(request, 403, "Sign-in refused", refusal)
    try:
        record_success(vault, staff_actor(account.pk), AuditAction.SESSION_LOGIN)
    except AuditUnavailable:
        return error_page(request, 503, "Sign-in refused", UNAUDITED)
    login(request, account)
    return HttpResponseRedirect(_after_login(request, account))


def locked_page(request: HttpRequest, lock: SignInLock) -> HttpResponse:
    """429: what is locked (the user name, the address or both) and until when (UTC).

    The same for a user name with no account, so the page tells nobody which exist.
    """
    policy = lockout_policy()
    context = {
        "account_until": _next_minute(lock.account_until),
        "address_until": _next_minute(lock.address_until),
        "account_limit": policy.account_failures,
        "address_limit": policy.address_failures,
        "minutes": int(policy.cool_off.total_seconds() // 60),
    }
    return page(request, "steward/staff/locked.html", context, status=LOCKED_STATUS)


def _next_minute(moment: datetime | None) -> datetime | None:
    """``moment`` rounded up to the minute, so the time shown is never too early."""
    if moment is None or (moment.second == 0 and moment.microsecond == 0):
        return moment
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, *_: Any
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: keep the sign-in view's own answer, which already says
    what is locked; without one, the locked page."""
    if isinstance(original_response, HttpResponse):
        return original_response
    return locked_page(request, request_lock(request))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so no link or image can sign anyone out)."""
    if request.user.is_authenticated:
        with suppress(AuditUnavailable):  # signing out is always allowed
            record_success(
                get_vault(), staff_actor(int(request.user.pk)), AuditAction.SESSION_LOGOUT
            )
    logout(request)
    messages.info(request, "You are signed out.")
    return HttpResponseRedirect(LOGIN_URL)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_view(request: HttpRequest) -> HttpResponse:
    """Change the password; required before anything else after a one-time password."""
    found = current_staff(request)
    if isinstance(found, HttpResponse):
        return found
    member, actor = found
    if not member.must_change_password and actor.role.mfa and not actor.mfa_verified:
        return HttpResponseRedirect(MFA_URL)
    user = cast(User, request.user)
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    context = {"form": form, "first": member.must_change_password}
    if request.method != "POST":
        return page(request, "steward/staff/password.html", context)
    if not form.is_valid():
        record_refusal(
            get_vault(), actor.ref, AuditAction.ACCOUNT_PASSWORD_CHANGE_FAILED, "form refused"
        )
        return page(request, "steward/staff/password.html", context, status=400)
    try:
        with transaction.atomic():
            form.save()
            member.must_change_password = False
            member.save(update_fields=["must_change_password"])
            audit(
                get_vault(),
                actor=actor.ref,
                action=AuditAction.ACCOUNT_PASSWORD_CHANGE,
                obj=SESSION_OBJECT,
            )
    except AuditUnavailable:
        return error_page(request, 503, "Password not changed", UNAUDITED)
    update_session_auth_hash(request, form.user)
    messages.success(request, "Your password is changed.")
    if actor.role.mfa and not actor.mfa_verified:
        return HttpResponseRedirect(MFA_URL)
    return HttpResponseRedirect(safe_next(request))
