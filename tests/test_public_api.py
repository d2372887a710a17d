"""The public surface of each package is what its ``__all__`` says, and nothing breaks it."""

from __future__ import annotations

import importlib

import pytest

EXPECTED = {
    "steward.policy": {
        "LoadedPlan",
        "Plan",
        "PlanLoadError",
        "PlanUnreadableError",
        "Problem",
        "Tier",
        "load_plan",
        "load_plan_text",
    },
    "steward.policy.checks": {
        "ALL_RULES",
        "RULES_BY_ID",
        "Area",
        "CheckContext",
        "CheckReport",
        "Finding",
        "Issue",
        "Rule",
        "Severity",
        "run_checks",
    },
}


@pytest.mark.parametrize("module_name", sorted(EXPECTED))
def test_exports_are_exactly_the_curated_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert set(module.__all__) == EXPECTED[module_name]
    for name in module.__all__:
        assert hasattr(module, name), f"{module_name} lists {name} but does not define it"


def test_model_package_exports_resolve() -> None:
    module = importlib.import_module("steward.policy.model")
    assert len(module.__all__) == len(set(module.__all__)), "duplicate names in __all__"
    for name in module.__all__:
        assert hasattr(module, name)


@pytest.mark.parametrize(
    "module_name",
    [
        "steward.policy",
        "steward.policy.checks",
        "steward.crypto",
        "steward.audit",
        "steward.synthetic",
        "steward.deid.risk",
        "steward.deid.search",
        "steward.deid.scan",
        "steward.deid.transforms",
    ],
)
def test_plain_layers_do_not_import_django(module_name: str) -> None:
    """Checked in a fresh interpreter: this test process has Django loaded for the vault."""
    import subprocess
    import sys

    code = f"import sys, {module_name}; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
