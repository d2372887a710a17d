"""Audit actions are one enum: stable values, one name each, and no literal left in the vault."""

from __future__ import annotations

import ast
from pathlib import Path

from steward.vault.audit_actions import AuditAction

VAULT = Path(__file__).resolve().parents[2] / "src" / "steward" / "vault"


def test_every_action_is_a_dotted_lower_case_token_used_once() -> None:
    values = [a.value for a in AuditAction]
    assert len(values) == len(set(values))
    for value in values:
        area, _, verb = value.partition(".")
        assert area.isidentifier()
        assert verb.isidentifier()
        assert value == value.lower()


def test_no_vault_module_names_an_action_by_a_string_literal() -> None:
    known = {a.value for a in AuditAction}
    found = []
    for path in VAULT.rglob("*.py"):
        if path.name == "audit_actions.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in known:
                found.append(f"{path.relative_to(VAULT)}:{node.lineno}: {node.value}")
    assert found == [], "use AuditAction members instead"
