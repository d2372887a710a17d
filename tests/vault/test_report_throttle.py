"""Vulnerability reports through the public form and API: the limit of reports an hour
from one address (a table of the rule, then both routes), the API's receipt and its
refusals. A refused report stores nothing and does not count."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from django.test import Client, override_settings

from steward.clock import ManualClock
from steward.vault.models import CodeAttempt
from steward.vault.models_response import VulnerabilityReport
from steward.vault.rules.report_throttle import ReportLimit, wait_seconds
from steward.vault.runtime import Vault
from tests.vault.disclosure_support import clock
from tests.vault.incident_support import oversight_vault
from tests.vault.test_staff_support import body

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

__all__ = ["clock", "oversight_vault"]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
REPORT = "The search page lists case titles to visitors who are not signed in."
API = "/api/security/reports"
JSON = "application/json"


def _ago(*minutes: int) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


@pytest.mark.parametrize(
    ("received", "limit", "wait"),
    [
        ([], ReportLimit(3), 0),
        (_ago(1, 2), ReportLimit(3), 0),
        (_ago(1, 2, 50), ReportLimit(3), 10 * 60),  # the oldest leaves in 10 minutes
        (_ago(1, 2, 3, 4), ReportLimit(3), 57 * 60),  # the third newest counts
        (_ago(1, 2, 60), ReportLimit(3), 0),  # exactly an hour old: out of the window
        (_ago(1, 2, 61, 90), ReportLimit(3), 0),
        (_ago(0), ReportLimit(1), 3600),
        (_ago(30), ReportLimit(1, timedelta(minutes=30)), 0),
        ([NOW - timedelta(seconds=3599, microseconds=500_000)], ReportLimit(1), 1),
        ([NOW + timedelta(minutes=5)], ReportLimit(1), 0),  # a clock that moved back
    ],
)
def test_the_wait_before_the_next_report(
    received: list[datetime], limit: ReportLimit, wait: int
) -> None:
    assert wait_seconds(received, limit, NOW) == wait


@pytest.mark.parametrize(("reports", "window"), [(0, HOUR), (1, timedelta(0))])
def test_a_limit_must_let_something_through(reports: int, window: timedelta) -> None:
    with pytest.raises(ValueError, match="must be"):
        ReportLimit(reports, window)


def _form(client: Client, text: str = REPORT) -> Response:
    return client.post("/security/report/", {"title": "Leak", "text": text})


@override_settings(STEWARD_REPORT_LIMIT=3)
def test_the_form_takes_three_an_hour_from_one_address(
    oversight_vault: Vault, clock: ManualClock
) -> None:
    office = Client(REMOTE_ADDR="203.0.113.7")
    assert _form(office, "short").status_code == 400  # refused: not counted
    for _ in range(3):
        assert _form(office).status_code == 200
    clock.advance(minutes=20)
    refused = _form(office, REPORT + " Also the export page.")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(40 * 60)
    page = body(refused)
    assert "too many reports came from your network" in page
    assert "try again in 40 minutes" in page
    assert "Also the export page." in page  # what was typed is kept
    assert refused["Cache-Control"] == "no-store"
    assert VulnerabilityReport.objects.count() == 3

    neighbour = Client(REMOTE_ADDR="198.51.100.4")
    assert _form(neighbour).status_code == 200
    clock.advance(minutes=40)
    assert _form(office).status_code == 200
    assert VulnerabilityReport.objects.count() == 5
    keys = set(CodeAttempt.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any("203.0.113.7" in k or "198.51.100.4" in k for k in keys)


@override_settings(STEWARD_REPORT_LIMIT=2)
def test_the_api_receipt_and_its_limit(oversight_vault: Vault, clock: ManualClock) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    sent = client.post(API, {"title": "Leak", "text": REPORT}, content_type=JSON)
    assert sent.status_code == 201, sent.content
    receipt = sent.json()
    stored = VulnerabilityReport.objects.get()
    assert receipt["reference"] == str(stored.id)
    assert receipt["sealed"] is True
    assert stored.disclose_by is not None
    assert receipt["disclose_by"].startswith(str(stored.disclose_by.date()))
    assert REPORT.encode() not in bytes(stored.sealed or b"")
    assert client.post(API, {"text": REPORT}, content_type=JSON).status_code == 201
    refused = client.post(API, {"text": REPORT}, content_type=JSON)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert refused.json()["retry_after"] == 3600
    assert VulnerabilityReport.objects.count() == 2


@pytest.mark.parametrize(
    ("sent", "status", "says"),
    [
        ({"text": "short"}, 400, "at least 20 characters"),
        ({"title": "x"}, 422, "text"),
        ({"text": REPORT, "title": "t" * 201}, 422, "title"),
        ({"text": "x" * 20_001}, 422, "text"),
        ("not json", 422, "not valid JSON"),
    ],
)
def test_the_api_refuses_a_bad_report(
    oversight_vault: Vault, sent: object, status: int, says: str
) -> None:
    payload = sent if isinstance(sent, str) else json.dumps(sent)
    answer = Client().post(API, payload, content_type=JSON)
    assert answer.status_code == status, answer.content
    assert says in answer.content.decode()
    assert "Traceback" not in answer.content.decode()
    assert not VulnerabilityReport.objects.exists()
    assert not CodeAttempt.objects.exists()


def test_no_route_without_a_policy(oversight_vault: Vault) -> None:
    from dataclasses import replace

    from steward.vault.runtime import use_vault

    plan = oversight_vault.plan
    ops = plan.operations.model_copy(update={"vulnerability_disclosure": None})
    loaded = replace(oversight_vault.loaded, plan=plan.model_copy(update={"operations": ops}))
    use_vault(replace(oversight_vault, loaded=loaded))
    answer = Client().post(API, {"text": REPORT}, content_type=JSON)
    assert answer.status_code == 404
    assert "takes no vulnerability reports" in answer.json()["detail"]
