"""A staff member acting from the command line: their own user name, password and, for
roles that need one, a second-factor code, checked like the sign-in page checks them.

Commands where *who* acts matters (an erasure asked for by one person and approved by
another) use this instead of the command line's generic actor, so a second person is
really needed: each step needs that person's own password (and code).
"""

from __future__ import annotations

from typing import Final

from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from steward.vault.audit_actions import AuditAction
from steward.vault.models import StaffMember
from steward.vault.rules.acknowledgement import acknowledgement_refusal
from steward.vault.runtime import Vault
from steward.vault.services.accounts import AccountError, access_ended, staff_role
from steward.vault.services.acknowledgements import standing_of
from steward.vault.services.actors import Actor
from steward.vault.services.staff_sessions import login_actor, record_refusal, staff_actor

NOT_SIGNED_IN: Final = "the user name or password is wrong"
"""Said the same way whether the account exists or the password is wrong."""


def actor_by_password(vault: Vault, username: str, password: str, code: str = "") -> Actor:
    """The staff member ``username`` as an actor, if ``password`` (and, for a role that
    needs a second factor, the current ``code`` of their authenticator) is theirs.

    Refusals are audited as failed sign-ins (``session.login_failed``), without the
    typed values.

    Raises:
        AccountError: wrong user name or password, a disabled account or one whose
            access ended, a one-time password not yet changed, a plan not acknowledged,
            a role the plan no longer has, or a missing or wrong second-factor code.
    """
    member = (
        StaffMember.objects.select_related("user").filter(user__username=username.strip()).first()
    )
    user: User | None = member.user if member else None
    if member is None or user is None or not user.is_active or not user.check_password(password):
        _refuse(vault, login_actor(username), "command line: wrong user name or password")
        raise AccountError(NOT_SIGNED_IN)
    who = staff_actor(user.id)
    if access_ended(member):
        _refuse(vault, who, "command line: access ended")
        raise AccountError("this account's temporary access has ended")
    if member.must_change_password:
        raise AccountError("change your one-time password first: sign in at /staff/")
    refusal = acknowledgement_refusal(standing_of(vault, user.id))
    if refusal:
        raise AccountError(refusal)
    role = staff_role(vault.plan, member.role)
    verified = False
    if role.mfa:
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        if not devices:
            raise AccountError("this role needs a second factor: enrol one at /staff/mfa/ first")
        verified = bool(code.strip()) and any(d.verify_token(code.strip()) for d in devices)
        if not verified:
            _refuse(vault, who, "command line: wrong second-factor code")
            raise AccountError("the second-factor code is missing or wrong")
    return Actor(
        ref=who,
        role=role,
        user_id=user.id,
        team=member.team,
        mfa_verified=verified,
        access_until=member.access_until,
    )


def _refuse(vault: Vault, actor: str, reason: str) -> None:
    record_refusal(vault, actor, AuditAction.SESSION_LOGIN_FAILED, reason)
