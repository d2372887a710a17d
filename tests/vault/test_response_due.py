"""What is due among incidents and vulnerability reports, counted at a moment, and the
badges the staff navigation shows from it."""

from __future__ import annotations

from datetime import timedelta

from steward.clock import ManualClock
from steward.vault.runtime import Vault
from steward.vault.services.incidents import change_state, open_incident, record_notice
from steward.vault.services.response_due import response_due
from steward.vault.services.vulnerabilities import receive_report, record_disclosure
from tests.vault.disclosure_support import clock
from tests.vault.incident_support import handler, oversight_vault
from tests.vault.test_staff_support import body, signed_in

__all__ = ["clock", "oversight_vault"]
TEXT = "A report long enough to be received by the form."


def test_counts_move_with_the_clock(oversight_vault: Vault, clock: ManualClock) -> None:
    vault, lead = oversight_vault, handler(oversight_vault)
    first = open_incident(vault, lead, kind="loss", title="Lost phone", detected_at=clock.now())
    second = open_incident(vault, lead, kind="loss", title="Lost bag", detected_at=clock.now())
    report = receive_report(vault, title="", text=TEXT)
    assert response_due(clock.now()).overdue == 0
    clock.advance(hours=50)
    assert response_due(clock.now()).incident_clocks_due_soon == 2
    clock.advance(hours=23)
    assert response_due(clock.now()).incident_clocks_overdue == 2
    record_notice(vault, lead, first.id, "authority")
    change_state(vault, lead, second.id, "closed", "a false alarm: the bag was in the office")
    assert response_due(clock.now()).incident_clocks_overdue == 0
    clock.advance(days=84)  # 6 days before the city's 90-day disclosure date
    assert response_due(clock.now()).reports_within_7_days == 1
    clock.advance(days=7)
    due = response_due(clock.now())
    assert (due.reports_overdue, due.incident_clocks_overdue) == (1, 1)  # the people's notice
    record_disclosure(vault, lead, report, note="advisory published on the city site")
    assert response_due(clock.now()).reports_overdue == 0


def test_the_navigation_shows_the_overdue_badges(
    oversight_vault: Vault, clock: ManualClock
) -> None:
    lead = handler(oversight_vault)
    open_incident(
        oversight_vault, lead, kind="loss", title="Lost phone",
        detected_at=clock.now() - timedelta(days=4),
    )  # fmt: skip
    client, _ = signed_in(oversight_vault, "ana", "privacy_officer")
    page = body(client.get("/staff/incidents/"))
    assert 'Incidents <span class="badge">1 overdue</span>' in page
    assert '<a href="/staff/vulnerabilities/">Vulnerabilities</a>' in page
