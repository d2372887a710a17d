"""Community alerts end to end on the help desk's vault: an incident's alert is drafted
with personal data redacted, reviewed, approved by the partner, published, and
withdrawn; refusals are audited and change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from steward.clock import ManualClock, use_clock
from steward.vault.audit_actions import AuditAction
from steward.vault.models_response import CommunityAlert, Incident
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.community_alerts import (
    alert_step,
    draft_community_alert,
    edit_alert,
    handled_alerts,
    published_alerts,
)
from tests.vault.erasure_support import staff_actor
from tests.vault.own_choices_support import audit_entries, audit_text

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
DESCRIPTION = "Maria Lopez (maria@shelter.example) got a fake login page for the shelter."


def redact(text: str) -> str:
    """A stand-in for the redaction engine: the two values this test writes."""
    return text.replace("Maria Lopez", "[PERSON]").replace("maria@shelter.example", "[EMAIL]")


@pytest.fixture
def desk(help_desk: tuple[Vault, X25519PrivateKey]):
    vault, _ = help_desk
    with use_clock(ManualClock(NOW)) as moving:
        lead = staff_actor(vault, "lee.park", "privacy_lead")
        incident = Incident.objects.create(
            kind="key_exposure",
            title="Maria Lopez shelter phishing",
            detected_at=NOW - timedelta(days=3),
            opened_at=NOW - timedelta(days=3),
            opened_by_id=lead.user_id,
            records_affected=4,
            people_affected=2,
        )
        yield vault, lead, incident, moving


def test_an_alert_goes_from_draft_to_published_and_names_nobody(desk) -> None:
    vault, lead, incident, moving = desk
    alert = draft_community_alert(vault, lead, incident, DESCRIPTION, redact)
    assert alert.state == "draft"
    assert alert.title == "[PERSON] shelter phishing"
    assert alert.body.startswith("An exposed key or password was reported to us in March 2026.")
    assert "[PERSON] ([EMAIL]) got a fake login page" in alert.body
    assert published_alerts(vault) == []

    alert_step(vault, lead, alert.id, "review")
    with pytest.raises(AccessDenied, match="must approve it first"):
        alert_step(vault, lead, alert.id, "publish")
    with pytest.raises(InvalidValue, match="say how the partner approved"):
        alert_step(vault, lead, alert.id, "approve")
    alert_step(vault, lead, alert.id, "approve", "Approved by the shelter's director by email")
    moving.advance(timedelta(hours=2))
    published = alert_step(vault, lead, alert.id, "publish")
    assert published.state == "published"
    assert published.published_at == NOW + timedelta(hours=2)
    assert published.reviewed_by_id == lead.user_id
    assert published_alerts(vault) == [published]

    actions = [e["action"] for e in audit_entries() if e["action"].startswith("alert.")]
    assert actions == [
        AuditAction.ALERT_DRAFT,
        AuditAction.ALERT_DECIDE,
        AuditAction.ALERT_PUBLISH,  # refused: not approved yet
        AuditAction.ALERT_DECIDE,
        AuditAction.ALERT_PUBLISH,
    ]
    for value in ("Maria", "maria@shelter.example"):
        assert value not in audit_text()
        assert value not in published.title + published.body

    withdrawn = alert_step(vault, lead, alert.id, "withdraw")
    assert withdrawn.state == "withdrawn"
    assert published_alerts(vault) == []


def test_an_edit_is_redacted_and_needs_a_new_review(desk) -> None:
    vault, lead, incident, _ = desk
    alert = draft_community_alert(vault, lead, incident, DESCRIPTION, redact)
    alert_step(vault, lead, alert.id, "review")
    alert_step(vault, lead, alert.id, "approve", "By phone with the director")
    edited = edit_alert(vault, lead, alert.id, "Phishing", "Write to maria@shelter.example", redact)
    assert (edited.state, edited.body) == ("draft", "Write to [EMAIL]")
    assert (edited.reviewed_at, edited.partner_approved_at, edited.partner_approval_note) == (
        None,
        None,
        "",
    )
    with pytest.raises(AccessDenied):
        alert_step(vault, lead, alert.id, "publish")


@pytest.mark.parametrize(
    ("role", "reason"),
    [("help_desk_staff", "does not handle incidents"), ("finance_officer", "does not handle")],
)
def test_other_roles_can_neither_draft_nor_move_nor_list(desk, role: str, reason: str) -> None:
    vault, lead, incident, _ = desk
    alert = draft_community_alert(vault, lead, incident, DESCRIPTION, redact)
    other: Actor = staff_actor(vault, f"{role}.one", role)
    with pytest.raises(AccessDenied, match=reason):
        draft_community_alert(vault, other, incident, DESCRIPTION, redact)
    for step in ("review", "withdraw"):
        with pytest.raises(AccessDenied, match=reason):
            alert_step(vault, other, alert.id, step)
    with pytest.raises(AccessDenied, match=reason):
        handled_alerts(vault, other)
    assert CommunityAlert.objects.get().state == "draft"
    denied = [e for e in audit_entries() if e["outcome"] == "denied"]
    assert len(denied) == 3


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda v, a, i: alert_step(v, a, i, "shout"), InvalidValue, "the step is one of"),
        (lambda v, a, i: alert_step(v, a, i, "edit"), InvalidValue, "new title and text"),
        (lambda v, a, i: alert_step(v, a, "not-a-uuid", "review"), NotFound, "no such alert"),
        (lambda v, a, i: edit_alert(v, a, i, "", "text", redact), InvalidValue, "needs a title"),
        (lambda v, a, i: edit_alert(v, a, i, "T", " ", redact), InvalidValue, "needs a text"),
        (lambda v, a, i: alert_step(v, a, i, "approve", "x" * 501), InvalidValue, "longer"),
    ],
    ids=["unknown step", "edit without text", "unknown alert", "no title", "no text",
         "long note"],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_changes(desk, call, error, message: str) -> None:
    vault, lead, incident, _ = desk
    alert = draft_community_alert(vault, lead, incident, DESCRIPTION, redact)
    before = CommunityAlert.objects.values().get()
    with pytest.raises(error, match=message):
        call(vault, lead, alert.id)
    assert CommunityAlert.objects.values().get() == before
