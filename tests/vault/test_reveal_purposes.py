"""A reveal's purpose is one the role holds, the field serves and the person agreed to;
its reason says something (issue 8, defect 14). Through the real API and staff pages.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from steward.audit import Outcome
from steward.vault.models import AuditEntryRow, Consent, Record
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault
from steward.vault.services.collect import submit
from tests.vault.test_api_support import VALUES, bearer, token_for
from tests.vault.test_staff_support import body, signed_in

REASON = "sending the district newsletter"


def _resident(vault: Vault, *, opted_in: bool) -> Record:
    consents = frozenset({"service_updates"}) if opted_in else frozenset()
    receipt = submit(vault, Submission("service_request", VALUES, consents=consents))
    record = Record.objects.get(pk=receipt.reference)
    record.team = "north"
    record.save()
    return record


def _reveal(client: Client, record: Record, headers: dict[str, str], **body: str):
    payload = {"field": "email", "purpose": "service_updates", "reason": REASON, **body}
    return client.post(
        f"/api/records/{record.id}/reveal",
        payload,
        content_type="application/json",
        headers=headers,
    )


def _last() -> dict[str, object]:
    row = AuditEntryRow.objects.order_by("-seq").first()
    assert row is not None
    entry: dict[str, object] = json.loads(bytes(row.record))
    return entry


@pytest.mark.urls("tests.vault.test_api_support")
def test_a_supervisor_cannot_reveal_for_a_purpose_the_role_does_not_hold(
    client: Client, city_vault: Vault
) -> None:
    record = _resident(city_vault, opted_in=False)
    supervisor = bearer(token_for(city_vault, "supervisor"))

    refused = _reveal(client, record, supervisor)

    assert refused.status_code == 403
    assert "not one the role 'supervisor' works for" in refused.json()["detail"]
    assert VALUES["email"] not in refused.content.decode()
    assert (_last()["action"], _last()["outcome"]) == ("field.reveal", Outcome.DENIED.value)
    allowed = _reveal(client, record, supervisor, purpose="follow_up")
    assert allowed.status_code == 200
    assert allowed.json()["value"] == VALUES["email"]


@pytest.mark.urls("tests.vault.test_api_support")
def test_a_consent_purpose_needs_the_persons_agreement_not_withdrawn(
    client: Client, city_vault: Vault
) -> None:
    officer = bearer(token_for(city_vault, "privacy_officer", team=""))
    never = _resident(city_vault, opted_in=False)
    agreed = _resident(city_vault, opted_in=True)

    refused = _reveal(client, never, officer)
    assert refused.status_code == 403
    assert "did not agree to this purpose" in refused.json()["detail"]

    assert _reveal(client, agreed, officer).status_code == 200
    entry = _last()
    assert entry["purpose"] == f"service_updates: {REASON}"

    Consent.objects.filter(record=agreed, purpose="service_updates").update(
        withdrawn=timezone.now()
    )
    withdrawn = _reveal(client, agreed, officer)
    assert withdrawn.status_code == 403
    assert "withdrew their consent" in withdrawn.json()["detail"]


@pytest.mark.urls("tests.vault.test_api_support")
@pytest.mark.parametrize(
    "reason",
    [
        "........",
        "        ",
        "aaaaaaaaaaaa",
        "call\x00back about the lamp",
        "call \x1b[31m back now",
    ],
)
def test_a_reason_must_say_something_in_plain_words(
    client: Client, city_vault: Vault, reason: str
) -> None:
    record = _resident(city_vault, opted_in=False)
    supervisor = bearer(token_for(city_vault, "supervisor"))
    before = AuditEntryRow.objects.count()

    refused = _reveal(client, record, supervisor, purpose="follow_up", reason=reason)

    assert refused.status_code == 403  # never 503: the audit log is not the problem
    detail = refused.json()["detail"]
    assert "reason" in detail
    if "\x00" in reason or "\x1b" in reason:
        assert "control character" in detail
    assert VALUES["email"] not in refused.content.decode()
    assert AuditEntryRow.objects.count() == before + 1
    assert _last()["outcome"] == Outcome.DENIED.value


def _options(html: str) -> list[str]:
    select = html[html.index("<select") : html.index("</select>")]
    return re.findall(r'<option value="([^"]+)"', select)


def test_the_reveal_dialog_offers_only_purposes_that_can_succeed(city_vault: Vault) -> None:
    record = _resident(city_vault, opted_in=False)
    supervisor, _ = signed_in(city_vault, "ana.pereira", "supervisor", team="north")
    text = body(supervisor.get(f"/staff/records/{record.id}/reveal/email/"))
    assert _options(text) == ["follow_up"]
    assert "City service updates by email: the purpose given is not one the role" in text

    officer, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    text = body(officer.get(f"/staff/records/{record.id}/reveal/email/"))
    assert _options(text) == ["follow_up"]
    assert "City service updates by email: the person did not agree to this purpose" in text

    agreed = _resident(city_vault, opted_in=True)
    text = body(officer.get(f"/staff/records/{agreed.id}/reveal/email/"))
    assert _options(text) == ["follow_up", "service_updates"]


def test_a_nul_in_the_reason_on_the_page_is_refused_with_the_form_again(
    city_vault: Vault,
) -> None:
    record = _resident(city_vault, opted_in=False)
    supervisor, _ = signed_in(city_vault, "ana.pereira", "supervisor", team="north")
    response = supervisor.post(
        f"/staff/records/{record.id}/reveal/email/",
        {"purpose": "follow_up", "reason": "calling\x00 back about the lamp"},
    )
    assert response.status_code == 403
    text = body(response)
    assert "control character" in text
    assert VALUES["email"] not in text
    assert _options(text) == ["follow_up"]
