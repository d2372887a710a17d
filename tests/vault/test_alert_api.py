"""The community-alert API: a lead lists, reads and moves alerts; other roles and
service tokens are refused; bad input is a 4xx with a message and changes nothing."""

from __future__ import annotations

import pytest

from steward.vault.models_response import CommunityAlert
from tests.vault.test_alert_pages import desk
from tests.vault.test_api_support import bearer, token_for
from tests.vault.test_staff_support import signed_in

__all__ = ["desk"]
JSON = "application/json"


def test_a_lead_lists_reads_and_publishes_through_the_api(desk) -> None:
    vault, alert = desk
    made = alert()
    client, _ = signed_in(vault, "sam.lead", "privacy_lead")
    listed = client.get("/api/alerts")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [str(made.id)]
    one = client.get(f"/api/alerts/{made.id}").json()
    assert (one["state"], one["title"]) == ("draft", "Fake login pages")
    decide = f"/api/alerts/{made.id}/decision"
    for step, note in (("review", ""), ("approve", "By email from the director")):
        answer = client.post(decide, {"step": step, "note": note}, content_type=JSON)
        assert answer.status_code == 200, answer.content
    published = client.post(decide, {"step": "publish"}, content_type=JSON).json()
    assert published["state"] == "published"
    assert published["partner_approval_note"] == "By email from the director"
    assert published["published_at"] is not None


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"step": "shout"}, 400, "the step is one of"),
        ({"step": "approve", "note": "By email"}, 403, "cannot be approved"),
        ({"step": "approve"}, 400, "say how the partner approved"),
        ({"step": "publish"}, 403, "cannot be published"),
        ({"step": "approve", "note": "x" * 501}, 422, ""),
        ({}, 422, ""),
    ],
    ids=[
        "unknown step",
        "approve a draft",
        "approve without a note",
        "publish a draft",
        "long note",
        "no step",
    ],
)
def test_bad_steps_are_refused_and_change_nothing(
    desk, body: dict[str, str], status: int, message: str
) -> None:
    vault, alert = desk
    made = alert()
    client, _ = signed_in(vault, "sam.lead", "privacy_lead")
    answer = client.post(f"/api/alerts/{made.id}/decision", body, content_type=JSON)
    assert answer.status_code == status
    assert message in answer.content.decode()
    assert CommunityAlert.objects.get().state == "draft"


def test_unknown_alerts_other_roles_and_tokens_are_refused(desk) -> None:
    vault, alert = desk
    made = alert()
    lead, _ = signed_in(vault, "sam.lead", "privacy_lead")
    assert lead.get("/api/alerts/00000000-0000-4000-8000-000000000000").status_code == 404
    assert lead.get("/api/alerts/not-an-id").status_code == 404
    staff, _ = signed_in(vault, "kim.staff", "help_desk_staff")
    token = bearer(token_for(vault, "privacy_lead", team=""))
    for caller, headers in ((staff, {}), (staff, token)):
        assert caller.get("/api/alerts", headers=headers).status_code == 403
        stepped = caller.post(
            f"/api/alerts/{made.id}/decision",
            {"step": "review"},
            content_type=JSON,
            headers=headers,
        )
        assert stepped.status_code == 403
    assert CommunityAlert.objects.get().state == "draft"


def test_a_new_text_through_the_api_is_redacted_and_goes_back_to_draft(desk) -> None:
    vault, alert = desk
    made = alert("approved")
    client, _ = signed_in(vault, "sam.lead", "privacy_lead")
    answer = client.post(
        f"/api/alerts/{made.id}/text",
        {"title": "Phishing", "body": "Call 415-555-0134 or write to ana@example.org"},
        content_type=JSON,
    )
    assert answer.status_code == 200, answer.content
    out = answer.json()
    assert out["state"] == "draft"
    assert "ana@example.org" not in out["body"]
    assert "[EMAIL]" in out["body"]
    refused = client.post(
        f"/api/alerts/{made.id}/text", {"title": "", "body": "x"}, content_type=JSON
    )
    assert refused.status_code == 400
