"""The staff navigation, role by role: each role of the city's plan sees the links of the
sections it may use, and every link it sees opens for it. A role that acts for a
recipient (the council) sees the statistics only, and its home is the statistics page; a
member of the oversight body sees the oversight pages, the register, the incident and
vulnerability registers (read only) and their dashboard panels, and lands on the
oversight page."""

from __future__ import annotations

import re

import pytest

from steward.vault.runtime import Vault
from tests.vault.test_staff_support import add_case, body, leaked, signed_in

CASES = {"/staff/", "/staff/queue/", "/staff/tables/"}
OFFICER = {
    *CASES,
    "/staff/dashboard/",
    "/staff/audit/",
    "/staff/jobs/",
    "/staff/retention/",
    "/staff/acknowledgements/",
    "/staff/erasure/",
    "/staff/disclosures/",
    "/staff/extracts/",
    "/staff/statistics/",
    "/staff/register/",
    "/staff/incidents/",
    "/staff/vulnerabilities/",
    "/staff/rights/",
    "/staff/rights/codes/",
}
NAVIGATION: dict[str, tuple[str, set[str]]] = {
    # role: (team, the links it sees)
    "caseworker": ("north", CASES),
    "supervisor": ("north", CASES),
    "privacy_officer": ("", OFFICER),
    "analyst": ("", {*CASES, "/staff/extracts/"}),
    "council_viewer": ("", {"/staff/statistics/"}),
    "oversight_board": (
        "",
        {
            "/staff/oversight/",
            "/staff/register/",
            "/staff/dashboard/",
            "/staff/incidents/",
            "/staff/vulnerabilities/",
        },
    ),
}
KNOWN = {*OFFICER, "/staff/oversight/"}
"""Every section link of the navigation."""


def test_the_table_covers_every_staff_role(city_vault: Vault) -> None:
    assert set(NAVIGATION) == {r.id for r in city_vault.plan.roles if r.staff}


def _links(html: str) -> set[str]:
    nav = re.search(r"<nav[^>]*>(.*?)</nav>", html, re.S)
    assert nav is not None
    return set(re.findall(r'href="(/staff/[^"]*)"', nav.group(1)))


@pytest.mark.parametrize("role", list(NAVIGATION))
def test_each_role_sees_the_links_it_may_use_and_each_opens(city_vault: Vault, role: str) -> None:
    team, expected = NAVIGATION[role]
    client, _ = signed_in(city_vault, f"{role}.member", role, team=team)
    home = client.get("/staff/", follow=True)
    assert home.status_code == 200
    links = _links(home.content.decode())
    assert links - {"/staff/sign-out/", "/staff/account/"} >= expected
    shown = {link for link in links if link in KNOWN}
    assert shown == expected
    for link in sorted(shown):
        assert client.get(link).status_code == 200, link


def test_the_council_role_lands_on_the_statistics(city_vault: Vault) -> None:
    case = add_case(city_vault, team="north")
    client, _ = signed_in(city_vault, "council.member", "council_viewer")
    home = client.get("/staff/")
    assert (home.status_code, home["Location"]) == (302, "/staff/statistics/")
    for page in ("/staff/queue/", "/staff/tables/", f"/staff/records/{case.pk}/"):
        answer = client.get(page)
        assert str(case.pk) not in answer.content.decode(), page
        assert leaked(body(answer)) == set(), page
