"""Helpers for the staff-page tests: accounts, TOTP codes and signing in through the pages.

(No tests here; the module name keeps it beside the staff tests.)
"""

from __future__ import annotations

import re
import time
from datetime import datetime

from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from steward.clock import now
from steward.vault.models import PlanAcknowledgement, Record, StaffMember
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault, get_vault
from steward.vault.services.accounts import create_account
from steward.vault.services.collect import submit

PASSWORD = "correct horse battery staple 42"

DISTINCT = {
    "full_name": "Zephyrine Quockenbush",
    "email": "zephyrine.q@example.org",
    "phone": "555 013 7742",
    "street_address": "77 Wobblewick Lane",
    "district": "North",
    "request_type": "streetlight",
    "details": "Flickering lamp near the Quillfeather bakery",
    "age_band": "30-44",
}
"""A record whose personal values appear nowhere else, so a response holding one leaked it."""

SECRETS = {
    "full_name": ("Zephyrine", "Quockenbush"),
    "email": ("zephyrine.q",),
    "phone": ("555 013 7742", "0137742"),
    "street_address": ("Wobblewick",),
    "details": ("Quillfeather", "Flickering lamp"),
    "age_band": (),  # a short value: matched as a whole word in leaked()
}
"""Distinctive pieces of each personal value (masks keep at most a first letter)."""

_AGE_BAND = re.compile(r"(?<![0-9A-Za-z])30-44(?![0-9A-Za-z])")


def leaked(text: str) -> set[str]:
    """The fields of ``DISTINCT`` whose clear value appears in ``text``."""
    found = {name for name, pieces in SECRETS.items() if any(p in text for p in pieces)}
    if _AGE_BAND.search(text):
        found.add("age_band")
    return found


def add_case(vault: Vault, answers: dict[str, str] | None = None, **facts: object) -> Record:
    """A stored service request, with ``facts`` (team, assigned_to) set on its record."""
    receipt = submit(vault, Submission("service_request", answers or DISTINCT))
    record = Record.objects.get(pk=receipt.reference)
    for name, value in facts.items():
        setattr(record, name, value)
    record.save()
    return record


def make_staff(
    vault: Vault,
    username: str,
    role: str,
    *,
    team: str = "",
    access_until: datetime | None = None,
    ready: bool = True,
    acknowledged: bool | None = None,
) -> tuple[User, str]:
    """A staff account; ``ready`` gives it ``PASSWORD`` with no change required and, unless
    ``acknowledged`` says otherwise, an acknowledgement of the plan text in force."""
    new = create_account(vault, username, role, team=team, access_until=access_until)
    user = User.objects.get(username=username)
    if acknowledged if acknowledged is not None else ready:
        acknowledge_plan(user, role, vault)
    if not ready:
        return user, new.password
    user.set_password(PASSWORD)
    user.save()
    StaffMember.objects.filter(user=user).update(must_change_password=False)
    return user, PASSWORD


def acknowledge_plan(user: User, role: str, vault: Vault | None = None) -> None:
    """Record that ``user`` acknowledged the plan text in force (no audit entry: a fixture)."""
    vault = vault or get_vault()
    PlanAcknowledgement.objects.get_or_create(
        user=user,
        plan_id=vault.plan_version_id(),
        defaults={"role": role, "acknowledged": now()},
    )


def code_for(device: TOTPDevice, *, drift: int = 0) -> str:
    """The device's current six-digit code, computed as an authenticator app would."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def login(client: Client, username: str, password: str = PASSWORD, **extra: str):
    """POST the sign-in form."""
    return client.post("/staff/login/", {"username": username, "password": password, **extra})


def pass_mfa(client: Client, user: User):
    """Complete the second factor: enroll if needed, then send the current code."""
    client.get("/staff/mfa/")
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed").first()
    assert device is not None
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return client.post("/staff/mfa/", {"code": code_for(device)})


def signed_in(vault: Vault, username: str, role: str, **kwargs: object) -> tuple[Client, User]:
    """A client signed in (password and second factor) as a new ``role`` account."""
    user, password = make_staff(vault, username, role, **kwargs)  # type: ignore[arg-type]
    client = Client()
    response = login(client, username, password)
    assert response.status_code == 302, response.content
    response = pass_mfa(client, user)
    assert response.status_code == 302, response.content
    return client, user


def body(response) -> str:
    """The response body as text (streaming or not)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return str(response.content.decode("utf-8", "replace"))
