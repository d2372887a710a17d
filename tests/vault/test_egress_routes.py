"""No cleartext leaves by a route nobody meant: every page and API route of the server,
called by every kind of caller, with GET and with an empty POST.

The routes are read from the server's own URL map, so a route added later is crawled
without changing this test. A person's values may appear only on their own pages and
API (``/me/``, ``/api/me``); every other answer, to anyone (anonymous, every staff
role by session and by token, another person with their code), holds none of them.
The deliberate ways out (reveal with a reason, a disclosure, an extract, an aggregate
release) all need a body with a reason or an approval, which these calls never carry.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from steward import clock
from steward.vault.models import Record
from steward.vault.runtime import Vault
from steward.vault.services.person_sessions import COOKIE_NAME, start_session
from tests.vault.own_data_support import OTHER, person
from tests.vault.test_api_support import bearer, token_for
from tests.vault.test_staff_support import DISTINCT, leaked, signed_in

PERSONAL = frozenset(DISTINCT) - {"district", "request_type", "age_band"}
"""The personal fields whose values are distinctive enough to search for in any page
(the age band is also one of the form's choices, so it is not searched for)."""

OWN_ROUTES = re.compile(r"^(me/|api/me($|/))")
SKIPPED = re.compile(r"(logout|sign-out)/?$")
"""Routes that end the caller's own session: crawled by the tests that own them."""


def routes() -> list[str]:
    """Every route of the server's URL map, with its converters (``records/<uuid:...>``)."""

    def walk(resolver: URLResolver, prefix: str) -> Iterator[str]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver("steward.server.urls"), "")))


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def filled(route: str, record: Record) -> str:
    """``route`` with each parameter given a value that reaches the case where it can."""

    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if name in {"dataset", "dataset_id"}:
            return record.dataset
        if name == "field":
            return "full_name"
        if name == "purpose":
            return "service_updates"
        if converter == "int":
            return "1"
        if name == "record_id" or converter == "uuid":
            return str(record.id)
        return str(uuid.uuid4())

    return "/" + _PARAM.sub(value, route)


@dataclass(frozen=True)
class Caller:
    label: str
    role: str = ""
    token: bool = False
    person: bool = False


CALLERS = [
    Caller("anonymous"),
    Caller("another person", person=True),
    *(Caller(f"session {r}", role=r) for r in ("caseworker", "supervisor", "privacy_officer")),
    Caller("session analyst", role="analyst"),
    Caller("session oversight_board", role="oversight_board"),
    *(
        Caller(f"token {r}", role=r, token=True)
        for r in ("caseworker", "supervisor", "privacy_officer", "analyst")
    ),
]


def client_for(vault: Vault, caller: Caller, record: Record | None = None) -> Client:
    """A client for ``caller``; a caseworker's session is assigned ``record``."""
    if caller.person:
        receipt, _ = person(vault, OTHER)
        client = Client()
        subject = Record.objects.get(pk=receipt.reference).subject_id
        token, _ = start_session(vault, subject, clock.now())
        client.cookies[COOKIE_NAME] = token
        return client
    if caller.token:
        return Client(headers=bearer(token_for(vault, caller.role)))
    if caller.role:
        client, user = signed_in(vault, f"crawl-{caller.role}", caller.role, team="north")
        if record is not None and caller.role == "caseworker":
            Record.objects.filter(pk=record.pk).update(assigned_to=user)
        return client
    return Client()


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_no_route_gives_a_persons_values_to_anyone_else(city_vault: Vault, caller: Caller) -> None:
    own, _ = person(city_vault, DISTINCT)
    record = Record.objects.get(pk=own.reference)
    Record.objects.filter(pk=record.pk).update(team="north")
    client = client_for(city_vault, caller, record)
    crawled = 0
    for route in routes():
        if SKIPPED.search(route) or OWN_ROUTES.match(route):
            continue
        url = filled(route, record)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            body = b"".join(response) if response.streaming else response.content
            found = leaked(body.decode("utf-8", "replace")) & PERSONAL
            assert not found, f"{method.upper()} {url} as {caller.label} gave {sorted(found)}"
            crawled += 1
    assert crawled > 100  # the whole map, not a part of it


def test_the_crawl_reaches_the_case_where_the_role_may(city_vault: Vault) -> None:
    """The crawl is not vacuous: the same calls do reach the case (masked) for a
    privacy officer, and the person's own pages do show their values."""
    own, _ = person(city_vault, DISTINCT)
    record = Record.objects.get(pk=own.reference)
    officer = client_for(city_vault, Caller("officer", role="privacy_officer"))
    page = officer.get(f"/staff/records/{record.id}/")
    assert page.status_code == 200
    assert "Zephyrine" not in page.content.decode()
    assert "Z" in page.content.decode()
    me = Client()
    token, _ = start_session(city_vault, record.subject_id, clock.now())
    me.cookies[COOKIE_NAME] = token
    shown = me.get("/me/data/")
    assert shown.status_code == 200
    assert leaked(shown.content.decode()) & PERSONAL == PERSONAL - {"age_band"}
