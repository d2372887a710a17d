"""The record of processing covers every item of GDPR Art. 30(1); a processor's record
covers Art. 30(2); security measures are only those Steward enforces for the plan."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from steward.policy import LoadedPlan, PlanLoadError, load_plan_text
from steward.policy.checks import RULES_BY_ID, run_checks
from steward.policy.documents import render_documents
from steward.policy.safeguards import SAFEGUARDS, Status, status

from .conftest import CITY

GENERATED = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)

ARTICLE_30_1 = [
    "Controller, representative and data-protection officer",  # (a)
    "Purposes of the processing",  # (b)
    "Categories of data subjects",  # (c)
    "Categories of personal data",  # (c)
    "Recipients",  # (d), those in other countries marked
    "Transfers to other countries and their safeguards",  # (e)
    "Time limits for erasure",  # (f)
    "Security measures",  # (g)
    "Sources of the data",  # beyond Art. 30: where the data comes from
    "Special categories and the condition for processing them",  # Art. 9(2)
]
ARTICLE_30_2 = [
    "Processor, representative and data-protection officer",  # (a)
    "Controllers we process data for",  # (a)
    "Categories of processing carried out for each controller",  # (b)
    "Transfers to other countries and their safeguards",  # (c)
    "Security measures",  # (d)
]


def sections(markdown: str) -> dict[str, str]:
    """Each level-2 heading and the text under it, up to the next one."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def record(loaded: LoadedPlan, stem: str = "record-of-processing") -> str:
    return render_documents(loaded, generated=GENERATED)[f"{stem}.md"]


def city(edit: Any = None) -> LoadedPlan:
    data = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="city.yaml")


def test_every_item_of_article_30_1_has_its_own_section(example: LoadedPlan) -> None:
    text = record(example)
    found = sections(text)
    assert [h for h in found if h in ARTICLE_30_1] == ARTICLE_30_1
    for heading in ARTICLE_30_1:
        assert found[heading].strip(), heading
    assert "generated on 2026-05-04" in text


def test_the_controller_section_names_representative_and_officer(example: LoadedPlan) -> None:
    controller = sections(record(example))[ARTICLE_30_1[0]]
    org = example.plan.organization
    for item in ("Controller", "Representative", "Data-protection officer"):
        assert f"| {item} |" in controller
    assert org.name in controller
    if org.privacy_officer and org.privacy_officer.email:
        assert org.privacy_officer.email in controller


def test_every_purpose_and_its_time_limit_are_listed(example: LoadedPlan) -> None:
    found = sections(record(example))
    for purpose in example.plan.purposes:
        assert purpose.label in found["Purposes of the processing"]
        limit = purpose.retention.describe() if purpose.retention else "no time limit set"
        assert f"| {purpose.label} | {limit} |" in found["Time limits for erasure"]


def test_security_measures_are_only_those_steward_enforces(example: LoadedPlan) -> None:
    listed = re.findall(r"^- (.+)$", sections(record(example))["Security measures"], flags=re.M)
    in_place = {
        s.name for s in SAFEGUARDS.values() if status(example.plan, s.id) is Status.IN_PLACE
    }
    assert listed
    assert set(listed) <= in_place


def test_a_safeguard_not_enforced_is_never_listed_as_a_measure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded = city()
    entry = SAFEGUARDS["mfa"]
    assert status(loaded.plan, "mfa") is Status.IN_PLACE
    monkeypatch.setitem(SAFEGUARDS, "mfa", dataclasses.replace(entry, enforced=False))
    text = record(loaded)
    measures = sections(text)["Security measures"]
    assert f"- {entry.name}\n" not in measures
    assert (
        "Planned, not yet in place (the plan asks for them; Steward does not enforce "
        f"them yet): {entry.name}" in measures
    )
    assert "multi-factor sign-in for every staff role" not in text


def test_sources_are_stated_per_dataset() -> None:
    def from_a_partner(data: dict[str, Any]) -> None:
        data["datasets"][0]["source"] = {"from": "third_party", "party": "Riverton 311 line"}

    sources = sections(record(city(from_a_partner)))["Sources of the data"]
    assert "| Service request | obtained from a third party: Riverton 311 line |" in sources
    unstated = sections(record(city(lambda d: d["datasets"][0].pop("source"))))
    assert "| Service request | not stated in the plan |" in unstated["Sources of the data"]


HEALTH = {"name": "health", "label": "Health needs", "category": "health",
          "purposes": ["service_delivery"]}  # fmt: skip


def _holds_health(data: dict[str, Any]) -> None:
    data["datasets"][0]["fields"].append(HEALTH)
    data["questionnaire"]["special_categories"] = True


def test_special_categories_state_their_condition() -> None:
    def with_condition(data: dict[str, Any]) -> None:
        _holds_health(data)
        data["purposes"][0]["special_condition"] = "health_or_social_care"

    loaded = city(with_condition)
    special = sections(record(loaded))[ARTICLE_30_1[-1]]
    assert "health or social care (Art. 9(2)(h))" in special
    assert run_checks(loaded, rules=[RULES_BY_ID["LAW010"]]).findings == ()


def test_special_categories_without_a_condition_are_flagged() -> None:
    loaded = city(_holds_health)
    special = sections(record(loaded))[ARTICLE_30_1[-1]]
    assert "not stated in the plan" in special
    [finding] = run_checks(loaded, rules=[RULES_BY_ID["LAW010"]]).findings
    assert finding.severity.value == "warning"
    assert "Art. 9(2)" in finding.message


def test_no_special_category_says_so() -> None:
    special = sections(record(city()))[ARTICLE_30_1[-1]]
    assert "No special category of personal data is stored." in special


def test_recipients_abroad_and_their_transfer_safeguard() -> None:
    def abroad(data: dict[str, Any]) -> None:
        data["recipients"][0]["location"] = "CA"
        data["recipients"][0]["transfer_safeguard"] = "standard_contractual_clauses"
        data["questionnaire"]["cross_border_transfers"] = True

    found = sections(record(city(abroad)))
    name = city().plan.recipients[0].name
    assert re.search(rf"\| {re.escape(name)} \| [^|]+ \| CA \| yes \|", found["Recipients"])
    transfers = found["Transfers to other countries and their safeguards"]
    assert f"| {name} | CA |" in transfers
    assert "standard contractual clauses (Art. 46(2)(c))" in transfers


def test_no_transfer_says_so() -> None:
    transfers = sections(record(city()))["Transfers to other countries and their safeguards"]
    assert "No data is transferred outside US." in transfers


def test_a_processor_gets_the_article_30_2_record(example: LoadedPlan) -> None:
    files = render_documents(example, generated=GENERATED)
    organization = example.plan.organization
    if not organization.role.processes_for_others:
        assert "processor-record.md" not in files
        return
    text = files["processor-record.md"]
    found = sections(text)
    assert [h for h in found if h in ARTICLE_30_2] == ARTICLE_30_2
    for controller in organization.acts_for:
        assert f"### {controller.name}" in found["Controllers we process data for"]
        for processing in controller.processing:
            assert processing in found[ARTICLE_30_2[2]]
    assert "processor-record.html" in files["index.md"]


def test_a_controller_that_becomes_a_processor_gets_the_record() -> None:
    def processor(data: dict[str, Any]) -> None:
        data["organization"]["role"] = "processor"
        data["organization"]["data_protection_officer"] = {"name": "Dana Ruiz"}
        data["organization"]["acts_for"] = [
            {"name": "County Health Office", "processing": ["hosting its request forms"],
             "data_protection_officer": {"name": "Lee Park", "email": "dpo@county.example"}}
        ]  # fmt: skip

    text = record(city(processor), "processor-record")
    found = sections(text)
    assert "Dana Ruiz" in found[ARTICLE_30_2[0]]
    assert "Lee Park (dpo@county.example)" in found["Controllers we process data for"]
    assert "| County Health Office | hosting its request forms |" in found[ARTICLE_30_2[2]]


@pytest.mark.parametrize(
    ("organization", "message"),
    [
        ({"role": "processor"}, "name each controller under acts_for"),
        ({"role": "both", "acts_for": []}, "name each controller under acts_for"),
        ({"acts_for": [{"name": "X", "processing": ["y"]}]}, "set role to 'processor' or 'both'"),
        ({"role": "both", "acts_for": [{"name": "X", "processing": []}]}, "processing"),
        ({"role": "owner"}, "role"),
    ],
)
def test_a_wrong_role_is_refused_plainly(organization: dict[str, Any], message: str) -> None:
    with pytest.raises(PlanLoadError) as refused:
        city(lambda d: d["organization"].update(organization))
    assert message in str(refused.value)
    assert "organization" in str(refused.value)


def test_a_third_party_source_must_name_the_party() -> None:
    with pytest.raises(PlanLoadError) as refused:
        city(lambda d: d["datasets"][0].update(source={"from": "third_party"}))
    assert "must name where it comes from under party" in str(refused.value)
    assert "datasets[0].source" in str(refused.value)


def test_an_unknown_condition_is_refused_plainly() -> None:
    with pytest.raises(PlanLoadError) as refused:
        city(lambda d: d["purposes"][0].update(special_condition="because"))
    assert "purposes[0].special_condition" in str(refused.value)


def test_the_schema_documents_the_new_fields() -> None:
    from steward.policy import plan_json_schema

    schema = str(plan_json_schema())
    for name in ("acts_for", "data_protection_officer", "special_condition",
                 "transfer_safeguard", "the_person"):  # fmt: skip
        assert name in schema
