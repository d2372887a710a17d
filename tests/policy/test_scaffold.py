"""The scaffold: questionnaire answers -> a complete plan that loads and passes the checks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.policy import load_plan_text
from steward.policy.checks import Severity, run_checks
from steward.policy.duration import parse_duration
from steward.policy.model import HostedBy, LegalBasis, OrganizationKind, Origin
from steward.policy.model.questionnaire import Lawfulness
from steward.policy.scaffold import (
    TODO,
    Answers,
    AnswersError,
    Scaffold,
    parse_answers,
    scaffold,
)
from steward.policy.scaffold.answers import subject_id
from steward.policy.taxonomy import BUILT_IN_CATEGORIES
from steward.policy.tiers import Tier

TODAY = date(2026, 3, 1)


def _answers(**changes: Any) -> Answers:
    base: dict[str, Any] = {
        "organization": "Riverton Help Desk",
        "kind": "help_desk",
        "jurisdictions": ["US-CA"],
        "privacy_officer": {"name": "Sam Lee", "email": "privacy@example.org"},
        "data_kinds": ["contact"],
        "subjects": ["clients"],
        "source": {"lawfully_collected": "yes"},
    }
    return Answers.model_validate(base | changes)


def _filled(value: Any) -> Any:
    """Plan data with every ``TODO:`` placeholder replaced, as a person would."""
    if isinstance(value, str) and TODO in value:
        return "Decided by the privacy officer"
    if isinstance(value, dict):
        return {key: _filled(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_filled(inner) for inner in value]
    return value


def _errors(result: Scaffold) -> list[str]:
    """The errors of the scaffold's plan once a person has filled in its placeholders.

    Until then each ``TODO:`` the scaffold lists is an error (GOV017) at its own line.
    """
    report = run_checks(load_plan_text(result.text, source="plan.yaml"), today=TODAY)
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    assert sorted(f.path for f in errors if f.rule == "GOV017") == sorted(result.todos)
    filled = yaml.safe_dump(_filled(yaml.safe_load(result.text)), sort_keys=False)
    report = run_checks(load_plan_text(filled, source="plan.yaml"), today=TODAY)
    return [
        f"{f.rule} {f.path}: {f.message}" for f in report.findings if f.severity is Severity.ERROR
    ]


@pytest.mark.parametrize("kind", sorted(BUILT_IN_CATEGORIES))
def test_each_data_kind_alone_gives_a_passing_plan(kind: str) -> None:
    result = scaffold(_answers(data_kinds=[kind]), today=TODAY)
    assert _errors(result) == []
    names = {f["category"] for f in result.data["datasets"][0]["fields"]}
    assert kind in names


def test_every_kind_at_once_gives_a_passing_restricted_plan() -> None:
    result = scaffold(_answers(data_kinds=sorted(BUILT_IN_CATEGORIES)), today=TODAY)
    assert result.tier is Tier.RESTRICTED
    assert _errors(result) == []


answers_strategy = st.builds(
    Answers,
    organization=st.sampled_from(["Riverton Food Bank", "City of X, 311", "Ayuda: Desk #1"]),
    kind=st.sampled_from(list(OrganizationKind)),
    jurisdictions=st.lists(st.sampled_from(["US", "US-CA", "GB", "IN-KA", "FR"]), min_size=1),
    privacy_officer=st.just({"name": "Sam", "email": "sam@example.org"}),
    data_kinds=st.lists(st.sampled_from(sorted(BUILT_IN_CATEGORIES)), min_size=1, max_size=6),
    subjects=st.lists(
        st.sampled_from(["residents", "clients", "Volunteers", "staff members"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    people=st.none() | st.integers(0, 10**7),
    hosting=st.sampled_from(
        [
            {"by": "self"},
            {"by": "self", "location": "US"},
            {"by": "third_party", "provider": "Cloud Co"},
            {"by": "third_party", "provider": "Cloud Co", "location": "IE"},
        ]
    ),
    access=st.lists(st.sampled_from(["caseworkers", "volunteers"]), max_size=2),
    cross_border_transfers=st.booleans(),
    children=st.booleans(),
    special_categories=st.booleans(),
    source=st.builds(
        dict,
        origin=st.sampled_from(list(Origin)),
        basis=st.none() | st.sampled_from(list(LegalBasis)),
        lawfully_collected=st.just(Lawfulness.YES),
    ),
    shared_with_external_analysts=st.booleans(),
)

STATUS = {k for k, c in BUILT_IN_CATEGORIES.items() if c.status}


def _status_abroad(answers: Answers) -> bool:
    """Vulnerable-status data hosted outside the organization's countries (HOST002)."""
    home = {j.split("-")[0] for j in answers.jurisdictions}
    location = answers.hosting.location
    abroad = location is not None and location.split("-")[0] not in home
    return abroad and bool(STATUS & set(answers.data_kinds))


@settings(max_examples=60)
@given(answers_strategy.filter(lambda a: not _status_abroad(a)))
def test_any_answers_give_a_plan_that_loads_and_passes(answers: Answers) -> None:
    result = scaffold(answers, today=TODAY)
    loaded = load_plan_text(result.text)
    assert loaded.plan.model_dump(mode="json", by_alias=True) == load_plan_text(
        result.text
    ).plan.model_dump(mode="json", by_alias=True)
    assert _errors(result) == []
    assert result.classification.tier is result.tier
    assert loaded.plan.organization.name == answers.organization


@pytest.mark.parametrize("lawful", ["unknown", "no"])
def test_unconfirmed_lawfulness_is_kept_and_reported(lawful: str) -> None:
    # The scaffold never claims what the answers do not: the check reports it instead.
    result = scaffold(_answers(source={"lawfully_collected": lawful}), today=TODAY)
    assert result.data["questionnaire"]["source"]["lawfully_collected"] == lawful
    assert [e.split()[0] for e in _errors(result)] == ["LAW007"]


def test_status_data_hosted_abroad_is_kept_and_reported() -> None:
    answers = _answers(
        data_kinds=["contact", "criminal_history"],
        hosting={"by": "third_party", "provider": "Cloud", "location": "IE"},
    )
    result = scaffold(answers, today=TODAY)
    assert result.data["questionnaire"]["cross_border_transfers"] is True
    assert {e.split()[0] for e in _errors(result)} == {"HOST002"}


def test_immigration_status_is_a_never_field_unless_declared() -> None:
    plan = load_plan_text(scaffold(_answers(), today=TODAY).text).plan
    spec = plan.dataset("intake").field("immigration_status")
    assert spec.never
    assert spec.never_reason

    needed = _answers(data_kinds=["contact", "immigration_status"])
    plan = load_plan_text(scaffold(needed, today=TODAY).text).plan
    spec = plan.dataset("intake").field("immigration_status")
    assert not spec.never
    assert spec.purposes == ["sensitive_support"]
    assert plan.purpose("sensitive_support").explicit_consent


def test_fields_have_sensible_names_roles_and_masking() -> None:
    plan = load_plan_text(
        scaffold(_answers(data_kinds=["contact", "location", "free_text"]), today=TODAY).text
    ).plan
    intake = plan.dataset("intake")
    assert [f.name for f in intake.fields] == [
        "full_name",
        "email",
        "phone",
        "street_address",
        "details",
        "request_type",
        "immigration_status",
    ]
    assert intake.field("email").identifier.value == "direct"
    assert intake.field("email").masking.value == "partial"
    assert intake.field("street_address").identifier.value == "quasi"
    assert intake.field("details").masking.value == "full"
    assert intake.field("request_type").masking.value == "none"
    assert all(f.purposes for f in intake.collected_fields)


def test_roles() -> None:
    plan = load_plan_text(
        scaffold(_answers(shared_with_external_analysts=True), today=TODAY).text
    ).plan
    caseworker = plan.role("caseworker")
    officer = plan.role("privacy_officer")
    analyst = plan.role("analyst")
    assert caseworker.mfa
    assert officer.approves_disclosures
    assert officer.reads_audit
    assert analyst.temporary
    assert analyst.expires is not None
    assert TODAY < analyst.expires <= date(2026, 12, 31)
    assert not any(r.shared_account for r in plan.roles)
    assert [r.id for r in plan.roles if not r.staff] == ["data_subject"]


def test_no_analyst_role_unless_shared() -> None:
    plan = load_plan_text(scaffold(_answers(), today=TODAY).text).plan
    assert "analyst" not in {r.id for r in plan.roles}
    assert not [r for r in plan.recipients if r.kind.value == "analyst"]


def test_disclosure_rules() -> None:
    disclosure = load_plan_text(scaffold(_answers(), today=TODAY).text).plan.disclosure
    assert disclosure is not None
    assert [g.value for g in disclosure.allowed_grounds] == ["consent", "court_order"]
    assert disclosure.approver_roles == ["privacy_officer"]
    assert disclosure.approver_not_requester
    assert disclosure.notify_subject.value == "unless_prohibited"
    assert disclosure.delivery.encrypted
    assert disclosure.delivery.expires_after is not None


@pytest.mark.parametrize(("children", "policy"), [(False, "refuse"), (True, "guardian_consent")])
def test_minors_rule(children: bool, policy: str) -> None:
    plan = load_plan_text(scaffold(_answers(children=children), today=TODAY).text).plan
    assert plan.minors is not None
    assert plan.minors.policy.value == policy
    assert all(s.minors is children for s in plan.subjects)


def test_operations() -> None:
    ops = load_plan_text(scaffold(_answers(), today=TODAY).text).plan.operations
    assert [k.value for k in ops.web_logs.keep] == ["date", "country"]
    assert ops.backups is not None
    assert ops.backups.encrypted
    assert ops.backups.frequency == "daily"
    assert ops.incidents is not None
    assert str(ops.incidents.notify_authority_within) == "72h"
    assert ops.vulnerability_disclosure is not None
    window = ops.vulnerability_disclosure.disclose_within
    assert window is not None
    assert parse_duration("21d") <= window <= parse_duration("90d")


def test_retention_is_tighter_for_sensitive_tiers() -> None:
    internal = scaffold(_answers(data_kinds=["contact"]), today=TODAY)
    restricted = scaffold(_answers(data_kinds=["contact", "health"]), today=TODAY)
    assert internal.tier is Tier.INTERNAL
    assert restricted.tier is Tier.RESTRICTED

    def keep(result: Any, purpose: str) -> Any:
        plan = load_plan_text(result.text).plan
        retention = plan.purpose(purpose).retention
        assert retention is not None
        return retention.keep

    assert keep(restricted, "service_delivery") < keep(internal, "service_delivery")
    restricted_plan = load_plan_text(restricted.text).plan
    assert restricted_plan.dataset("intake").sealed
    assert restricted_plan.organization.oversight_body is not None


def test_todos_are_listed_in_the_header() -> None:
    result = scaffold(_answers(hosting={"by": "third_party", "provider": "C"}), today=TODAY)
    assert "governance.senior_committee" in result.todos
    assert "recipients[0].contract.reference" in result.todos
    header = result.text.split("\n\n", 1)[0]
    for path in result.todos:
        assert f"#   - {path}" in header
    assert result.text.count(TODO) >= len(result.todos)


def test_text_has_comments_and_no_aliases() -> None:
    text = scaffold(_answers(data_kinds=["contact", "health"]), today=TODAY).text
    assert "# Need-to-know roles" in text
    assert "&id" not in text
    assert "*id" not in text


def test_known_regulator_is_filled_in() -> None:
    plan = load_plan_text(scaffold(_answers(jurisdictions=["GB"]), today=TODAY).text).plan
    assert plan.governance.regulator is not None
    assert plan.governance.regulator.name == "Information Commissioner's Office"


def test_hosting_defaults_to_the_first_jurisdiction_when_self_hosted() -> None:
    plan = load_plan_text(scaffold(_answers(), today=TODAY).text).plan
    assert plan.questionnaire.hosting.by is HostedBy.SELF
    assert plan.questionnaire.hosting.location == "US-CA"


# ------------------------------------------------------------------ answers


def test_answers_accept_comma_separated_text_and_yaml_booleans() -> None:
    answers = parse_answers(
        "organization: X\njurisdictions: us-ca, gb\n"
        "privacy_officer: {name: A, email: a@b.org}\n"
        "data_kinds: Contact, free text, contact\nsubjects: Home owners\n"
        "source: {lawfully_collected: no}\n"
    )
    assert answers.jurisdictions == ["US-CA", "GB"]
    assert answers.data_kinds == ["contact", "free_text"]
    assert answers.source.lawfully_collected is Lawfulness.NO
    assert subject_id(answers.subjects[0]) == "home_owners"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "<answers>:1:1: the answers file is empty"),
        ("[1, 2]\n", "<answers>:1:1: the answers must be a mapping"),
        (
            "organization: X\njurisdictions: [US]\nprivacy_officer: {name: A, email: a@b.org}\n"
            "data_kinds: []\nsubjects: [x]\n",
            "<answers>:4:13: data_kinds: list should have at least 1 item",
        ),
        (
            "organization: X\njurisdictions: [US]\nprivacy_officer: {name: A, email: a@b.org}\n"
            "data_kinds: [contact]\nsubjects: ['!!!']\n",
            "<answers>:5:11: subjects: '!!!' needs some letters",
        ),
        (
            "organization: X\njurisdictions: [US]\nprivacy_officer: {name: A, email: a@b.org}\n"
            "data_kinds: [contact]\nsubjects: [x]\nhosting: {by: third_party}\n",
            "<answers>:6:10: hosting: name the hosting provider",
        ),
    ],
)
def test_answer_problems(text: str, expected: str) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers(text)
    assert expected in str(caught.value)
