"""The release rules as tables: audiences and their fields, periods, who releases and who
sees, and the consistency of releases seen together."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import load_plan_text
from steward.policy.model import Plan
from steward.vault.rules.aggregate_release import (
    PUBLIC_MIN_GROUP,
    Earlier,
    audience_of,
    month_period,
    release_conflict,
    release_refusal,
    visible_audiences,
)
from steward.vault.rules.staff_standing import StaffStanding
from tests.vault.conftest import CITY

COUNTABLE = ["district", "request_type"]


def city(recipients: list[dict[str, Any]] | None = None) -> Plan:
    data = yaml.safe_load(Path(CITY).read_text(encoding="utf-8"))
    if recipients is not None:
        data["recipients"] = recipients
        data["roles"] = [r for r in data["roles"] if "recipient" not in r]
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


def donor(**changes: Any) -> dict[str, Any]:
    base = {"id": "fund", "name": "A fund", "kind": "donor", "aggregates_only": True}
    return {**base, "min_group_size": 5, **changes}


@pytest.mark.parametrize(
    ("recipients", "audience", "size", "fields"),
    [
        (None, "city_council", 10, {"district": frozenset(), "request_type": frozenset()}),
        (None, "public", 10, {"district": frozenset(), "request_type": frozenset()}),
        ([], "public", PUBLIC_MIN_GROUP, {"district": frozenset(), "request_type": frozenset()}),
        ([donor(categories=["location"])], "fund", 5, {}),  # no countable field of it
        ([donor(purposes=["service_updates"])], "fund", 5, {}),  # its fields are encrypted
        (
            [
                donor(purposes=["service_delivery"]),
                donor(id="b", min_group_size=20, categories=["operational"]),
            ],
            "public",
            20,
            {"district": frozenset(), "request_type": frozenset()},
        ),
        ([donor()], "fund", 5, {}),  # a recipient naming nothing receives nothing
    ],
)
def test_audiences(
    recipients: list[dict[str, Any]] | None, audience: str, size: int, fields: dict[str, Any]
) -> None:
    plan = city(recipients)
    found = audience_of(plan, plan.dataset("service_request"), COUNTABLE, audience)
    assert (found.id, found.min_group_size, found.fields) == (audience, size, fields)


@pytest.mark.parametrize(
    ("audience", "message"),
    [("nobody", "no recipient 'nobody'"), ("civic_data_lab", "aggregates only")],
)
def test_unreleasable_audiences(audience: str, message: str) -> None:
    plan = city()
    with pytest.raises(ValueError, match=message):
        audience_of(plan, plan.dataset("service_request"), COUNTABLE, audience)


def test_a_field_reached_only_through_consent_is_gated() -> None:
    plan = city([donor(purposes=["service_updates"])])
    dataset = plan.dataset("service_request")
    # pretend the email field were a clear, countable field: it serves follow_up too
    found = audience_of(plan, dataset, ["email"], "fund")
    assert found.fields == {"email": frozenset({"service_updates"})}


TODAY = date(2026, 5, 10)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 4, 9), date(2026, 4, 9), (date(2026, 4, 1), date(2026, 4, 30))),
        (date(2026, 1, 31), date(2026, 3, 2), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2025, 12, 5), date(2025, 12, 5), (date(2025, 12, 1), date(2025, 12, 31))),
        (date(2026, 5, 1), date(2026, 5, 1), "has ended"),
        (date(2026, 4, 1), date(2026, 3, 1), "ends before"),
    ],
)
def test_periods_are_whole_months_that_ended(start: date, end: date, expected: Any) -> None:
    if isinstance(expected, str):
        with pytest.raises(ValueError, match=expected):
            month_period(start, end, TODAY)
    else:
        assert month_period(start, end, TODAY) == expected


@pytest.mark.parametrize(
    ("role", "user", "expired", "mfa", "refused"),
    [
        ("privacy_officer", 1, False, True, None),
        ("privacy_officer", None, False, True, "staff account"),
        ("privacy_officer", 1, True, True, "ended"),
        ("privacy_officer", 1, False, False, "second factor"),
        ("caseworker", 1, False, True, "approves disclosures"),
        ("supervisor", 1, False, True, "approves disclosures"),
        ("analyst", 1, False, True, "approves disclosures"),
        ("council_viewer", 1, False, True, "approves disclosures"),
        ("resident", 1, False, True, "staff account"),
    ],
)
def test_who_releases(
    role: str, user: int | None, expired: bool, mfa: bool, refused: str | None
) -> None:
    who = StaffStanding(city().role(role), user, expired, mfa)
    reason = release_refusal(who)
    assert (reason is None) if refused is None else (refused in (reason or ""))


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        (None, {"public"}),
        ("privacy_officer", {"public", "city_council", "fund"}),
        ("council_viewer", {"public", "city_council"}),
        ("caseworker", set()),
        ("supervisor", set()),
        ("analyst", set()),
        ("resident", set()),
    ],
)
def test_who_sees(role: str | None, seen: set[str]) -> None:
    found = visible_audiences(None if role is None else city().role(role), ["city_council", "fund"])
    assert found == seen


APRIL = (date(2026, 4, 1), date(2026, 4, 30))
Q1 = (date(2026, 1, 1), date(2026, 3, 31))
JAN_APR = (date(2026, 1, 1), date(2026, 4, 30))


def rel(audience: str, by: tuple[str, ...], period: tuple[date, date], k: int = 10) -> Earlier:
    return Earlier("r", "service_request", audience, by, *period, k)


@pytest.mark.parametrize(
    ("earlier", "new", "outcome"),
    [
        (rel("fund", ("district",), Q1), rel("fund", ("district",), JAN_APR), "refused"),
        (rel("fund", ("district",), APRIL), rel("fund", ("district",), APRIL), "again"),
        (rel("fund", ("district",), APRIL), rel("fund", ("district",), APRIL, 5), "refused"),
        (
            rel("fund", ("district",), APRIL),
            rel("fund", ("district", "request_type"), APRIL),
            "refused",
        ),
        (rel("public", ("district",), APRIL), rel("fund", ("district",), APRIL), "refused"),
        (rel("fund", ("district",), APRIL), rel("public", ("district",), APRIL), "refused"),
        (rel("fund", ("district",), APRIL), rel("other", ("district",), APRIL), "free"),
        (rel("fund", ("district",), Q1), rel("fund", ("district",), APRIL), "free"),
        (rel("fund", ("district",), APRIL), rel("fund", ("request_type",), APRIL), "free"),
    ],
    ids=[
        "growing-period",
        "same",
        "other-k",
        "cross-tab",
        "public-then-donor",
        "donor-then-public",
        "another-donor",
        "next-months",
        "another-field",
    ],
)
def test_releases_seen_together_stay_consistent(
    earlier: Earlier, new: Earlier, outcome: str
) -> None:
    same, reason = release_conflict(new, [earlier])
    got = "again" if same is not None else "refused" if reason else "free"
    assert got == outcome
