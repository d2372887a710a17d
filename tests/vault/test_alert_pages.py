"""The community-alert pages: the staff list and one alert by every staff role of the
help desk's plan, the steps through the forms, and the public page and Atom feed, which
show published alerts only."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.test import Client

from steward.clock import ManualClock, use_clock
from steward.vault.models_response import CommunityAlert, Incident
from steward.vault.runtime import Vault
from tests.vault.test_staff_support import make_staff, signed_in

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
FEED_LINK = (
    '<link rel="alternate" type="application/atom+xml" '
    'title="Community alerts · Open Shield Exchange" href="/alerts/feed.xml">'
)


@pytest.fixture
def desk(help_desk: tuple[Vault, X25519PrivateKey]):
    vault, _ = help_desk
    with use_clock(ManualClock(NOW)):
        author, _ = make_staff(vault, "lee.park", "privacy_lead")
        incident = Incident.objects.create(
            kind="key_exposure",
            title="Shelter phishing",
            detected_at=NOW - timedelta(days=3),
            opened_at=NOW - timedelta(days=3),
            opened_by=author,
        )

        def alert(state: str = "draft", title: str = "Fake login pages") -> CommunityAlert:
            return CommunityAlert.objects.create(
                incident=incident,
                title=title,
                body="A fake login page was reported to us in March 2026.",
                state=state,
                drafted_at=NOW,
                drafted_by=author,
                published_at=NOW if state == "published" else None,
            )

        yield vault, alert


HANDLES = {"privacy_lead": True, "help_desk_staff": False, "finance_officer": False}


def test_the_table_covers_every_staff_role(desk) -> None:
    vault, _ = desk
    counts_only = {r.id for r in vault.plan.roles if r.recipient or r.oversees}
    assert set(HANDLES) == {r.id for r in vault.plan.roles if r.staff} - counts_only


@pytest.mark.parametrize("role", [*HANDLES, "donor_viewer"])
def test_each_role_reaches_the_staff_pages_only_if_it_handles_incidents(desk, role: str) -> None:
    vault, alert = desk
    made = alert()
    client, _ = signed_in(vault, f"{role}.one", role)
    allowed = HANDLES.get(role, False)
    pages = ["/staff/alerts/", f"/staff/alerts/{made.id}/"]
    for page in pages:
        answer = client.get(page)
        assert answer.status_code == (200 if allowed else 403), page
    stepped = client.post(f"/staff/alerts/{made.id}/decide/", {"step": "review"})
    assert stepped.status_code == (302 if allowed else 403)
    assert CommunityAlert.objects.get().state == ("reviewed" if allowed else "draft")
    nav = client.get("/staff/", follow=True).content.decode()
    assert ('href="/staff/alerts/"' in nav) is allowed


def test_the_forms_take_an_alert_to_published_and_say_what_is_wrong(desk) -> None:
    vault, alert = desk
    made = alert()
    client, _ = signed_in(vault, "sam.lead", "privacy_lead")
    decide = f"/staff/alerts/{made.id}/decide/"
    assert client.post(decide, {"step": "review"}).status_code == 302
    page = client.get(f"/staff/alerts/{made.id}/").content.decode()
    assert "Record the partner&#x27;s approval" in page or "Record the partner's approval" in page
    missing = client.post(decide, {"step": "approve", "note": " "})
    assert missing.status_code == 400
    assert "Say how the partner approved it" in missing.content.decode()
    early = client.post(decide, {"step": "publish"})
    assert early.status_code == 403
    assert "must approve it first" in early.content.decode()
    assert client.post(decide, {"step": "approve", "note": "By email"}).status_code == 302
    assert client.post(decide, {"step": "publish"}).status_code == 302
    assert CommunityAlert.objects.get().state == "published"
    assert client.post(decide, {"step": "nonsense"}).status_code == 400
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/staff/alerts/{unknown}/").status_code == 404
    assert client.post(f"/staff/alerts/{unknown}/decide/", {"step": "review"}).status_code == 404
    assert client.get(decide).status_code == 405


def _said(client: Client, url: str, data: dict[str, str]) -> str:
    """Post ``data`` to ``url``, follow the redirect, and return the page's message."""
    answer = client.post(url, data, follow=True)
    assert answer.status_code == 200
    assert answer.redirect_chain, url
    page = answer.content.decode()
    found = re.search(r'<ul class="messages" role="status">\s*<li class="success">(.*?)</li>', page)
    assert found, page[:2000]
    return html.unescape(found.group(1))


def test_each_step_is_confirmed_and_times_say_utc(desk) -> None:
    vault, alert = desk
    made = alert()
    client, _ = signed_in(vault, "sam.lead", "privacy_lead")
    at = f"/staff/alerts/{made.id}/"
    page = client.get(at).content.decode()
    assert "Drafted 2026-03-20 09:00 UTC." in page
    assert '<input id="title" name="title" type="text"' in page
    edit = {"title": "Fake login pages", "body": "A fake login page was seen in March 2026."}
    assert _said(client, f"{at}edit/", edit) == (
        "Text saved. It must be read and approved again before it is published."
    )
    decide = f"{at}decide/"
    said = _said(client, decide, {"step": "review"})
    assert said == "Marked as read: nothing in it identifies anyone."
    page = client.get(at).content.decode()
    assert "read by a person 2026-03-20 09:00 UTC" in page
    assert '<input id="note" name="note" type="text"' in page
    said = _said(client, decide, {"step": "approve", "note": "By email"})
    assert said == "The partner's approval is recorded."
    said = _said(client, decide, {"step": "publish"})
    assert said == "Published on the public alerts page and in its feed."
    assert "published 2026-03-20 09:00 UTC" in client.get(at).content.decode()
    said = _said(client, decide, {"step": "withdraw"})
    assert said == "Withdrawn: it is no longer on the public page or in the feed."
    draft = alert(title="Another draft")
    said = _said(client, f"/staff/alerts/{draft.id}/decide/", {"step": "withdraw"})
    assert said == "Withdrawn: it will not be published."
    assert CommunityAlert.objects.get(pk=draft.pk).state == "withdrawn"


def test_the_public_page_and_feed_show_published_alerts_only(desk) -> None:
    _, alert = desk
    shown = alert("published", "Fake login pages")
    hidden = [alert("draft", "A draft"), alert("withdrawn", "Withdrawn"), alert("approved", "Ok")]
    public = Client()
    listing = public.get("/alerts/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Fake login pages" in text
    assert FEED_LINK in text.split("</head>")[0]  # feed readers find the feed from the page
    for other in hidden:
        assert other.title not in text
        assert public.get(f"/alerts/{other.id}/").status_code == 404
    one = public.get(f"/alerts/{shown.id}/")
    assert one.status_code == 200
    assert FEED_LINK in one.content.decode().split("</head>")[0]
    feed = public.get("/alerts/feed.xml")
    assert feed["Content-Type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(feed.content).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Fake login pages"]
    assert entries[0].findtext(f"{ATOM}id") == f"urn:uuid:{shown.id}"
    assert public.post("/alerts/").status_code == 405


def test_a_plan_without_alerts_has_no_public_page(city_vault: Vault) -> None:
    public = Client()
    for page in ("/alerts/", "/alerts/feed.xml"):
        assert public.get(page).status_code == 404
    client, _ = signed_in(city_vault, "ana.officer", "privacy_officer")
    answer = client.get("/staff/alerts/")
    assert answer.status_code == 403
    assert "makes no community alerts" in answer.content.decode()


def test_an_edit_on_the_page_is_redacted_by_steward_and_needs_a_new_review(desk) -> None:
    vault, alert = desk
    made = alert("reviewed")
    client, _ = signed_in(vault, "sam.lead", "privacy_lead")
    edited = client.post(
        f"/staff/alerts/{made.id}/edit/",
        {"title": "Fake login pages", "body": "Write to Maria Lopez at maria.lopez@example.org."},
    )
    assert edited.status_code == 302
    stored = CommunityAlert.objects.get()
    assert stored.state == "draft"
    assert "maria.lopez@example.org" not in stored.body
    assert "[EMAIL]" in stored.body
    assert "[PERSON]" in stored.body
    empty = client.post(f"/staff/alerts/{made.id}/edit/", {"title": "", "body": "x"})
    assert empty.status_code == 400
    assert "needs a title" in empty.content.decode()
    assert CommunityAlert.objects.get().body == stored.body
