"""Teams and routing in the plan file: the format, and its errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.policy import PlanLoadError, load_plan, load_plan_text

CITY = Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml"
RULE = """    - dataset: service_request
      field: district
      teams: {North: north, South: south, East: east, West: west, Downtown: central}
      default: central
"""


def _city_with(old: str, new: str) -> str:
    text = CITY.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def _problem(text: str) -> tuple[int, str, str]:
    with pytest.raises(PlanLoadError) as caught:
        load_plan_text(text, source="plan.yaml")
    (problem,) = caught.value.problems
    return problem.line, problem.path, problem.message


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_city_example_declares_teams_and_routes_by_district() -> None:
    plan = load_plan(CITY).plan
    assert plan.team_ids() == {"north", "south", "east", "west", "central"}
    rule = plan.routing.for_dataset("service_request")
    assert rule is not None
    assert (rule.field, rule.default, rule.teams["Downtown"]) == ("district", "central", "central")
    assert plan.routing.assigned_by == ["supervisor", "privacy_officer"]
    assert plan.routing.for_dataset("nothing") is None


def test_a_plan_without_teams_or_routing_still_loads() -> None:
    text = CITY.read_text(encoding="utf-8")
    start, end = text.index("teams:\n  - id: north"), text.index("\nrecipients:")
    plan = load_plan_text(text[:start] + text[end:]).plan
    assert plan.teams == []
    assert plan.routing.datasets == []


def test_teams_without_a_field_are_refused_at_the_rule() -> None:
    text = _city_with("      field: district\n", "")
    line, path, message = _problem(text)
    assert line == _line_of(text, "- dataset: service_request")
    assert path == "routing.datasets[0]"
    assert "no 'field' says whose answers" in message


def test_a_field_without_teams_is_refused() -> None:
    text = _city_with(
        "      teams: {North: north, South: south, East: east, West: west, Downtown: central}\n",
        "",
    )
    line, path, message = _problem(text)
    assert path == "routing.datasets[0]"
    assert "lists no answers under 'teams'" in message
    assert line == _line_of(text, "- dataset: service_request")


def test_a_rule_needs_a_default_team() -> None:
    text = _city_with(RULE, RULE.replace("      default: central\n", ""))
    line, path, message = _problem(text)
    assert (path, message) == ("routing.datasets[0].default", "missing required key 'default'")
    assert line == _line_of(text, "- dataset: service_request")


def test_a_team_id_that_is_not_an_identifier_points_at_its_answer() -> None:
    text = _city_with("North: north,", "North: North Team,")
    line, path, message = _problem(text)
    assert path == "routing.datasets[0].teams.North"
    assert line == _line_of(text, "North: North Team")
    assert "North Team" in message


def test_a_team_declared_twice_and_unknown_keys_are_refused() -> None:
    text = _city_with("  - id: south\n", "  - id: north\n")
    line, path, message = _problem(text)
    assert (path, message) == ("teams[1].id", "team 'north' is declared twice")
    assert line == _line_of(text, "  - id: north\n".strip()) + 2
    text = _city_with("  assigned_by:", "  asigned_by:")
    line, path, message = _problem(text)
    assert "did you mean 'assigned_by'?" in message
    assert line == _line_of(text, "asigned_by")
