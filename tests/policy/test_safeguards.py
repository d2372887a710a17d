"""The safeguard registry: every safeguard marked enforced maps to a working feature, and
no generated document states a safeguard Steward does not enforce as in place.
"""

from __future__ import annotations

import ast
import dataclasses
import html
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from steward.audit import AuditEvent, AuditLog, MemoryAuditStore, ReferenceHasher, verify_log
from steward.crypto import BlindIndexer, FileKeyProvider, KeyRing, MemorySubjectKeyStore
from steward.crypto.sealed import seal, unseal
from steward.policy import LoadedPlan, load_plan
from steward.policy.access import decide
from steward.policy.documents import render_documents
from steward.policy.documents.assessment import category_risks
from steward.policy.documents.render import escape_markdown
from steward.policy.model import Action, Plan, Role
from steward.policy.safeguards import (
    PLANNED,
    SAFEGUARDS,
    Safeguard,
    Status,
    promise,
    status,
)
from steward.vault.rules.intake import Submission, check_submission
from steward.vault.rules.masking import mask
from steward.vault.rules.reveal import decide_reveal
from steward.vault.rules.scope import Reach, RecordFacts, in_scope
from steward.vault.rules.web_log import WebVisit, web_log_entry, web_log_files_to_prune

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CITY = ROOT / "examples" / "city-constituent-services.yaml"
TODAY = date(2026, 11, 22)
ENFORCED = [s for s in SAFEGUARDS.values() if s.enforced]
NOT_ENFORCED = [s for s in SAFEGUARDS.values() if not s.enforced]


# -- the registry itself -------------------------------------------------------------------


def test_every_entry_says_what_it_is_and_how_it_is_known() -> None:
    assert len(SAFEGUARDS) == len(set(SAFEGUARDS))
    for entry in SAFEGUARDS.values():
        assert re.fullmatch(r"[a-z][a-z_]+", entry.id), entry.id
        assert entry.name
        assert entry.name == entry.name.strip()
        if entry.enforced:
            assert entry.proven_by, f"{entry.id} is enforced but names no test"
            assert entry.issue is None
        else:
            assert not entry.proven_by, f"{entry.id}: a test of a feature not built?"
            assert entry.claims, f"{entry.id}: say how documents word it"
            assert all(c == c.lower() for c in entry.claims)


def _test_exists(node: str) -> bool:
    """Whether the pytest node id names a test function defined in its file."""
    path, _, name = node.partition("::")
    file = ROOT / path
    if not file.is_file():
        return False
    tree = ast.parse(file.read_text(encoding="utf-8"))
    functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    return name.split("[")[0] in functions


@pytest.mark.parametrize("entry", ENFORCED, ids=lambda e: e.id)
def test_each_enforced_safeguard_names_tests_that_exist(entry: Safeguard) -> None:
    missing = [node for node in entry.proven_by if not _test_exists(node)]
    assert missing == [], f"{entry.id}: these tests do not exist"
    assert all(node.startswith("tests/") for node in entry.proven_by)


def test_the_known_gaps_are_not_marked_enforced() -> None:
    """The features other issues build: until they land, documents call them planned."""
    gaps = {
        "oversight_review",
    }
    assert {s.id for s in NOT_ENFORCED} >= gaps


# -- each enforced safeguard works (cheap checks of the feature itself) ----------------------

PLAN: Plan = load_plan(CITY).plan
FIELDS = {spec.name: spec for spec in PLAN.dataset("service_request").fields}
GOOD = {
    "full_name": "Ana Lima",
    "street_address": "12 Elm Street",
    "district": "North",
    "request_type": "pothole",
    "details": "Pothole",
}


def _role(**grants: object) -> Role:
    return Role.model_validate({"id": "r", "label": "R", **grants})


def _encryption(tmp_path: Path) -> None:
    keyring = KeyRing(FileKeyProvider.create(tmp_path / "kek.json"), MemorySubjectKeyStore())
    sealed = keyring.encrypt("subject-1", b"Ana Lima", dataset="d", record="r", field="f")
    assert b"Ana Lima" not in sealed
    assert keyring.decrypt(sealed, dataset="d", record="r", field="f") == b"Ana Lima"
    other = keyring.encrypt("subject-2", b"Ana Lima", dataset="d", record="r", field="f")
    assert sealed != other


def _blind_index(tmp_path: Path) -> None:
    indexer = BlindIndexer(bytes(range(32)))
    one = indexer.index("Ana@Example.org ", dataset="d", field="email")
    assert one == indexer.index("ana@example.org", dataset="d", field="email")
    assert b"ana" not in one
    assert one != indexer.index("ana@example.org", dataset="d", field="other")


def _masking(tmp_path: Path) -> None:
    assert mask(FIELDS["full_name"], "Ana Lima") != "Ana Lima"
    assert "Pothole" not in mask(FIELDS["details"], "Pothole")


def _reveal(tmp_path: Path) -> None:
    role = PLAN.role("supervisor")
    spec = FIELDS["email"]
    say = "calling back about the lamp"
    assert decide_reveal(PLAN, role, spec, "follow_up", say, {}, today=TODAY).allowed
    assert not decide_reveal(PLAN, role, spec, "follow_up", "........", {}, today=TODAY).allowed
    assert not decide_reveal(PLAN, role, spec, "service_updates", say, {}, today=TODAY).allowed


def _write_needs_sight(tmp_path: Path) -> None:
    grant = {"purposes": ["service_delivery"]}
    blind = _role(read=grant, write=grant)
    assert not decide(blind, Action.WRITE, FIELDS["details"], today=TODAY)
    assert decide(_role(read=grant, reveal=grant, write=grant), Action.WRITE, FIELDS["details"])


def _need_to_know(tmp_path: Path) -> None:
    assert not decide(PLAN.role("analyst"), Action.READ, FIELDS["full_name"], today=TODAY)
    person = uuid4()
    mine = Reach(PLAN.role("caseworker").scope, 1, "north", None)
    assert in_scope(mine, RecordFacts(1, "north", person))
    assert not in_scope(mine, RecordFacts(2, "north", person))


def _audit_log(tmp_path: Path) -> None:
    store = MemoryAuditStore()
    log = AuditLog(store, ReferenceHasher(bytes(32)))
    for n in range(3):
        log.append(AuditEvent(actor=f"staff/{n}", action="record.read", object="record/x"))
    assert verify_log(store).ok
    records = list(store.read())
    tampered = MemoryAuditStore()
    for index, record in enumerate([records[0], records[2]]):  # one cut out of the middle
        tampered.append(index, record)
    assert not verify_log(tampered).ok


def _role_expiry(tmp_path: Path) -> None:
    analyst = PLAN.role("analyst")
    assert analyst.expires is not None
    spec = FIELDS["district"]
    assert decide(analyst, Action.READ, spec, today=analyst.expires)
    assert not decide(analyst, Action.READ, spec, today=date(analyst.expires.year + 1, 1, 1))


def _intake_minimization(tmp_path: Path) -> None:
    verdict = check_submission(PLAN, Submission("service_request", {**GOOD, "ssn": "1"}))
    assert "undeclared fields: ssn" in verdict.problems[""]


def _never_recorded(tmp_path: Path) -> None:
    answers = {**GOOD, "immigration_status": "x"}
    assert (
        "immigration_status"
        in check_submission(PLAN, Submission("service_request", answers)).problems
    )
    assert all(not decide(r, a, FIELDS["immigration_status"]) for r in PLAN.roles for a in Action)


def _consent_per_purpose(tmp_path: Path) -> None:
    help_desk = load_plan(ROOT / "examples" / "security-help-desk.yaml").plan
    answers = {"contact_name": "R", "contact_channel": "r@x.org", "incident_description": "x"}
    answers["incident_type"] = "phishing"
    refused = check_submission(help_desk, Submission("assistance_request", answers))
    assert set(refused.problems) == {"consent:assistance"}
    agreed = Submission("assistance_request", answers, frozenset({"assistance"}))
    assert check_submission(help_desk, agreed).accepted


def _minors_rule(tmp_path: Path) -> None:
    assert check_submission(PLAN, Submission("service_request", GOOD, under_age=True)).refused_minor


def _sealed_intake(tmp_path: Path) -> None:
    key = X25519PrivateKey.generate()
    sealed = seal(b"incident details", key.public_key(), context="assistance_request")
    assert b"incident" not in sealed
    assert unseal(sealed, key, context="assistance_request") == b"incident details"


def _web_log_limits(tmp_path: Path) -> None:
    logs = PLAN.operations.web_logs  # keep: [date, country], retention: 90d
    visit = WebVisit(datetime(2026, 11, 30, 15, 47, tzinfo=UTC), "GB", "staff/<uuid:id>/", 200)
    assert web_log_entry(logs, visit) == {"date": "2026-11-30", "country": "GB"}
    later = datetime(2026, 11, 30, tzinfo=UTC) + timedelta(days=90)
    assert web_log_files_to_prune(["2026-11-30.jsonl"], timedelta(days=90), later) == (
        "2026-11-30.jsonl",
    )


FEATURES: dict[str, Callable[[Path], None]] = {
    "field_encryption": _encryption,
    "blind_index": _blind_index,
    "masking": _masking,
    "reveal_with_reason": _reveal,
    "write_needs_sight": _write_needs_sight,
    "need_to_know": _need_to_know,
    "audit_log": _audit_log,
    "role_expiry": _role_expiry,
    "intake_minimization": _intake_minimization,
    "never_recorded": _never_recorded,
    "consent_per_purpose": _consent_per_purpose,
    "minors_rule": _minors_rule,
    "sealed_intake": _sealed_intake,
    "web_log_limits": _web_log_limits,
}
"""A direct check of each enforced safeguard that needs no server or database; the
others (accounts, MFA, lock-out, sessions, tokens, page headers) are proven by the
server tests their entry names."""


@pytest.mark.parametrize("safeguard_id", sorted(FEATURES))
def test_the_enforced_feature_works(safeguard_id: str, tmp_path: Path) -> None:
    assert SAFEGUARDS[safeguard_id].enforced
    FEATURES[safeguard_id](tmp_path)


def test_every_feature_check_is_of_an_enforced_safeguard() -> None:
    assert set(FEATURES) <= {s.id for s in ENFORCED}


# -- plan-dependent status ------------------------------------------------------------------


def test_status_depends_on_the_plan() -> None:
    city = load_plan(CITY).plan
    help_desk = load_plan(ROOT / "examples" / "security-help-desk.yaml").plan
    assert status(city, "sealed_intake") is Status.NOT_USED
    assert status(help_desk, "sealed_intake") is Status.IN_PLACE
    assert status(city, "role_expiry") is Status.IN_PLACE  # the temporary analyst
    assert status(help_desk, "role_expiry") is Status.NOT_USED
    assert status(city, "disclosure_register") is Status.IN_PLACE
    assert status(city, "oversight_review") is Status.PLANNED
    assert status(city, "retention_sweep") is Status.IN_PLACE


def test_promise_marks_what_is_not_enforced() -> None:
    assert promise("masking", "Values are masked.") == "Values are masked."
    assert promise("oversight_review", "A register is kept.") == (f"{PLANNED} A register is kept.")
    assert promise("oversight_review", "a register", inline=True).endswith(
        "(planned, not yet enforced by Steward)"
    )
    with pytest.raises(KeyError):
        promise("no_such_safeguard", "anything")


# -- documents ------------------------------------------------------------------------------


def _blocks(name: str, text: str) -> list[str]:
    """The document's sentences-worth of text: Markdown lines, or HTML block elements."""
    if name.endswith(".html"):
        text = re.sub(r"<(?:/?(?:p|li|tr|h[1-6]|blockquote|ul|ol|table)\b)[^>]*>", "\n", text)
        text = re.sub(r"<[^>]+>", "", text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _plan_texts(loaded: LoadedPlan) -> list[str]:
    """Every text the plan's authors wrote, as the documents print it (Markdown-escaped
    or HTML-escaped), longest first. Their own words are theirs to state; only the
    sentences Steward writes are judged."""
    texts: set[str] = set()
    stack: list[object] = [loaded.plan.model_dump(mode="python")]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and len(item) >= 12:
            plain = " ".join(item.split())
            texts |= {plain, escape_markdown(plain), html.escape(plain, quote=False)}
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return sorted(texts, key=len, reverse=True)


def _marked(block: str) -> bool:
    lowered = block.lower()
    return "planned" in lowered or lowered.startswith(("- not in place:", "not in place:"))


@pytest.mark.parametrize("plan_file", EXAMPLES, ids=lambda p: p.stem)
def test_no_document_states_a_safeguard_not_enforced_as_in_place(plan_file: Path) -> None:
    loaded = load_plan(plan_file)
    documents = render_documents(loaded)
    authored = _plan_texts(loaded)
    offending = []
    for name, text in documents.items():
        for block in _blocks(name, text):
            ours = block
            for written in authored:
                ours = ours.replace(written, "")
            offending += [
                f"{name}: {entry.id}: {block[:120]}"
                for entry in NOT_ENFORCED
                if any(claim in ours.lower() for claim in entry.claims) and not _marked(block)
            ]
    assert offending == []
    assert any("planned, not yet in place" in text.lower() for text in documents.values())


SHARING_ENTRIES = (
    "disclosure_grounds",
    "disclosure_approval",
    "aggregates_only",
    "deidentified_extracts",
)


def _not_enforced(monkeypatch: pytest.MonkeyPatch, *ids: str) -> None:
    for entry_id in ids:
        pending = dataclasses.replace(SAFEGUARDS[entry_id], enforced=False, proven_by=())
        monkeypatch.setitem(SAFEGUARDS, entry_id, pending)


@pytest.mark.parametrize("plan_file", EXAMPLES, ids=lambda p: p.stem)
def test_planned_safeguards_lower_no_risk(plan_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the sharing safeguards taken back to planned, no rating counts them."""
    plan = load_plan(plan_file).plan
    counted_before = [" ".join(r.rating.safeguards) for r in category_risks(plan)]
    assert any("approved by a second person" in c for c in counted_before)
    _not_enforced(monkeypatch, *SHARING_ENTRIES)
    for risk in category_risks(plan):
        counted = " ".join(risk.rating.safeguards)
        assert "approved by a second person" not in counted
        assert "de-identified or aggregated" not in counted
        assert not risk.safeguards.disclosure_rules
        assert not risk.safeguards.limited_sharing


def test_the_city_assessment_counts_retention_and_disclosure_rules() -> None:
    """The retention sweep (issue 9) and the disclosure rules (issue 11) lower risk."""
    [risk, *_] = category_risks(PLAN)
    assert "retention limit for every purpose" in risk.rating.safeguards
    assert risk.safeguards.retention
    assert any("approved by a second person" in s for s in risk.rating.safeguards)
    assert not any("approved by a second person" in p for p in risk.rating.planned)
    assert risk.safeguards.disclosure_rules
    assert risk.safeguards.limited_sharing
    assessment = render_documents(load_plan(CITY))["impact-assessment.md"]
    assert "Planned, not yet in place (they lower nothing yet): retention limit" not in assessment
    assert "Planned, not yet in place (they lower nothing yet): disclosure" not in assessment


def test_a_safeguard_is_stated_as_planned_exactly_while_not_enforced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One entry decides it: the sharing policy states the register as kept, and as
    planned when the entry is taken back."""
    loaded: LoadedPlan = load_plan(CITY)
    enforced_now = render_documents(loaded)["sharing-policy.md"]
    assert "- A register of every disclosure is kept: who asked" in enforced_now
    assert f"{PLANNED} A register of every disclosure is kept" not in enforced_now
    _not_enforced(monkeypatch, "disclosure_register")
    pending = render_documents(loaded)["sharing-policy.md"]
    assert "planned" in pending.lower()
    assert "- A register of every disclosure is kept: who asked" not in pending
    assert f"{PLANNED} A register of every disclosure is kept" in pending


def test_the_help_desk_notice_says_its_box_is_needed() -> None:
    notice = render_documents(load_plan(ROOT / "examples" / "security-help-desk.yaml"))[
        "privacy-notice-assistance_request.md"
    ]
    assert "## What you must agree to" in notice
    assert "## What you can agree to" not in notice
    assert "we help you whether you tick it or not" not in notice
