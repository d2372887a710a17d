"""Aggregate releases: counts from live records and closed cases, suppressed with the
audience's smallest group, stored as shown, audited; refusals and consistency."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from steward.audit import Outcome
from steward.vault.models import Consent
from steward.vault.models_egress import AggregateRelease
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.aggregate_releases import AggregateReleaseService
from tests.vault.aggregate_support import closed_counts, council, grid_rows, put_records
from tests.vault.conftest import actor_for
from tests.vault.erasure_support import staff_actor
from tests.vault.small_cells_attack import leaks, true_values

__all__ = ["council"]

APRIL = date(2026, 4, 3)
DISTRICTS = {"North": 30, "South": 4, "East": 25, "West": 12, "Downtown": 40}


def _officer(vault: Vault) -> Actor:
    return staff_actor(vault, "olivia", "privacy_officer")


def test_a_one_way_release_counts_live_and_closed_cases(council: Vault) -> None:
    put_records(council, [(APRIL, {"district": d}) for d, n in DISTRICTS.items() for _ in range(n)])
    closed_counts(date(2026, 4, 1), "district", {"North": 5, "South": 2})
    closed_counts(date(2026, 3, 1), "district", {"North": 100})  # another month
    made = AggregateReleaseService(council).release(
        _officer(council), "service_request", "city_council", ["district"]
    )
    table = made.table
    assert (made.period_start, made.period_end) == (date(2026, 4, 1), date(2026, 4, 30))
    assert made.min_group_size == 10
    assert table["counts"]["South"] is None  # 4 + 2 closed = 6 < 10
    assert table["counts"]["North"] == 35
    assert leaks(table, true_values({**DISTRICTS, "North": 35, "South": 6}), 10) == []
    assert any("closed cases" in note for note in table["notes"])
    stored = AggregateRelease.objects.get(pk=made.id)
    assert stored.table == table
    assert stored.suppressed == made.suppressed >= 2
    entry = list(council.audit.entries())[-1]
    assert (entry.action, entry.outcome) == ("aggregate.release", Outcome.ALLOWED)


def test_a_cross_tab_counts_live_records_only_and_protects_small_cells(council: Vault) -> None:
    counts = {("North", "pothole"): 30, ("North", "noise"): 2, ("South", "pothole"): 14}
    counts |= {("South", "noise"): 21, ("East", "pothole"): 3, ("East", "noise"): 11}
    put_records(council, grid_rows(APRIL, counts))
    closed_counts(date(2026, 4, 1), "district", {"North": 5})
    made = AggregateReleaseService(council).release(
        _officer(council), "service_request", "public", ["district", "request_type"]
    )
    grid: dict[str, dict[str, int]] = {}
    for (d, t), n in counts.items():
        grid.setdefault(d, {})[t] = n
    table = made.table
    assert table["counts"]["North"]["noise"] is None
    assert any("live records only" in note for note in table["notes"])
    full = {d: {t: grid.get(d, {}).get(t, 0) for t in table["col_totals"]} for d in table["counts"]}
    assert leaks(table, true_values(full), 10) == []


def test_consent_fields_count_only_people_who_agree(council: Vault) -> None:
    """A field reached only through a consent purpose counts only people agreeing now."""
    from steward.vault.rules.aggregate_release import audience_of
    from steward.vault.services.aggregate_counts import count_records

    records = put_records(council, [(APRIL, {"district": "North"})] * 3)
    Consent.objects.create(
        subject=records[0].subject, record=records[0], purpose="service_updates", granted=True
    )
    gates = {"district": frozenset({"service_updates"})}
    found = count_records("service_request", ("district",), APRIL, APRIL, gates)
    assert found.cells == Counter({("North",): 1})
    assert found.closed == 0
    audience = audience_of(
        council.plan, council.plan.dataset("service_request"), ["district"], "public"
    )
    assert audience.fields == {"district": frozenset()}  # planning needs no consent


def test_the_same_table_is_given_again_and_a_different_one_refused(council: Vault) -> None:
    """Differencing: Jan-Mar and Jan-Apr would give April; so would a recount of April."""
    put_records(council, [(APRIL, {"district": "North"})] * 12)
    service, officer = AggregateReleaseService(council), _officer(council)
    first = service.release(officer, "service_request", "city_council", ["district"])
    put_records(council, [(APRIL, {"district": "North"})])  # a late record
    again = service.release(officer, "service_request", "city_council", ["district"])
    assert again.again
    assert (again.id, again.table) == (first.id, first.table)
    with pytest.raises(InvalidValue, match="subtracted"):
        service.release(
            officer, "service_request", "city_council", ["district"], date(2026, 3, 1), APRIL
        )
    with pytest.raises(InvalidValue, match="subtracted"):  # the council sees public ones
        service.release(officer, "service_request", "public", ["district", "request_type"])
    assert AggregateRelease.objects.count() == 1


@pytest.mark.parametrize(
    ("audience", "by", "start", "message"),
    [
        ("nobody", ["district"], None, "no recipient 'nobody'"),
        ("civic_data_lab", ["district"], None, "aggregates only"),
        ("city_council", ["age_band"], None, "may not be given counts by 'age_band'"),
        ("city_council", ["full_name"], None, "may not be given counts by 'full_name'"),
        ("city_council", [], None, "one field"),
        ("city_council", ["district", "request_type", "district2"], None, "one field"),
        ("city_council", ["district"], date(2026, 5, 1), "month that has ended"),
    ],
)
def test_bad_requests_are_refused_clearly(
    council: Vault, audience: str, by: list[str], start: date | None, message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        AggregateReleaseService(council).release(
            _officer(council), "service_request", audience, by, start
        )
    assert AggregateRelease.objects.count() == 0


def test_an_unknown_dataset_and_a_bad_epsilon(council: Vault) -> None:
    service, officer = AggregateReleaseService(council), _officer(council)
    with pytest.raises(NotFound):
        service.release(officer, "nothing", "public", ["district"])
    with pytest.raises(InvalidValue, match="epsilon"):
        service.release(officer, "service_request", "public", ["district"], epsilon=-1)


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "analyst", "council_viewer"])
def test_only_an_approver_releases_and_refusals_are_audited(council: Vault, role: str) -> None:
    with pytest.raises(AccessDenied, match="approves disclosures"):
        AggregateReleaseService(council).release(
            staff_actor(council, "sam", role), "service_request", "public", ["district"]
        )
    entry = list(council.audit.entries())[-1]
    assert (entry.action, entry.outcome) == ("aggregate.release", Outcome.DENIED)


def test_a_service_token_and_a_missing_second_factor_are_refused(council: Vault) -> None:
    service = AggregateReleaseService(council)
    with pytest.raises(AccessDenied, match="staff account"):
        service.release(
            actor_for(council, "privacy_officer"), "service_request", "public", ["district"]
        )
    officer = staff_actor(council, "olivia", "privacy_officer")
    no_mfa = type(officer)(officer.ref, officer.role, officer.user_id, mfa_verified=False)
    with pytest.raises(AccessDenied, match="second factor"):
        service.release(no_mfa, "service_request", "public", ["district"])


def test_who_sees_which_releases(council: Vault) -> None:
    put_records(council, [(APRIL, {"district": "North", "request_type": "noise"})] * 12)
    service, officer = AggregateReleaseService(council), _officer(council)
    mine = service.release(officer, "service_request", "city_council", ["district"])
    public = service.release(officer, "service_request", "public", ["request_type"])
    donor = staff_actor(council, "dora", "council_viewer")
    assert {v.id for v in service.visible(donor)} == {mine.id, public.id}
    assert {v.id for v in service.visible(None)} == {public.id}
    assert {v.id for v in service.visible(officer)} == {mine.id, public.id}
    assert service.visible(staff_actor(council, "cas", "caseworker")) == []
    with pytest.raises(NotFound):
        service.get(None, mine.id)
    with pytest.raises(NotFound):
        service.get(None, "not-a-uuid")
    assert service.get(donor, mine.id).table == mine.table


def test_differentially_private_counts_record_their_budget(council: Vault) -> None:
    put_records(council, [(APRIL, {"district": "North"})] * 40)
    service, officer = AggregateReleaseService(council), _officer(council)
    made = service.release(officer, "service_request", "city_council", ["district"], epsilon=0.5)
    assert made.epsilon == 0.5
    assert any("epsilon 0.5" in note for note in made.table["notes"])
    assert service.budgets(officer) == {"city_council": 0.5}
    plain = service.release(
        officer,
        "service_request",
        "city_council",
        ["district"],
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    assert plain.epsilon is None
