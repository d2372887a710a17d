"""Routing, as a table: which team a new record goes to, by the plan's rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.policy import load_plan
from steward.policy.model import DatasetRouting, Routing
from steward.vault.rules.routing import Route, route

CITY = load_plan(Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml").plan
DISTRICTS = DatasetRouting(
    dataset="service_request",
    field="district",
    teams={"North": "north", "Downtown": "central"},
    default="central",
)
EVERYONE = DatasetRouting(dataset="service_request", default="desk")


def _plan(*rules: DatasetRouting):
    return CITY.model_copy(update={"routing": Routing(datasets=list(rules))})


@pytest.mark.parametrize(
    ("rules", "answers", "expected"),
    [
        ((DISTRICTS,), {"district": "North"}, Route("north", "district")),
        ((DISTRICTS,), {"district": "  North "}, Route("north", "district")),
        ((DISTRICTS,), {"district": "Downtown"}, Route("central", "district")),
        ((DISTRICTS,), {"district": "north"}, Route("central", "default")),  # exact answers
        ((DISTRICTS,), {"district": "Uptown"}, Route("central", "default")),
        ((DISTRICTS,), {"district": ""}, Route("central", "default")),
        ((DISTRICTS,), {"district": None}, Route("central", "default")),
        ((DISTRICTS,), {}, Route("central", "default")),
        ((DISTRICTS,), {"full_name": "North"}, Route("central", "default")),
        ((EVERYONE,), {"district": "North"}, Route("desk", "default")),
        ((), {"district": "North"}, Route("", "none")),
        (
            (DatasetRouting(dataset="other", default="x"),),
            {"district": "North"},
            Route("", "none"),
        ),
    ],
)
def test_route(rules, answers, expected: Route) -> None:
    assert route(_plan(*rules), "service_request", answers) == expected


@pytest.mark.parametrize(
    ("decided", "note"),
    [
        (Route("north", "district"), "intake; routed to team north (by district)"),
        (Route("central", "default"), "intake; routed to team central (the default team)"),
        (Route("", "none"), "intake; no routing rule, so no team"),
    ],
)
def test_the_audit_note_names_the_team_and_the_field_never_the_answer(
    decided: Route, note: str
) -> None:
    assert decided.note == note


def test_the_city_example_routes_every_district() -> None:
    for district, team in [
        ("North", "north"),
        ("South", "south"),
        ("East", "east"),
        ("West", "west"),
        ("Downtown", "central"),
    ]:
        assert route(CITY, "service_request", {"district": district}).team == team
