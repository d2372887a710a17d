"""The incident and vulnerability pages and API: an incident handled through the pages,
bad input answered 400 with nothing stored, the public sealed report form, and the
authorization matrix of every page and endpoint over every staff role of the city plan
(and an oversight role). Nobody but a handler ever sees a description, note or report."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from steward.clock import ManualClock
from steward.vault.models_response import Incident, IncidentNote, VulnerabilityReport
from steward.vault.runtime import Vault
from steward.vault.services.vulnerabilities import receive_report
from tests.vault.disclosure_support import clock
from tests.vault.incident_support import SECRET, overseer_role, oversight_vault
from tests.vault.test_api_support import bearer, token_for
from tests.vault.test_staff_support import body, leaked, signed_in

__all__ = ["clock", "oversight_vault"]
JSON = "application/json"
REPORT = f"The search page leaks case notes to signed-out visitors; {SECRET} noticed."
UNTYPED = re.compile(r"<input(?![^>]*\btype=)[^>]*>")
"""An input with no type: the stylesheet styles it, but every form here says its type."""
HIDDEN_STEP = '<span class="visually-hidden"> the step: '


def _form(clock: ManualClock, **extra: Any) -> dict[str, Any]:
    detected = (clock.now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    return {
        "kind": "unauthorized_access",
        "title": "Shared password on the front desk",
        "detected_at": detected,
        "datasets": ["service_request"],
        "records_affected": "30",
        "people_affected": "25",
        "description": f"A temp used the account to look up {SECRET}.",
        **extra,
    }


def test_an_incident_through_the_pages(oversight_vault: Vault, clock: ManualClock) -> None:
    clock.set(clock.now().replace(second=0, microsecond=0) + timedelta(minutes=1))  # whole minutes
    handler, _ = signed_in(oversight_vault, "ana", "privacy_officer")
    form = handler.get("/staff/incidents/new/")
    assert form.status_code == 200
    assert "must name nobody" in body(form)
    # The kinds in plain words, their keys the values; the time read in UTC, and said so.
    shown_form = body(form)
    assert '<option value="unauthorized_access">Access by someone not allowed</option>' in (
        shown_form
    )
    assert ">unauthorized_access<" not in shown_form
    assert '<label for="detected_at">Detected at <span class="hint">In UTC.</span>' in shown_form
    assert UNTYPED.findall(shown_form) == []
    opened = handler.post("/staff/incidents/new/", _form(clock))
    assert opened.status_code == 302, body(opened)
    made = Incident.objects.get()
    assert opened["Location"] == f"/staff/incidents/{made.id}/"
    shown = handler.get(opened["Location"])
    text = body(shown)
    assert SECRET in text
    assert "2 days 21 hours left" in text
    assert "<dt>Kind</dt><dd>Access by someone not allowed</dd>" in text
    assert "<dt>Datasets</dt><dd>Service request</dd>" in text
    detected = made.detected_at.strftime("%Y-%m-%d %H:%M")
    assert f"<dd>{detected} UTC <span" in text
    assert f"due {(made.detected_at + timedelta(hours=72)):%Y-%m-%d %H:%M} UTC" in text
    assert "In UTC; leave empty for now." in text
    assert UNTYPED.findall(text) == []
    # Each Tick button names its step (the words after "Tick" are for screen readers).
    steps = list(made.steps.order_by("position").values_list("text", flat=True))
    assert text.count(f">Tick{HIDDEN_STEP}") == len(steps) > 1
    for step in steps:
        assert f">Tick{HIDDEN_STEP}{step}</span></button>" in text
    assert text.count('<pre class="draft">') == 2
    assert "Draft notice to the authority" in text
    assert "Notify the authority (within 72 hours of detection)" in text
    assert '<a href="/staff/incidents/">Incidents</a>' in text
    assert handler.post(f"/staff/incidents/{made.id}/step/", {"position": "1"}).status_code == 302
    ticked = body(handler.get(f"/staff/incidents/{made.id}/"))
    assert '<ul class="messages" role="status">' in ticked
    assert "Checklist updated." in ticked
    assert f">Untick{HIDDEN_STEP}{steps[0]}</span></button>" in ticked
    assert handler.post(f"/staff/incidents/{made.id}/note/", {"text": "Locked."}).status_code == 302
    clock.advance(hours=70)
    listed = body(handler.get("/staff/incidents/"))
    assert "overdue by 1 hour" in listed
    assert "<td>Access by someone not allowed</td>" in listed
    assert f"<td>{detected} UTC</td>" in listed
    assert '<caption class="visually-hidden">Incidents, overdue clocks first</caption>' in listed
    notice = handler.post(f"/staff/incidents/{made.id}/notice/", {"notice": "authority"})
    assert notice.status_code == 302
    made.refresh_from_db()
    assert made.authority_notified_at == clock.now()
    assert "missed" in body(handler.get(f"/staff/incidents/{made.id}/"))
    bad = handler.post(f"/staff/incidents/{made.id}/state/", {"state": "closed"})
    assert bad.status_code == 400
    assert "step(s) of the checklist are not ticked" in body(bad)
    assert handler.post(f"/staff/incidents/{made.id}/note/", {"text": " "}).status_code == 400
    assert IncidentNote.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"kind": "leak"}, "the kind is one of"),
        ({"detected_at": "yesterday"}, "not a date and time"),
        ({"detected_at": "2999-01-01T00:00"}, "in the future"),
        ({"people_affected": "-2"}, "cannot be negative"),
        ({"people_affected": "many"}, "not a whole number"),
        ({"title": ""}, "short title"),
    ],
)
def test_bad_input_is_answered_400(
    oversight_vault: Vault, clock: ManualClock, change: dict[str, str], why: str
) -> None:
    handler, _ = signed_in(oversight_vault, "ana", "privacy_officer")
    answer = handler.post("/staff/incidents/new/", _form(clock, **change))
    assert answer.status_code == 400
    assert why in body(answer)
    api = handler.post(
        "/api/incidents",
        {"kind": "loss", "title": "Lost", "detected_at": "2999-01-01T00:00:00Z"},
        content_type=JSON,
    )
    assert api.status_code == 400
    assert "in the future" in api.json()["detail"]
    assert not Incident.objects.exists()


def test_the_public_report_form(oversight_vault: Vault, clock: ManualClock) -> None:
    visitor = Client(enforce_csrf_checks=True)
    form = visitor.get("/security/report/")
    assert form.status_code == 200
    assert "sealed the moment it arrives" in body(form)
    assert '<label for="title">Short title (optional)</label>' in body(form)
    assert '<label for="contact">How to reach you (optional)</label>' in body(form)
    assert UNTYPED.findall(body(form)) == []
    assert "90 days" in body(form)
    token = form.cookies["csrftoken"].value
    no_token = visitor.post("/security/report/", {"text": REPORT})
    assert no_token.status_code == 403
    short = visitor.post("/security/report/", {"text": "short", "csrfmiddlewaretoken": token})
    assert short.status_code == 400
    assert "at least 20 characters" in body(short)
    huge = visitor.post("/security/report/", {"text": "x" * 200_000, "csrfmiddlewaretoken": token})
    assert huge.status_code == 413
    assert not VulnerabilityReport.objects.exists()
    sent = visitor.post(
        "/security/report/", {"title": "Leak", "text": REPORT, "csrfmiddlewaretoken": token}
    )
    assert sent.status_code == 200
    stored = VulnerabilityReport.objects.get()
    assert str(stored.id) in body(sent)
    assert stored.sealed
    assert SECRET.encode() not in bytes(stored.sealed or b"")
    assert sent["Cache-Control"] == "no-store"


def test_the_vulnerability_pages_say_their_time_zone_and_reasons_in_words(
    oversight_vault: Vault, clock: ManualClock
) -> None:
    report = str(receive_report(oversight_vault, title="Leak", text=REPORT))
    handler, _ = signed_in(oversight_vault, "ana", "privacy_officer")
    listed = body(handler.get("/staff/vulnerabilities/"))
    caption = '<caption class="visually-hidden">Reports, overdue and nearest dates first</caption>'
    assert caption in listed
    stored = VulnerabilityReport.objects.get()
    assert stored.disclose_by is not None
    due = f"{stored.disclose_by:%Y-%m-%d %H:%M} UTC"
    assert f"<td>{due}</td>" in listed
    at = f"/staff/vulnerabilities/{report}/"
    page = body(handler.get(at))
    assert f"<dt>Received</dt><dd>{stored.received_at:%Y-%m-%d %H:%M} UTC</dd>" in page
    assert f"{stored.disclose_by:%-d %B %Y, %H:%M} UTC" in page
    assert '<label for="new_date">New disclosure date <span class="hint">In UTC.</span>' in page
    assert '<option value="fix_not_ready">The fix is not ready</option>' in page
    assert ">fix_not_ready<" not in page
    assert UNTYPED.findall(page) == []
    later = (clock.now() + timedelta(days=120)).strftime("%Y-%m-%dT%H:%M")
    moved = handler.post(
        f"{at}clock/",
        {
            "new_date": later,
            "reason": "fix_not_ready",
            "explanation": "the fix needs another release cycle",
        },
    )
    assert moved.status_code == 302, body(moved)
    stored.refresh_from_db()
    assert f"{stored.disclose_by:%Y-%m-%d %H:%M}" == later.replace("T", " ")  # read in UTC
    page = body(handler.get(at))
    assert "Disclosure date moved." in page
    assert "(The fix is not ready): the fix needs another release cycle" in page


def test_no_form_without_a_policy(oversight_vault: Vault) -> None:
    from dataclasses import replace

    from steward.vault.runtime import use_vault

    plan = oversight_vault.plan
    ops = plan.operations.model_copy(update={"vulnerability_disclosure": None})
    loaded = replace(oversight_vault.loaded, plan=plan.model_copy(update={"operations": ops}))
    use_vault(replace(oversight_vault, loaded=loaded))
    assert Client().get("/security/report/").status_code == 404
    assert Client().post("/security/report/", {"text": REPORT}).status_code == 404


# -- the authorization matrix ------------------------------------------------------------


def _calls(client: Client, incident: str, report: str, clock: ManualClock) -> dict[str, Any]:
    at = f"/staff/incidents/{incident}"
    vat = f"/staff/vulnerabilities/{report}"
    api, vapi = f"/api/incidents/{incident}", f"/api/vulnerabilities/{report}"
    future = (clock.now() + timedelta(days=100)).isoformat()
    return {
        "incident list": client.get("/staff/incidents/"),
        "incident form": client.get("/staff/incidents/new/"),
        "incident page": client.get(f"{at}/"),
        "open page": client.post("/staff/incidents/new/", _form(clock)),
        "step page": client.post(f"{at}/step/", {"position": "1"}),
        "note page": client.post(f"{at}/note/", {"text": "checked the logs"}),
        "notice page": client.post(f"{at}/notice/", {"notice": "authority"}),
        "update page": client.post(f"{at}/update/", {"people_affected": "40"}),
        "state page": client.post(f"{at}/state/", {"state": "contained"}),
        "API list": client.get("/api/incidents"),
        "API get": client.get(api),
        "API open": client.post(
            "/api/incidents",
            {"kind": "loss", "title": "Lost badge", "detected_at": clock.now().isoformat()},
            content_type=JSON,
        ),
        "API update": client.patch(api, {"people_affected": 41}, content_type=JSON),
        "API step": client.post(f"{api}/steps/2", {"done": True}, content_type=JSON),
        "API note": client.post(f"{api}/notes", {"text": "more"}, content_type=JSON),
        "API notice": client.post(f"{api}/notices", {"notice": "people"}, content_type=JSON),
        "API drafts": client.get(f"{api}/drafts"),
        "API state": client.post(
            f"{api}/state",
            {"state": "closed", "reason": "handled, see the notes"},
            content_type=JSON,
        ),
        "report list": client.get("/staff/vulnerabilities/"),
        "report page": client.get(f"{vat}/"),
        "clock page": client.post(
            f"{vat}/clock/",
            {
                "new_date": future[:16],
                "reason": "fix_not_ready",
                "explanation": "the fix needs another release cycle",
            },
        ),
        "change page": client.post(f"{vat}/change/", {"state": "confirmed"}),
        "API report list": client.get("/api/vulnerabilities"),
        "API report": client.get(vapi),
        "API clock": client.post(
            f"{vapi}/clock",
            {
                "new_date": future,
                "reason": "fix_not_ready",
                "explanation": "the fix needs another release cycle",
            },
            content_type=JSON,
        ),
        "API report change": client.patch(vapi, {"severity": "high"}, content_type=JSON),
        "disclose page": client.post(f"{vat}/disclose/", {"note": "advisory published"}),
        "API disclose": client.post(
            f"{vapi}/disclosure", {"note": "advisory published"}, content_type=JSON
        ),
    }


HANDLER = {
    "incident list": 200, "incident form": 200, "incident page": 200, "open page": 302,
    "step page": 302, "note page": 302, "notice page": 302, "update page": 302,
    "state page": 302, "API list": 200, "API get": 200, "API open": 201, "API update": 200,
    "API step": 200, "API note": 201, "API notice": 200, "API drafts": 200, "API state": 200,
    "report list": 200, "report page": 200, "clock page": 302, "change page": 302,
    "API report list": 200, "API report": 200, "API clock": 200, "API report change": 200,
    "disclose page": 302,
    "API disclose": 400,  # the page recorded it just before
}  # fmt: skip
READERS = {"incident list", "incident page", "API list", "API get", "report list",
           "report page", "API report list", "API report"}  # fmt: skip


def _roles(vault: Vault) -> list[str]:
    return [r.id for r in vault.plan.roles if r.staff]


def test_the_matrix_covers_every_staff_role(oversight_vault: Vault) -> None:
    roles = set(_roles(oversight_vault))
    overseer = overseer_role(oversight_vault)
    assert roles == {r for r in ROLES if r != "overseer"} | {overseer}


def _expected(vault: Vault, role: str, call: str) -> int:
    spec = vault.plan.role(role)
    if spec.reads_audit and not spec.oversees:
        return HANDLER[call]
    if spec.oversees and call in READERS:
        return 200
    return 403


ROLES = ("caseworker", "supervisor", "privacy_officer", "analyst", "council_viewer", "overseer")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_endpoint_by_role(
    oversight_vault: Vault, role: str, clock: ManualClock
) -> None:
    vault = oversight_vault
    if role == "overseer":
        role = overseer_role(vault)
    if role not in _roles(vault):
        pytest.skip(f"the city plan has no role '{role}'")
    opener, _ = signed_in(vault, "opener", "privacy_officer")
    assert opener.post("/staff/incidents/new/", _form(clock)).status_code == 302
    incident = str(Incident.objects.get().id)
    report = str(receive_report(vault, title="Leak", text=REPORT))
    VulnerabilityReport.objects.filter(pk=report).update(sealed=None)
    client, _ = signed_in(vault, "someone", role, team="north")
    answers = _calls(client, incident, report, clock)
    assert set(answers) == set(HANDLER)
    spec = vault.plan.role(role)
    handles = spec.reads_audit and not spec.oversees
    for call, response in answers.items():
        assert response.status_code == _expected(vault, role, call), (call, body(response)[:300])
        assert leaked(body(response)) == set(), call
        if not handles:
            assert SECRET not in body(response), call
    stored = Incident.objects.get(pk=incident)
    assert stored.state == ("closed" if handles else "open")
    assert Incident.objects.count() == (3 if handles else 1)


def test_a_service_token_is_not_a_person(oversight_vault: Vault, clock: ManualClock) -> None:
    headers = bearer(token_for(oversight_vault, "privacy_officer"))
    client = Client(headers=headers)
    assert client.get("/api/incidents").status_code == 403
    assert client.get("/api/vulnerabilities").status_code == 403
    made = client.post(
        "/api/incidents",
        {"kind": "loss", "title": "Lost badge", "detected_at": clock.now().isoformat()},
        content_type=JSON,
    )
    assert made.status_code == 403
    assert not Incident.objects.exists()
