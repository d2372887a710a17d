"""Every plan check, as a table: the city example passes it, one mutation breaks it."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import LoadedPlan, load_plan_text
from steward.policy.checks import ALL_RULES, RULES_BY_ID, CheckReport, Severity, run_checks
from steward.policy.loader import format_location
from steward.policy.model import Location

EXAMPLE = Path(__file__).parents[3] / "examples" / "city-constituent-services.yaml"
TODAY = date(2026, 11, 22)
DELETE = object()
"""A mutation value meaning: remove the key."""

F = ("datasets", 0, "fields")
"""The city example's only dataset; fields 0 full_name ... 7 details, 8 immigration_status."""

ROUTE = ("routing", "datasets", 0)
"""The city example's routing rule: service_request by district (field 4)."""

HEALTH_FIELD = {
    "name": "health_notes",
    "label": "Health needs",
    "category": "health",
    "purposes": ["service_delivery"],
}
"""A special-category field, appended as field 9 by several cases."""

IMMIGRATION_COLLECTED: list[tuple[Location, Any]] = [
    ((*F, 8, "never"), False),
    ((*F, 8, "never_reason"), DELETE),
    ((*F, 8, "purposes"), ["service_delivery"]),
]
NO_COUNCIL: list[tuple[Location, Any]] = [(("roles", 5), DELETE)]
"""The council's counts-only role taken away (a role acts only for a counts-only
recipient, and only as staff)."""
NO_BOARD: list[tuple[Location, Any]] = [(("roles", 6), DELETE)]
"""The oversight board's role taken away (it is staff, though it reads no record)."""
RESTRICTED: list[tuple[Location, Any]] = [(("questionnaire", "children"), True)]


@dataclass(frozen=True)
class Case:
    """One rule broken by ``mutations``; the finding must be at ``at``."""

    rule: str
    mutations: list[tuple[Location, Any]]
    at: Location
    severity: Severity | None = None
    note: str = field(default="")

    @property
    def id(self) -> str:
        return f"{self.rule}{'-' + self.note if self.note else ''}"


def health(**extra: Any) -> tuple[Location, Any]:
    return ((*F, 9), {**HEALTH_FIELD, **extra})


CASES: list[Case] = [
    # minimization
    Case("MIN001", [((*F, 6, "purposes"), [])], (*F, 6)),
    Case("MIN002", [(("purposes", 4), {"id": "spare", "label": "Spare"})], ("purposes", 4)),
    Case("MIN003", [((*F, 8, "required"), True)], (*F, 8, "required")),
    Case("MIN003", [((*F, 8, "searchable"), True)], (*F, 8, "searchable"), note="searchable"),
    Case("MIN004", [((*F, 8, "never_reason"), DELETE)], (*F, 8, "never")),
    Case("MIN005", IMMIGRATION_COLLECTED, (*F, 8, "category")),
    Case(
        "MIN006",
        [(("questionnaire", "data_kinds"), ["contact", "location", "demographic"])],
        (*F, 7, "category"),
    ),
    Case(
        "MIN006",
        [(("questionnaire", "data_kinds", 4), "health")],
        ("questionnaire", "data_kinds", 4),
        Severity.INFO,
        "overstated",
    ),
    Case("MIN007", [health()], (*F, 9, "category")),
    Case("MIN008", [((*F, 7, "help"), DELETE)], (*F, 7)),
    # legal basis
    Case("LAW001", [(("purposes", 0, "legal_basis"), DELETE)], ("purposes", 0)),
    Case("LAW002", [(("purposes", 2, "consent_text"), DELETE)], ("purposes", 2, "legal_basis")),
    Case(
        "LAW003",
        [health(purposes=["service_updates"]), (("purposes", 2, "explicit_consent"), False)],
        ("purposes", 2, "legal_basis"),
    ),
    Case(
        "LAW003",
        [health(), (("purposes", 0, "legal_reference"), DELETE)],
        ("purposes", 0, "legal_basis"),
        note="no-law",
    ),
    Case(
        "LAW004",
        [health(purposes=["follow_up"]), (("purposes", 1, "legal_basis"), "legitimate_interest")],
        ("purposes", 1, "legal_basis"),
    ),
    Case(
        "LAW005",
        [(("subjects", 0, "minors"), True), (("minors",), DELETE)],
        ("subjects", 0, "minors"),
    ),
    Case("LAW006", [(("subjects", 0, "minors"), True)], ("minors", "policy")),
    Case(
        "LAW007",
        [(("questionnaire", "source", "lawfully_collected"), "unknown")],
        ("questionnaire", "source", "lawfully_collected"),
    ),
    Case("LAW008", [(("rights", "withdraw_consent"), False)], ("rights", "withdraw_consent")),
    Case("LAW009", [(("purposes", 0, "legal_reference"), DELETE)], ("purposes", 0, "legal_basis")),
    Case("LAW010", [health()], ("purposes", 0)),
    Case(
        "LAW011",
        [(("purposes", 0, "special_condition"), "explicit_consent")],
        ("purposes", 0, "special_condition"),
    ),
    # retention
    Case("RET001", [(("purposes", 0, "retention"), DELETE)], ("purposes", 0)),
    Case(
        "RET002",
        [(("purposes", 3, "retention", "keep"), "11y")],
        ("purposes", 3, "retention", "keep"),
    ),
    Case(
        "RET002",
        [
            (("purposes", 0, "retention", "keep"), "6y"),
            (("purposes", 0, "legal_basis"), "legal_obligation"),
        ],
        ("purposes", 0, "retention", "keep"),
        Severity.WARNING,
        "legal-obligation",
    ),
    Case(
        "RET003", [(("rights", "on_account_closure"), "retain")], ("rights", "on_account_closure")
    ),
    Case("RET004", [(("operations", "web_logs", "retention"), DELETE)], ("operations", "web_logs")),
    Case("RET005", [(("operations", "backups", "retention"), DELETE)], ("operations", "backups")),
    # safeguards
    Case("SEC001", [((*F, 0, "encrypted"), False)], (*F, 0, "encrypted")),
    Case("SEC001", [health(encrypted=False)], (*F, 9, "encrypted"), note="special"),
    Case("SEC002", [((*F, 0, "masking"), "none")], (*F, 0, "masking")),
    Case("SEC003", [((*F, 6, "encrypted"), False)], (*F, 6, "encrypted")),
    Case(
        "SEC004",
        [
            *[((*F, i, "encrypted"), False) for i in (0, 1, 2, 3, 6, 7)],
            (("recipients", 0, "deidentified_only"), False),
            (("recipients", 1, "aggregates_only"), False),
            *NO_COUNCIL,
        ],
        ("datasets",),
    ),
    Case("SEC005", RESTRICTED, ("datasets", 0)),
    Case("SEC006", [(("rights", "correction"), False)], ("rights", "correction")),
    Case("SEC007", [(("disclosure", "legal_compliance_statement"), DELETE)], ("disclosure",)),
    Case("SEC008", [(("disclosure", "own_rights_statement"), DELETE)], ("disclosure",)),
    Case("SEC009", [health(searchable=True)], (*F, 9, "searchable")),
    # access control
    Case(
        "ACC001",
        [
            health(),
            (("roles", 0, "reveal", "categories"), ["contact", "location", "health"]),
            (("roles", 0, "mfa"), False),
        ],
        ("roles", 0, "mfa"),
    ),
    Case("ACC002", [*RESTRICTED, (("roles", 0, "mfa"), False)], ("roles", 0, "mfa")),
    Case("ACC003", [(("roles", 0, "shared_account"), True)], ("roles", 0, "shared_account")),
    Case("ACC004", [(("roles", 3, "expires"), DELETE)], ("roles", 3, "temporary")),
    Case("ACC005", [(("roles", 3, "expires"), date(2026, 1, 1))], ("roles", 3, "expires")),
    Case(
        "ACC006",
        [(("roles", 0, "reveal", "categories"), ["contact", "location", "demographic"])],
        ("roles", 0, "reveal"),
    ),
    Case(
        "ACC011",
        [(("roles", 0, "write"), {"purposes": ["service_delivery", "follow_up"]})],
        ("roles", 0, "write"),
    ),
    Case(
        "ACC011",
        [(("roles", 4, "reveal"), DELETE)],
        ("roles", 4, "write"),
        note="data-subject",
    ),
    Case(
        "ACC012",
        [
            (("roles", 3, "read"), {"categories": ["demographic", "operational"]}),
            (("roles", 3, "reveal"), {"categories": ["demographic"]}),
        ],
        ("roles", 3, "reveal"),
    ),
    Case("ACC007", [(("roles", 2, "approves_disclosures"), False)], ("roles",)),
    Case("ACC008", [(("roles", 2, "reads_audit"), False)], ("roles",)),
    Case(
        "ACC009",
        [*[(("roles", i, "staff"), False) for i in range(4)], *NO_BOARD, *NO_COUNCIL],
        ("roles",),
    ),
    Case("ACC010", [(("roles", 4, "scope"), "all")], ("roles", 4, "scope")),
    # routing
    Case("RTE001", [((*ROUTE, "dataset"), "service_requests")], (*ROUTE, "dataset")),
    Case(
        "RTE001",
        [(("routing", "datasets", 1), {"dataset": "service_request", "default": "central"})],
        ("routing", "datasets", 1, "dataset"),
        note="twice",
    ),
    Case("RTE002", [((*ROUTE, "field"), "districts")], (*ROUTE, "field")),
    Case("RTE002", [((*ROUTE, "field"), "immigration_status")], (*ROUTE, "field"), note="never"),
    Case("RTE003", [((*ROUTE, "field"), "full_name")], (*ROUTE, "field")),
    Case("RTE003", [((*F, 4, "encrypted"), True)], (*ROUTE, "field"), note="encrypted"),
    Case("RTE004", [((*ROUTE, "default"), "centre")], (*ROUTE, "default")),
    Case(
        "RTE004", [((*ROUTE, "teams", "North"), "nort")], (*ROUTE, "teams", "North"), note="answer"
    ),
    Case("RTE005", [((*ROUTE, "teams", "Uptown"), "north")], (*ROUTE, "teams", "Uptown")),
    Case("RTE006", [(("routing", "datasets"), [])], ("datasets", 0)),
    Case("RTE007", [(("routing", "assigned_by", 2), "caseworker")], ("routing", "assigned_by", 2)),
    Case(
        "RTE007",
        [(("routing", "assigned_by", 2), "resident")],
        ("routing", "assigned_by", 2),
        note="not-staff",
    ),
    Case(
        "RTE007",
        [(("routing", "assigned_by", 0), "boss")],
        ("routing", "assigned_by", 0),
        note="unknown",
    ),
    Case("RTE008", [(("routing", "assigned_by"), [])], ("roles", 0, "scope")),
    # disclosure and recipients
    Case("DIS001", [(("disclosure",), DELETE)], ()),
    Case(
        "DIS002",
        [(("disclosure", "allowed_grounds", 3), "staff_discretion")],
        ("disclosure", "allowed_grounds", 3),
    ),
    Case(
        "DIS003",
        [(("disclosure", "allowed_grounds", 3), "vital_interest")],
        ("disclosure", "allowed_grounds", 3),
    ),
    Case(
        "DIS004",
        [(("disclosure", "approver_not_requester"), False)],
        ("disclosure", "approver_not_requester"),
    ),
    Case(
        "DIS005",
        [(("roles", 2, "approves_disclosures"), False)],
        ("disclosure", "approver_roles", 0),
    ),
    Case("DIS005", [(("disclosure", "approver_roles"), [])], ("disclosure",), note="none"),
    Case("DIS006", [(("disclosure", "notify_subject"), "never")], ("disclosure", "notify_subject")),
    Case(
        "DIS007",
        [(("disclosure", "delivery", "encrypted"), False)],
        ("disclosure", "delivery", "encrypted"),
    ),
    Case(
        "DIS008",
        [(("disclosure", "delivery", "expires_after"), DELETE)],
        ("disclosure", "delivery"),
    ),
    Case("DIS009", [(("disclosure", "keep_register"), False)], ("disclosure", "keep_register")),
    Case(
        "DIS010",
        [(("disclosure", "publish_sharing_policy"), False)],
        ("disclosure", "publish_sharing_policy"),
    ),
    Case(
        "DIS011",
        [(("disclosure", "publish_transparency_report"), False)],
        ("disclosure", "publish_transparency_report"),
    ),
    Case("DIS012", [(("recipients", 0, "purposes"), DELETE)], ("recipients", 0)),
    Case(
        "DIS013", [(("recipients", 0, "contract", "kind"), "none")], ("recipients", 0, "contract")
    ),
    Case(
        "DIS014",
        [(("recipients", 0, "contract", "binds_to_plan"), False)],
        ("recipients", 0, "contract", "binds_to_plan"),
    ),
    Case(
        "DIS015",
        [(("recipients", 1, "aggregates_only"), False), *NO_COUNCIL],
        ("recipients", 1, "aggregates_only"),
    ),
    Case(
        "DIS016",
        [(("recipients", 0, "deidentified_only"), False)],
        ("recipients", 0, "deidentified_only"),
    ),
    Case(
        "DIS017",
        [(("recipients", 1, "min_group_size"), DELETE)],
        ("recipients", 1),
        Severity.WARNING,
    ),
    Case(
        "DIS017",
        [(("recipients", 1, "min_group_size"), 3)],
        ("recipients", 1, "min_group_size"),
    ),
    # hosting
    Case(
        "HOST001",
        [*IMMIGRATION_COLLECTED, (("questionnaire", "hosting", "by"), "third_party")],
        ("questionnaire", "hosting", "by"),
    ),
    Case(
        "HOST001",
        [
            *IMMIGRATION_COLLECTED,
            (("datasets", 0, "sealed"), True),
            (("questionnaire", "hosting", "by"), "third_party"),
        ],
        ("questionnaire", "hosting", "by"),
        Severity.WARNING,
        "sealed",
    ),
    Case(
        "HOST001",
        [
            *IMMIGRATION_COLLECTED,
            (
                ("recipients", 2),
                {
                    "id": "cloud",
                    "name": "Cloud host",
                    "kind": "processor",
                    "location": "US-CA",
                    "categories": ["contact", "immigration_status"],
                },
            ),
        ],
        ("recipients", 2, "categories", 1),
        note="processor",
    ),
    Case(
        "HOST002",
        [*IMMIGRATION_COLLECTED, (("questionnaire", "hosting", "location"), "CA")],
        ("questionnaire", "hosting", "location"),
    ),
    Case("HOST003", [(("recipients", 0, "location"), "GB")], ("recipients", 0, "location")),
    Case(
        "HOST004",
        [(("questionnaire", "hosting", "by"), "third_party")],
        ("questionnaire", "hosting", "by"),
    ),
    Case(
        "HOST005",
        [(("questionnaire", "hosting", "location"), DELETE)],
        ("questionnaire", "hosting"),
    ),
    Case("HOST006", [(("organization", "jurisdictions"), [])], ("organization",)),
    Case("HOST007", [(("recipients", 0, "location"), "CA")], ("recipients", 0, "location")),
    # operations
    Case(
        "OPS001",
        [(("operations", "web_logs", "keep", 2), "ip_address")],
        ("operations", "web_logs", "keep", 2),
    ),
    Case(
        "OPS002",
        [(("operations", "web_logs", "third_party_analytics"), True)],
        ("operations", "web_logs", "third_party_analytics"),
    ),
    Case("OPS003", [(("operations", "web_logs", "cookies"), DELETE)], ("operations", "web_logs")),
    Case("OPS004", [(("operations", "backups"), DELETE)], ("operations",)),
    Case(
        "OPS005",
        [(("operations", "backups", "encrypted"), False)],
        ("operations", "backups", "encrypted"),
    ),
    Case(
        "OPS006",
        [(("operations", "backups", "restore_tested_every"), DELETE)],
        ("operations", "backups"),
    ),
    Case(
        "OPS007",
        [(("operations", "incidents", "notify_people_within"), DELETE)],
        ("operations", "incidents"),
    ),
    Case(
        "OPS008",
        [(("operations", "incidents", "response_plan"), DELETE)],
        ("operations", "incidents"),
    ),
    Case(
        "OPS009",
        [(("operations", "vulnerability_disclosure", "disclose_within"), DELETE)],
        ("operations", "vulnerability_disclosure"),
    ),
    # notice, user control, enforcement, accountability
    Case("GOV001", [(("organization", "privacy_policy_url"), DELETE)], ("organization",)),
    Case("GOV002", [(("purposes", 0, "internal_use"), DELETE)], ("purposes", 0)),
    Case("GOV003", [(("rights", "privacy_settings"), False)], ("rights", "privacy_settings")),
    Case("GOV004", [(("rights", "access"), False)], ("rights", "access")),
    Case("GOV005", [(("rights", "erasure"), False)], ("rights", "erasure")),
    Case("GOV006", [(("rights", "export"), False)], ("rights", "export")),
    Case("GOV007", [(("rights", "respond_within"), DELETE)], ("rights",)),
    Case("GOV008", [(("governance", "complaints"), DELETE)], ("governance",)),
    Case("GOV009", [(("governance", "failure_statement"), DELETE)], ("governance",)),
    Case("GOV010", [(("governance", "regulator"), DELETE)], ("governance",)),
    Case("GOV011", [(("governance", "review_every"), "3y")], ("governance", "review_every")),
    Case("GOV021", [(("sign_off", "next_review"), "2027-06-01")], ("sign_off", "next_review")),
    Case(
        "GOV021",
        [(("governance", "review_every"), "6m")],
        ("sign_off", "next_review"),
        note="shorter-cadence",
    ),
    Case("GOV012", [(("organization", "privacy_officer"), DELETE)], ("organization",)),
    Case(
        "GOV013",
        [(("governance", "training", "required"), False)],
        ("governance", "training", "required"),
    ),
    Case("GOV014", [(("governance", "senior_committee"), DELETE)], ("governance",)),
    Case("GOV015", [*RESTRICTED, (("organization", "oversight_body"), DELETE)], ("organization",)),
    Case(
        "GOV016",
        [(("governance", "team_acknowledgement"), False)],
        ("governance", "team_acknowledgement"),
    ),
    Case(
        "GOV017",
        [(("governance", "complaints", "procedure"), "TODO: how a person complains")],
        ("governance", "complaints", "procedure"),
    ),
    Case("GOV017", [((*F, 4, "choices", 2), "FIXME")], (*F, 4, "choices", 2), note="list-item"),
    Case(
        "GOV017",
        [(("organization", "address"), "<fill in the street address>")],
        ("organization", "address"),
        note="fill-in",
    ),
    Case(
        "GOV018",
        [(("rights", "erasure_approval", "approver_roles"), ["privacy_officer", "resident"])],
        ("rights", "erasure_approval", "approver_roles", 1),
    ),
    Case(
        "GOV019",
        [(("rights", "erasure_approval"), DELETE), (("roles", 2, "approves_disclosures"), False)],
        ("rights", "erasure"),
    ),
    Case("GOV020", [(("rights", "erasure_approval", "second_person"), False)], ("rights",)),
    Case("GOV020", [(("rights", "erasure_approval"), DELETE)], ("rights",), note="no-section"),
]


def base_data() -> dict[str, Any]:
    """The city example as plain data."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def mutate(data: dict[str, Any], mutations: list[tuple[Location, Any]]) -> dict[str, Any]:
    """A copy of ``data`` with each path set (or removed, for DELETE); an index one past
    the end of a list appends."""
    out = copy.deepcopy(data)
    for path, value in mutations:
        parent: Any = out
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        if value is DELETE:
            del parent[last]
        elif isinstance(parent, list) and last == len(parent):
            parent.append(value)
        else:
            parent[last] = value
    return out


def load(data: dict[str, Any]) -> LoadedPlan:
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml")


def check(data: dict[str, Any], rule_id: str) -> CheckReport:
    return run_checks(load(data), rules=[RULES_BY_ID[rule_id]], today=TODAY)


@pytest.mark.parametrize("rule", [r.id for r in ALL_RULES])
def test_the_city_example_passes_every_rule(rule: str) -> None:
    assert check(base_data(), rule).findings == ()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_mutation_breaks_exactly_its_rule_at_its_location(case: Case) -> None:
    report = check(mutate(base_data(), case.mutations), case.rule)

    assert [(f.rule, f.path) for f in report.findings] == [(case.rule, format_location(case.at))]
    finding = report.findings[0]
    assert finding.severity is (case.severity or RULES_BY_ID[case.rule].severity)
    assert finding.message
    assert finding.hint


def test_every_rule_has_a_failing_case() -> None:
    tested = {case.rule for case in CASES}
    assert sorted(RULES_BY_ID.keys() - tested) == []
    assert sorted(tested - RULES_BY_ID.keys()) == []


def test_an_expired_role_is_judged_against_the_given_day() -> None:
    data = base_data()
    assert check(data, "ACC005").findings == ()
    late = run_checks(load(data), rules=[RULES_BY_ID["ACC005"]], today=date(2027, 7, 1))
    assert [f.path for f in late.findings] == ["roles[3].expires"]
