"""The JSON Schema of plan files, for editors and validators."""

from __future__ import annotations

from typing import Any

from steward.policy.model import Plan

SCHEMA_ID = "urn:steward:schema:plan:1"


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that a plan file's YAML must satisfy.

    The schema covers structure and types; cross-references and privacy rules are
    checked by ``steward policy check``.
    """
    schema = Plan.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Steward data management plan"
    return schema
