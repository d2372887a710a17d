"""The help desk's whole year, through its pages, on one database (issue 12).

Open Shield's plan (``examples/security-help-desk.yaml``) runs its story as an
organization would run it, by the pages its staff, donors, overseers and the public use:

1. partners ask for help through the sealed intake form; the server stores ciphertext
   and the intake key opens it;
2. the privacy lead assigns each ticket to one help-desk member, who reads it with a
   stated reason and closes it: the details are deleted and only the count by type kept;
3. a key exposure is opened as an incident: the authority's and the partners' clocks
   start from the plan, the response plan is a checklist, the notices are drafted and
   recorded, and the incident is closed once every step is ticked;
4. a vulnerability is reported through the public sealed form, reminded before its date
   and disclosed to stakeholders on day 21;
5. a community alert is drafted from the incident with the partner's name and address
   replaced by placeholders, reviewed, approved by the partner and published to the
   public page and feed;
6. donors read the release of counts by type, small cells suppressed;
7. a year on, the review report is made for the advisory council, who read it and record
   their outcome.

Nothing personal reaches a public page, the feed, the donors, the council or the audit
log, and the log verifies at the end. Time is the injected clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.test import Client

from steward.audit import verify_log
from steward.clock import ManualClock, use_clock
from steward.vault.models import (
    AuditEntryRow,
    FieldValue,
    PlanVersion,
    Record,
    SealedSubmission,
)
from steward.vault.models_egress import AggregateRelease
from steward.vault.models_response import (
    CommunityAlert,
    Incident,
    OversightReview,
    VulnerabilityReport,
)
from steward.vault.runtime import Vault
from steward.vault.services import open_sealed, open_sealed_reports
from steward.vault.services.jobs import JobContext
from steward.vault.services.jobs_runner import run_job
from steward.vault.services.oversight_review import OVERSIGHT_REVIEW
from tests.vault.test_staff_support import body, signed_in

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
"""A Monday; the help desk's first review period starts the day its vault first loaded."""
PARTNER = "Wilhelmina Sprocketwhistle"
CHANNEL = "wilhelmina@shelter-north.example.org"
VULNERABILITY = "The ticket search page shows the ticket titles of other partners to any staff."
CLOSED = {"phishing": 11, "account compromise": 10, "malware": 3, "website attack": 2}
"""Tickets closed, by type: the first two reach the donors' smallest group (10) and are
counted; the others are suppressed."""


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(START)
    with use_clock(manual):
        yield manual


def test_the_help_desk_runs_its_whole_story(
    help_desk: tuple[Vault, X25519PrivateKey], clock: ManualClock, tmp_path: Path
) -> None:
    vault, intake_key = help_desk
    lead, _ = signed_in(vault, "priya.raman", "privacy_lead")
    staff, _ = signed_in(vault, "sam.okoro", "help_desk_staff", team="help_desk")

    tickets = _sealed_intake(vault, intake_key, clock)
    _assign_read_and_close(lead, staff, tickets)
    incident = _incident_with_its_clocks(lead, clock)
    report = _vulnerability_disclosed_on_day_21(vault, intake_key, lead, clock)
    _community_alert(lead, incident)
    _donor_dashboard(vault, lead, clock)
    _review_report(vault, clock, tmp_path)

    assert verify_log(vault.audit.store).ok
    logged = " ".join(str(row) for row in AuditEntryRow.objects.values_list("record", flat=True))
    for secret in (PARTNER, CHANNEL, VULNERABILITY):
        assert secret not in logged
    assert VulnerabilityReport.objects.get(pk=report).disclosed_at is not None


def _sealed_intake(vault: Vault, intake_key: X25519PrivateKey, clock: ManualClock) -> list[Record]:
    """Partners send the sealed form; the server holds ciphertext until the key opens it."""
    public = Client()
    form = public.get("/intake/assistance_request/")
    assert form.status_code == 200
    kinds = [kind for kind, count in CLOSED.items() for _ in range(count)]
    for number, kind in enumerate(kinds):
        sent = public.post(
            "/intake/assistance_request/",
            {
                "contact_name": f"{PARTNER} {number}",
                "contact_channel": CHANNEL,
                "incident_description": f"Mails asking {PARTNER} for her password.",
                "incident_type": kind,
                "opt-in": "assistance",
            },
        )
        assert sent.status_code == 200, body(sent)
    sealed = list(SealedSubmission.objects.values_list("sealed", flat=True))
    assert len(sealed) == len(kinds)
    assert not any(PARTNER.encode() in bytes(c) for c in sealed)
    assert not Record.objects.exists()

    outcome = open_sealed(vault, intake_key, actor="priya.raman")
    assert (len(outcome.opened), len(outcome.failed)) == (len(kinds), 0)
    # The database stamps rows with the machine's time; the story's time is the clock's.
    Record.objects.update(created=clock.now())
    PlanVersion.objects.update(first_loaded=clock.now())
    # All share one time, so the id breaks the tie as the staff queue does; the
    # first ticket is then on the queue's first page.
    records = list(Record.objects.order_by("created", "id"))
    assert {r.team for r in records} == {"help_desk"}
    return records


def _assign_read_and_close(lead: Client, staff: Client, tickets: list[Record]) -> None:
    """The lead hands each ticket to Sam, who reads it with a reason and closes it."""
    first = tickets[0]
    assert staff.get(f"/staff/records/{first.id}/").status_code in {403, 404}
    for ticket in tickets:
        assigned = lead.post(
            f"/staff/records/{ticket.id}/assign/", {"team": "help_desk", "assignee": "sam.okoro"}
        )
        assert assigned.status_code == 302, body(assigned)
    queue = body(staff.get("/staff/"))
    assert str(first.id)[:8] in queue
    revealed = staff.post(
        f"/staff/records/{first.id}/reveal/incident_description/",
        {"purpose": "assistance", "reason": "Matching a provider for the phishing campaign"},
    )
    assert revealed.status_code == 200, body(revealed)
    assert PARTNER in body(revealed)
    for ticket in tickets:
        closed = staff.post(f"/staff/records/{ticket.id}/close/", {"reason": "Provider helped"})
        assert closed.status_code == 302, body(closed)
    page = body(staff.get(f"/staff/records/{first.id}/"))
    assert PARTNER not in page
    kept = Record.objects.filter(pk__in=[t.pk for t in tickets])
    assert not FieldValue.objects.filter(record__in=kept).exists()  # no detail is left
    by_type = Counter(row.clear_values["incident_type"] for row in kept)
    assert {row.status for row in kept} == {"closed"}
    assert by_type == CLOSED


def _incident_with_its_clocks(lead: Client, clock: ManualClock) -> Incident:
    """A laptop holding the intake key is stolen: the clocks, the checklist, the notices."""
    clock.advance(days=2)
    detected = (clock.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    opened = lead.post(
        "/staff/incidents/new/",
        {
            "kind": "key_exposure",
            "title": "Laptop with the intake key stolen",
            "detected_at": detected,
            "datasets": ["assistance_request"],
            "records_affected": str(sum(CLOSED.values())),
            "people_affected": str(sum(CLOSED.values())),
            "description": f"The laptop was taken from {PARTNER}'s office; write to {CHANNEL}.",
        },
    )
    assert opened.status_code == 302, body(opened)
    incident = Incident.objects.get()
    page = body(lead.get(f"/staff/incidents/{incident.id}/"))
    assert "2 days 22 hours left" in page  # the authority: 72 hours from detection
    assert "6 days 22 hours left" in page  # the partners: 7 days
    assert "Rotate the intake key if it may be exposed" in page  # the response plan's steps
    dashboard = body(lead.get("/staff/dashboard/"))
    assert "Incidents" in dashboard

    clock.advance(hours=30)
    for notice in ("authority", "people"):
        sent = lead.post(f"/staff/incidents/{incident.id}/notice/", {"notice": notice})
        assert sent.status_code == 302, body(sent)
    steps = incident.steps.count()
    for position in range(1, steps + 1):
        ticked = lead.post(f"/staff/incidents/{incident.id}/step/", {"position": str(position)})
        assert ticked.status_code == 302, body(ticked)
    for state in ("contained", "closed"):
        moved = lead.post(f"/staff/incidents/{incident.id}/state/", {"state": state})
        assert moved.status_code == 302, body(moved)
    incident.refresh_from_db()
    assert incident.state == "closed"
    assert "kept" in body(lead.get(f"/staff/incidents/{incident.id}/"))
    return incident


def _vulnerability_disclosed_on_day_21(
    vault: Vault, intake_key: X25519PrivateKey, lead: Client, clock: ManualClock
) -> str:
    """The public sealed form, the 21-day clock, the reminders, the disclosure."""
    visitor = Client(enforce_csrf_checks=True)
    token = visitor.get("/security/report/").cookies["csrftoken"].value
    sent = visitor.post(
        "/security/report/",
        {"title": "Ticket titles leak", "text": VULNERABILITY, "csrfmiddlewaretoken": token},
    )
    assert sent.status_code == 200, body(sent)
    received = clock.now()
    report = VulnerabilityReport.objects.get()
    assert VULNERABILITY.encode() not in bytes(report.sealed or b"")
    opened = open_sealed_reports(vault, intake_key, actor="priya.raman")
    assert (len(opened.opened), len(opened.failed)) == (1, 0)
    page = body(lead.get(f"/staff/vulnerabilities/{report.id}/"))
    assert VULNERABILITY in page
    assert (received + timedelta(days=21)).strftime("%-d %B %Y") in page

    clock.advance(days=15)
    assert "Disclosure due within 7 days" in body(lead.get("/staff/vulnerabilities/"))
    clock.advance(days=5)
    assert "Disclosure due within 2 days" in body(lead.get("/staff/vulnerabilities/"))
    clock.set(received + timedelta(days=21))
    confirmed = lead.post(
        f"/staff/vulnerabilities/{report.id}/change/", {"state": "fixed", "severity": "high"}
    )
    assert confirmed.status_code == 302, body(confirmed)
    disclosed = lead.post(
        f"/staff/vulnerabilities/{report.id}/disclose/",
        {"note": "Advisory sent to partner organizations and published"},
    )
    assert disclosed.status_code == 302, body(disclosed)
    report.refresh_from_db()
    assert report.disclosed_at == clock.now() == received + timedelta(days=21)
    return str(report.id)


def _community_alert(lead: Client, incident: Incident) -> None:
    """Drafted from the incident with the partner's name and address removed, reviewed,
    approved by the partner, published to the public page and the feed."""
    public = Client()
    drafted = lead.post(f"/staff/incidents/{incident.id}/alert/")
    assert drafted.status_code == 302, body(drafted)
    alert = CommunityAlert.objects.get()
    assert CHANNEL not in alert.body
    assert "[EMAIL]" in alert.body
    # The partner's name is in no vocabulary: the reader catches it and changes the text,
    # which is redacted again.
    page = body(lead.get(f"/staff/alerts/{alert.id}/"))
    assert PARTNER in page
    assert "a rare name" in page
    edited = lead.post(
        f"/staff/alerts/{alert.id}/edit/",
        {"title": alert.title, "body": alert.body.replace(PARTNER, "a partner")},
    )
    assert edited.status_code == 302, body(edited)
    alert.refresh_from_db()
    assert PARTNER not in alert.body
    assert CHANNEL not in alert.body
    assert "Laptop" not in body(public.get("/alerts/"))

    decide = f"/staff/alerts/{alert.id}/decide/"
    assert lead.post(decide, {"step": "review"}).status_code == 302
    early = lead.post(decide, {"step": "publish"})
    assert early.status_code == 403  # the plan asks for the partner's approval first
    assert "must approve it first" in body(early)
    approved = lead.post(decide, {"step": "approve", "note": "Shelter North agreed by phone"})
    assert approved.status_code == 302
    assert lead.post(decide, {"step": "publish"}).status_code == 302

    listed = body(public.get("/alerts/"))
    assert alert.title in listed
    feed = public.get("/alerts/feed.xml").content.decode()
    assert alert.title in feed
    for text in (listed, feed, body(public.get(f"/alerts/{alert.id}/"))):
        assert PARTNER not in text
        assert CHANNEL not in text


def _donor_dashboard(vault: Vault, lead: Client, clock: ManualClock) -> None:
    """The lead releases the quarter's counts by type to donors; the donor reads them,
    the small cell suppressed, and no ticket."""
    clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    released = lead.post(
        "/staff/statistics/release/",
        {
            "dataset": "assistance_request",
            "audience": "donors",
            "by": "incident_type",
            "start": "2026-01-01",
            "end": "2026-03-31",
        },
    )
    assert released.status_code in {200, 302}, body(released)
    release = AggregateRelease.objects.get()
    donor, _ = signed_in(vault, "dana.funder", "donor_viewer")
    home = donor.get("/staff/")
    assert (home.status_code, home["Location"]) == (302, "/staff/statistics/")
    page = body(donor.get("/staff/statistics/"))
    assert '<td data-cell="phishing">11</td>' in page
    table = donor.get(f"/staff/statistics/{release.id}.json").json()["table"]
    assert table["counts"]["phishing"] == CLOSED["phishing"]
    assert (table["counts"]["malware"], table["counts"]["website attack"]) == (None, None)
    assert table["total"] == sum(CLOSED.values())
    assert PARTNER not in page
    assert donor.get("/staff/incidents/").status_code == 403
    assert donor.get("/staff/records/00000000-0000-0000-0000-000000000000/").status_code in {
        403,
        404,
    }


def _review_report(vault: Vault, clock: ManualClock, tmp_path: Path) -> None:
    """A year on, the review job makes the report; the council reads it and records its
    outcome."""
    clock.set(START + timedelta(days=366))
    context = JobContext(vault, tmp_path / "keys", tmp_path / "backups")
    assert run_job(OVERSIGHT_REVIEW, context, "test").outcome == "succeeded"
    review = OversightReview.objects.get()
    report = review.report
    assert report["incidents"]["count"] == 1
    assert report["incidents"]["deadlines_missed"] == 0

    council, _ = signed_in(vault, "ines.council", "advisory_council")
    hub = body(council.get("/staff/oversight/"))
    assert f"/staff/oversight/reviews/{review.id}/" in hub
    shown = body(council.get(f"/staff/oversight/reviews/{review.id}/"))
    assert PARTNER not in shown
    assert VULNERABILITY not in shown
    recorded = council.post(
        f"/staff/oversight/reviews/{review.id}/outcome/",
        {"outcome": "The stolen key was rotated in time; ask for a second restore drill."},
    )
    assert recorded.status_code == 302, body(recorded)
    review.refresh_from_db()
    assert review.outcome.startswith("The stolen key was rotated")
    assert council.get("/staff/incidents/").status_code == 200  # the register, read-only
    assert PARTNER not in body(council.get("/staff/incidents/"))
