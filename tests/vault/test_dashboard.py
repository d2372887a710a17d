"""The staff dashboard: the panels of every role of every example plan, as a table; and
the page, whose figures follow the registers and mark what needs action."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from steward.clock import ManualClock, use_clock
from steward.policy import load_plan
from steward.vault.models import RightsRequest
from steward.vault.models_response import CommunityAlert
from steward.vault.rules.dashboard import Panel, panels_for
from steward.vault.runtime import Vault
from steward.vault.services.dashboard import dashboard
from tests.vault.conftest import actor_for
from tests.vault.test_staff_support import add_case, body, leaked, make_staff, signed_in

EXAMPLES = Path(__file__).parents[2] / "examples"
R, D, T, J, A = Panel.RIGHTS, Panel.DISCLOSURES, Panel.RETENTION, Panel.JOBS, Panel.ALERTS
INC, VUL, REV, ACC = Panel.INCIDENTS, Panel.VULNERABILITIES, Panel.REVIEWS, Panel.ACCESS
PANELS = {
    "city-constituent-services": {
        "caseworker": (),
        "supervisor": (),
        "privacy_officer": (R, D, T, J, ACC, INC, VUL, REV),
        "analyst": (),
        "resident": (),
        "council_viewer": (),
    },
    "security-help-desk": {
        "help_desk_staff": (),
        "privacy_lead": (R, D, T, J, ACC, INC, VUL, REV, A),
        "finance_officer": (D,),
        "donor_viewer": (),
    },
    "nonprofit-data-project": {
        "pantry_coordinator": (),
        "data_ambassador": (R, D, T, J, ACC, INC, VUL, REV),
        "volunteer_analyst": (),
        "funder_viewer": (),
    },
}


def _cases() -> list[tuple[str, str, tuple[Panel, ...]]]:
    return [
        (plan, role, panels) for plan, roles in PANELS.items() for role, panels in roles.items()
    ]


def test_the_table_covers_every_role_of_every_example_plan() -> None:
    for name, roles in PANELS.items():
        plan = load_plan(EXAMPLES / f"{name}.yaml").plan
        overseeing = {r.id for r in plan.roles if r.oversees}
        assert set(roles) == {r.id for r in plan.roles} - overseeing, name
        for role_id in overseeing:
            shown = panels_for(plan, plan.role(role_id))
            assert shown == (INC, VUL, REV)


@pytest.mark.parametrize(("plan_name", "role", "panels"), _cases())
def test_panels_for(plan_name: str, role: str, panels: tuple[Panel, ...]) -> None:
    plan = load_plan(EXAMPLES / f"{plan_name}.yaml").plan
    assert panels_for(plan, plan.role(role)) == panels


NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_the_figures_follow_the_registers_and_mark_what_needs_action(city_vault: Vault) -> None:
    with use_clock(ManualClock(NOW)):
        officer = actor_for(city_vault, "privacy_officer")
        before = {p.panel: p for p in dashboard(city_vault, officer, NOW)}
        rights = before[Panel.RIGHTS]
        assert [(f.label, f.value, f.attention) for f in rights.figures] == [
            ("open requests", "0", False),
            ("past their legal deadline", "0", False),
        ]
        case = add_case(city_vault, team="north")
        RightsRequest.objects.create(
            kind=RightsRequest.Kind.ACCESS,
            subject=case.subject,
            received=NOW - timedelta(days=40),
            due=NOW - timedelta(days=10),
        )
        after = dashboard(city_vault, officer, NOW)
        assert after[0].panel is Panel.RIGHTS  # needing action comes first
        assert after[0].attention
        assert [f.value for f in after[0].figures] == ["1", "1"]


def test_the_page_shows_each_role_its_panels_and_no_value(city_vault: Vault) -> None:
    add_case(city_vault, team="north")
    officer, _ = signed_in(city_vault, "po.one", "privacy_officer")
    page = officer.get("/staff/dashboard/")
    assert page.status_code == 200
    text = body(page)
    for title in ("People&#x27;s rights requests", "Disclosures", "Retention", "Backups"):
        assert title in text
    assert 'href="/staff/dashboard/"' in text
    assert leaked(text) == set()
    worker, _ = signed_in(city_vault, "cw.one", "caseworker", team="north")
    plain = worker.get("/staff/dashboard/")
    assert plain.status_code == 200
    assert "has no dashboard panel" in body(plain)
    assert 'href="/staff/dashboard/"' not in body(worker.get("/staff/queue/"))


def test_the_help_desk_lead_sees_alerts_waiting(help_desk) -> None:
    vault, _ = help_desk
    lead, _ = make_staff(vault, "lee.lead", "privacy_lead")
    CommunityAlert.objects.create(
        title="Phishing", body="A fake page", drafted_at=NOW, drafted_by=lead
    )
    panels = {p.panel: p for p in dashboard(vault, actor_for(vault, "privacy_lead"), NOW)}
    figures = {f.label: (f.value, f.attention) for f in panels[Panel.ALERTS].figures}
    assert figures["drafts to read"] == ("1", True)
    assert figures["waiting for the partner"] == ("0", False)


def test_the_access_panel_counts_reveals_and_denials_and_names_the_unusual(
    city_vault: Vault,
) -> None:
    from steward.audit import Outcome
    from steward.vault.audit_actions import AuditAction
    from steward.vault.services.auditing import audit

    with use_clock(ManualClock(NOW - timedelta(days=40))):
        early, _ = make_staff(city_vault, "early.bird", "caseworker")
        for _ in range(50):  # before the 30 days: not counted
            audit(city_vault, actor=f"staff/{early.pk}", action=AuditAction.FIELD_REVEAL,
                  obj="record/x", purpose="p")  # fmt: skip
    reveals = {"ana.ng": 60, "bo.li": 6, "cy.oh": 7, "di.ra": 8}
    with use_clock(ManualClock(NOW - timedelta(days=2))):
        for name, count in reveals.items():
            user, _ = make_staff(city_vault, name, "caseworker")
            for _ in range(count):
                audit(city_vault, actor=f"staff/{user.pk}", action=AuditAction.FIELD_REVEAL,
                      obj="record/x", purpose="p")  # fmt: skip
        audit(city_vault, actor=f"staff/{user.pk}", action=AuditAction.FIELD_REVEAL,
              obj="record/y", outcome=Outcome.DENIED)  # fmt: skip
        officer = actor_for(city_vault, "privacy_officer")
        panels = {p.panel: p for p in dashboard(city_vault, officer, NOW)}
    access = panels[Panel.ACCESS]
    assert [(f.label, f.value, f.attention) for f in access.figures] == [
        ("reveals by Caseworker", "81", False),
        ("denials to Caseworker", "1", False),
        ("most reveals by one person", "ana.ng: 60", False),
        ("reveals far above their peers'", "ana.ng", True),
    ]
    assert access.attention
    assert access.link == "/staff/audit/"
