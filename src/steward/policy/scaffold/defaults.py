"""The packaged defaults a scaffolded plan starts from."""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def defaults() -> dict[str, Any]:
    """The packaged defaults (fields per data kind, retention table, fixed sections)."""
    text = resources.files("steward.policy").joinpath("scaffold_templates/defaults.yaml")
    data: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return data


def fresh_copy(value: Any) -> Any:
    """A deep copy of plain YAML data, so the cached defaults are never changed."""
    return copy.deepcopy(value)
