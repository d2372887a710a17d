"""Shared helpers of the API tests: a URL map with only the API, a case with distinctive
values, tokens and signed-in staff sessions. (No tests here.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.urls import path
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from steward.vault.api.router import api
from steward.vault.models import Record, StaffMember
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault
from steward.vault.services.collect import submit
from steward.vault.services.tokens import create_token
from tests.vault.test_staff_support import acknowledge_plan

urlpatterns = [path("api/", api.urls)]
URLS = __name__

VALUES = {
    "full_name": "Zebulon Quartermaine",
    "email": "zq@example.org",
    "phone": "555 867 5309",
    "street_address": "77 Sycamore Boulevard",
    "district": "Downtown",
    "request_type": "graffiti",
    "age_band": "45-64",
    "details": "Xylophone-shaped mural painted over the bakery door",
}
"""Distinctive answers: none of them appears in a response unless it is shown."""

SHORT = frozenset({"district", "request_type", "age_band"})
"""Choice values, too short to search for inside other strings: matched whole."""


def make_case(vault: Vault, team: str = "north", assigned: User | None = None) -> Record:
    """A service request with :data:`VALUES`, in ``team``, assigned to ``assigned``."""
    receipt = submit(vault, Submission("service_request", VALUES))
    record = Record.objects.get(pk=receipt.reference)
    record.team = team
    record.assigned_to = assigned
    record.save()
    return record


def token_for(vault: Vault, role: str, team: str = "north", **kwargs: Any) -> str:
    """A new service token of ``role``."""
    name = kwargs.pop("name", f"{role}-{team or 'none'}")
    return create_token(vault, name, role, team=team, **kwargs).token


def bearer(token: str) -> dict[str, str]:
    """The request headers that carry ``token``."""
    return {"Authorization": f"Bearer {token}"}


def staff_user(username: str, role: str, team: str = "north", *, acknowledged: bool = True) -> User:
    """A staff account that has changed its one-time password and, when ``acknowledged``,
    acknowledged the plan text in force."""
    user = User.objects.create_user(username, password="correct horse battery staple 9")
    StaffMember.objects.create(user=user, role=role, team=team, must_change_password=False)
    if acknowledged:
        acknowledge_plan(user, role)
    return user


def signed_in(user: User, *, verified: bool = True) -> Client:
    """A client signed in as ``user``, through a second factor when ``verified``."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def strings(body: bytes) -> Iterator[str]:
    """Every string in a JSON body, keys and values; the raw text if it is not JSON."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        yield body.decode("utf-8", "replace")
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def leaked(body: bytes, fields: set[str] | frozenset[str]) -> set[str]:
    """Which of ``fields`` have their clear value in ``body``."""
    found = set()
    texts = list(strings(body))
    for name in fields:
        value = VALUES.get(name)
        if value is None:
            continue
        if name in SHORT:
            hit = any(t == value for t in texts)
        else:
            hit = any(value in t for t in texts) or value.encode() in body
        if hit:
            found.add(name)
    return found
