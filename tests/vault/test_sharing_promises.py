"""Each sentence the sharing policy says about the register, the inventory and the
transparency report is kept, and is stated as in place exactly when its safeguard is.

Every line of every example plan's "Accountability" section is read back and must match
one of :data:`KEPT_BY` (the oversight body's review belongs to issue 12 and is skipped
by its own safeguard's claim). For each safeguard of this part, the sentence appears
without the "planned" mark if and only if the registry says Steward enforces it: the
test flips the entry both ways, so it holds before and after the lead lands the path.
Each check then carries the promise out on a built register of the city's vault.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from steward.clock import ManualClock, use_clock
from steward.policy import load_plan
from steward.policy.documents import render_documents
from steward.policy.safeguards import PLANNED, SAFEGUARDS
from steward.vault.rules.transparency import parse_period
from steward.vault.runtime import Vault
from steward.vault.services.egress_register import register_entries
from steward.vault.services.transparency import build_report
from tests.vault.conftest import EXAMPLES, actor_for
from tests.vault.egress_register_support import NOW, Built, build_register

PLANS = sorted(EXAMPLES.glob("*.yaml"))
Q1 = parse_period("2026-q1")
OURS = ("disclosure_register", "transparency_report")
"""The safeguards of the register and the report (the other disclosure safeguards are
tied by the disclosure, delivery, extract and aggregate paths)."""


def _register(vault: Vault, built: Built) -> None:
    officer = actor_for(vault, "privacy_officer", user_id=built.officer.pk)
    entries = register_entries(vault, officer, *Q1.bounds)
    disclosures = [e for e in entries if e.kind.value == "disclosure"]
    assert {e.outcome for e in disclosures} >= {"refused", "refused_at_opening", "withdrawn"}
    delivered = next(e for e in disclosures if e.delivered is not None)
    assert delivered.ground == "court_order"  # on what ground
    assert delivered.requester_role == "caseworker"  # who asked
    assert delivered.approver_role == "privacy_officer"  # who approved it
    assert delivered.fields  # what was sent
    assert delivered.delivered is not None
    assert delivered.when < delivered.delivered  # and when
    assert {e.kind.value for e in entries} == {"disclosure", "extract", "aggregate"}


def _inventory(vault: Vault, built: Built) -> None:
    report = build_report(vault, Q1, now=NOW)
    parties = {row.party: row for row in report.inventory}
    for recipient in vault.plan.recipients:
        assert parties[recipient.name].in_plan
    outside = [row for row in report.inventory if not row.in_plan]
    assert {row.kind for row in outside} == {"court", "law_enforcement", "legal_aid", "public"}


def _report(vault: Vault, built: Built) -> None:
    t = build_report(vault, Q1, now=NOW).tally
    assert {row.key for row in t.by_ground} == {"consent", "court_order", "subpoena", "warrant"}
    assert {row.key for row in t.by_requester} == {"court", "law_enforcement", "legal_aid"}
    r = t.requests
    assert (r.full, r.partial, r.refused + r.refused_at_opening) == (1, 1, 2)
    assert t.people_notified.low >= 1
    assert t.notices_delayed.low >= 1
    assert parse_period("2026-q1").ended(NOW.date())
    assert not parse_period("2026-q2").ended(NOW.date())


KEPT_BY: dict[str, tuple[str, tuple[Callable[[Vault, Built], None], ...]]] = {
    r"^A register of every disclosure is kept: who asked, on what ground, who approved it, "
    r"what was sent and when\. Refused and withdrawn requests, de-identified extracts and "
    r"releases of counts are in it too\.$": ("disclosure_register", (_register,)),
    r"^Our sharing inventory lists every party that may receive data under this policy, and "
    r"every party the register shows data went to\.$": ("disclosure_register", (_inventory,)),
    r"^A transparency report is published for each quarter and each year once it has ended, "
    r"computed from the register: the number of requests by ground and by who asked, how many "
    r"were complied with fully, in part or refused, how many people were told and how many "
    r"notices a prohibition delayed\.$": ("transparency_report", (_report,)),
}


def _accountability(plan_path: Path) -> list[str]:
    text = render_documents(load_plan(plan_path))["sharing-policy.md"]
    part = text[text.index("## Accountability") :]
    part = part[: part.index("\n## ", 3)]
    return [line.removeprefix("- ") for line in part.splitlines() if line.startswith("- ")]


def _unmarked(line: str) -> str:
    return line.removeprefix(f"{PLANNED} ")


@pytest.mark.parametrize("plan_path", PLANS, ids=lambda p: p.stem)
def test_every_accountability_sentence_is_tied_to_a_check(plan_path: Path) -> None:
    review = SAFEGUARDS["oversight_review"].claims
    lines = [
        _unmarked(line)
        for line in _accountability(plan_path)
        if not any(claim in line for claim in review)
    ]
    assert lines
    untied = [line for line in lines if not any(re.search(p, line) for p in KEPT_BY)]
    assert untied == []


@pytest.mark.parametrize("enforced", [False, True], ids=["planned", "enforced"])
@pytest.mark.parametrize("safeguard_id", OURS)
@pytest.mark.parametrize("plan_path", PLANS, ids=lambda p: p.stem)
def test_the_sentence_is_stated_as_in_place_iff_enforced(
    plan_path: Path, safeguard_id: str, enforced: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    flipped = dataclasses.replace(SAFEGUARDS[safeguard_id], enforced=enforced)
    monkeypatch.setitem(SAFEGUARDS, safeguard_id, flipped)
    lines = _accountability(plan_path)
    for pattern, (owner, _) in KEPT_BY.items():
        if owner != safeguard_id:
            continue
        [line] = [line for line in lines if re.search(pattern, _unmarked(line))]
        assert line.startswith(PLANNED) is not enforced


@pytest.fixture
def built(city_vault: Vault):
    with use_clock(ManualClock(NOW)):
        yield build_register(city_vault)


CHECKS = sorted({check for _, checks in KEPT_BY.values() for check in checks}, key=str)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.strip("_"))
def test_each_promise_is_kept(
    city_vault: Vault, built: Built, check: Callable[[Vault, Built], None]
) -> None:
    check(city_vault, built)
