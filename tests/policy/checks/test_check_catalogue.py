"""The rule catalogue: ids, titles, hints, DIGIT references, and the docs that list them."""

from __future__ import annotations

import re
from pathlib import Path

from steward.policy.checks import ALL_RULES, RULES_BY_ID, Area, Severity
from steward.policy.checks.catalogue import ALL_RULES as CATALOGUE

ROOT = Path(__file__).parents[3]
DIGIT_IDS = {
    *(f"N{i}" for i in range(1, 14)),
    *(f"A{i}" for i in range(1, 6)),
    "C1",
    "C2",
    "C3",
    "S1",
    "S2",
    "S3",
    "S4",
    "SL1",
    "SL2",
    "E1",
    "E2",
    "E3",
    "E4",
    "AC1",
    "AC2",
    "AC3",
}
PREFIXES = {"MIN", "LAW", "RET", "SEC", "ACC", "RTE", "DIS", "HOST", "OPS", "GOV"}


def test_rule_ids_are_unique_and_well_formed() -> None:
    ids = [rule.id for rule in ALL_RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z]+\d{3}", rule_id) for rule_id in ids)
    assert {re.sub(r"\d+", "", rule_id) for rule_id in ids} <= PREFIXES
    assert RULES_BY_ID.keys() == set(ids)
    assert CATALOGUE is ALL_RULES


def test_there_are_at_least_forty_rules() -> None:
    assert len(ALL_RULES) >= 40


def test_every_rule_explains_itself() -> None:
    for rule in ALL_RULES:
        assert rule.title.strip(), rule.id
        assert rule.hint.strip(), rule.id
        assert isinstance(rule.severity, Severity)
        assert isinstance(rule.area, Area)
        assert set(rule.digit) <= DIGIT_IDS, rule.id


def test_the_digit_checklist_is_answered_where_a_plan_can_answer() -> None:
    answered = {item for rule in ALL_RULES for item in rule.digit}
    expected = {"N1", "N10", "N11", "N12", "N13", "A1", "A2", "A3", "A5"}
    expected |= {"C1", "C2", "C3", "S1", "S2", "S3", "S4", "SL1", "SL2"}
    expected |= {"E1", "E2", "E3", "E4", "AC1", "AC2", "AC3"}
    assert expected <= answered


def test_docs_list_every_rule() -> None:
    text = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    missing = [rule.id for rule in ALL_RULES if f"| {rule.id} |" not in text]
    assert missing == []
