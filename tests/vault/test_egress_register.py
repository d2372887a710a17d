"""The register and the transparency report on a built register (SQLite and PostgreSQL):
exact counts, outcomes, prohibitions, periods, who may read it, and what the public sees."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from steward.audit import Outcome as AuditOutcome
from steward.clock import ManualClock, use_clock
from steward.vault.audit_actions import AuditAction
from steward.vault.rules.transparency import Figure, parse_period
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue
from steward.vault.services.egress_register import register_entries
from steward.vault.services.transparency import (
    build_report,
    publish_report,
    report_html,
    report_json,
)
from tests.vault.conftest import actor_for
from tests.vault.egress_register_support import (
    COURT,
    NOW,
    SEALED_REFERENCE,
    build_register,
)
from tests.vault.own_choices_support import audit_entries

Q1 = parse_period("2026-q1")


def _actions(vault: Vault) -> list[tuple[str, str]]:
    return [(e["action"], e["outcome"]) for e in audit_entries()]


@pytest.fixture
def built(city_vault: Vault):
    with use_clock(ManualClock(NOW)):
        yield build_register(city_vault)


def test_every_entry_of_the_period_is_in_the_register(city_vault: Vault, built) -> None:
    officer = actor_for(city_vault, "privacy_officer", user_id=built.officer.pk)
    entries = register_entries(city_vault, officer, *Q1.bounds)
    kinds = [e.kind.value for e in entries]
    assert kinds.count("disclosure") == 6
    assert kinds.count("extract") == 2
    assert kinds.count("aggregate") == 2
    outcomes = sorted(e.outcome for e in entries if e.kind.value == "disclosure")
    assert outcomes == sorted(
        ["full", "refused", "refused_at_opening", "partial", "withdrawn", "pending"]
    )
    court = next(e for e in entries if e.ground == "court_order" and e.outcome == "full")
    assert court.legal_reference == SEALED_REFERENCE
    assert (court.records, court.records_released, court.people) == (3, 3, 3)
    assert (court.notices_sent, court.notices_held, court.prohibitions_running) == (2, 1, 1)
    assert court.requester_role == "caseworker"
    assert court.approver_role == "privacy_officer"
    assert court.party == COURT
    assert court.delivered is not None
    assert court.expired  # its one delivery expired before NOW
    partial = next(e for e in entries if e.outcome == "partial")
    assert (partial.records, partial.records_released) == (2, 1)
    council = next(e for e in entries if e.recipient == "city_council")
    assert council.party == "Riverton City Council"
    assert (council.cells, council.suppressed) == (12, 3)
    assert (AuditAction.DISCLOSURE_READ, AuditOutcome.ALLOWED) in _actions(city_vault)


def test_kinds_filter_and_bad_input(city_vault: Vault, built) -> None:
    officer = actor_for(city_vault, "privacy_officer", user_id=built.officer.pk)
    only = register_entries(city_vault, officer, *Q1.bounds, kinds=["extract"])
    assert {e.kind.value for e in only} == {"extract"}
    with pytest.raises(InvalidValue, match="kind must be one of"):
        register_entries(city_vault, officer, *Q1.bounds, kinds=["letters"])
    start, end = Q1.bounds
    with pytest.raises(InvalidValue, match="ends before"):
        register_entries(city_vault, officer, end, start)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("caseworker", False), ("supervisor", False), ("analyst", False), ("privacy_officer", True)],
)
def test_who_may_read_the_register(city_vault: Vault, built, role: str, allowed: bool) -> None:
    actor = actor_for(city_vault, role, user_id=7)
    if allowed:
        assert register_entries(city_vault, actor, *Q1.bounds)
        return
    with pytest.raises(AccessDenied, match=r"may not|does not let"):
        register_entries(city_vault, actor, *Q1.bounds)
    assert (AuditAction.DISCLOSURE_READ, AuditOutcome.DENIED) in _actions(city_vault)


def test_a_token_or_a_session_without_its_second_factor_is_refused(
    city_vault: Vault, built
) -> None:
    for actor in (
        actor_for(city_vault, "privacy_officer"),  # a token: no user
        actor_for(city_vault, "privacy_officer", user_id=3, mfa_verified=False),
    ):
        with pytest.raises(AccessDenied):
            register_entries(city_vault, actor, *Q1.bounds)


def test_the_report_counts_exactly(city_vault: Vault, built) -> None:
    report = build_report(city_vault, Q1, now=NOW)
    t = report.tally
    r = t.requests
    assert (r.total, r.full, r.partial, r.refused, r.refused_at_opening) == (6, 1, 1, 1, 1)
    assert (r.withdrawn, r.pending) == (1, 1)
    grounds = {row.key: row.total for row in t.by_ground}
    assert grounds == {"consent": 1, "court_order": 3, "subpoena": 1, "warrant": 1}
    requesters = {row.key: row.total for row in t.by_requester}
    assert requesters == {"court": 3, "law_enforcement": 2, "legal_aid": 1}
    # Five records of five people; four disclosed; two told; all under 10, so banded.
    assert t.smallest == 10
    assert t.records_asked == Figure(1, 9)
    assert t.people_notified == Figure(1, 9)
    assert t.notices_delayed == Figure(1, 9)
    assert t.requests_under_prohibition == 1
    assert (t.extracts_released, t.extracts_withheld, t.aggregate_releases) == (1, 1, 2)
    inventory = {row.party: row for row in report.inventory}
    lab = inventory["Riverton Civic Data Lab (volunteer analysts)"]
    assert (lab.in_plan, lab.extracts_released, lab.extracts_withheld) == (True, 1, 1)
    assert inventory["Riverton City Council"].aggregate_releases == 1
    assert inventory["The public"].aggregate_releases == 1
    court = inventory["Outside party: court"]
    assert (court.in_plan, court.disclosure_requests, court.disclosures_complied) == (
        False,
        3,
        1,
    )


def test_when_the_prohibition_ends_nothing_runs_any_more(city_vault: Vault, built) -> None:
    later = datetime(2026, 9, 1, tzinfo=UTC)
    assert build_report(city_vault, Q1, now=later).tally.requests_under_prohibition == 0


def test_other_periods_count_only_their_own(city_vault: Vault, built) -> None:
    q2 = build_report(city_vault, parse_period("2026-q2"), now=NOW).tally
    assert (q2.requests.total, q2.requests.full) == (1, 1)
    year = build_report(city_vault, parse_period("2026"), now=NOW).tally
    assert year.requests.total == 7
    empty = build_report(city_vault, parse_period("2025"), now=NOW).tally
    assert empty.requests.total == 0


def test_the_public_report_names_nobody(city_vault: Vault, built) -> None:
    report = build_report(city_vault, Q1, now=NOW)
    for text in (report_html(report), report_json(report)):
        assert SEALED_REFERENCE not in text
        assert "W-19" not in text
        assert COURT not in text
        assert "State police" not in text
        assert "Person Number" not in text
        assert "Wobblewick" not in text
        assert "cleo.clerk" not in text
    html = report_html(report)
    assert "<script" not in html
    assert "http://" not in html
    assert "https://" not in html
    data = json.loads(report_json(report))
    assert data["requests"]["all"]["total"] == 6
    assert data["people"]["notified"] == {"low": 1, "high": 9, "exact": False}


def test_publishing_is_audited(city_vault: Vault, built) -> None:
    done = publish_report(city_vault, Q1, "cli/transparency", now=NOW)
    assert json.loads(done.json)["period"]["slug"] == "2026-q1"
    assert (AuditAction.TRANSPARENCY_PUBLISH, AuditOutcome.ALLOWED) in _actions(city_vault)
