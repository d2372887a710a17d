"""Shared fixtures: the example plans and their generated documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.policy import LoadedPlan, load_plan

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
CITY = REPO / "examples" / "city-constituent-services.yaml"


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> LoadedPlan:
    """Each example plan in examples/, loaded."""
    return load_plan(request.param)


@pytest.fixture
def city() -> LoadedPlan:
    """The worked example: the city's constituent services."""
    return load_plan(CITY)
