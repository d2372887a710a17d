"""The impact assessment follows the recognised steps (ICO template, GDPR Art. 35(7)),
is a draft without consultation and sign-off, and counts only enforced safeguards."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import LoadedPlan, load_plan, load_plan_text
from steward.policy.documents import render_documents
from steward.policy.documents.harms import foreseen_harms, rate_harm
from steward.policy.documents.impact import impact_view
from steward.policy.documents.risk import Level
from steward.policy.safeguards import PLANNED_AFTER, SAFEGUARDS, Status

from .conftest import CITY, REPO

HELP_DESK = REPO / "examples" / "security-help-desk.yaml"

STEPS = [
    "Why an assessment is needed",
    "Description of the processing",
    "Consultation",
    "Necessity and proportionality",
    "Risks to people",
    "Measures and residual risk",
    "Sign-off",
]
"""The steps issue 14 lists, in its order: screening, description, consultation,
necessity and proportionality, risks as harms, measures with residual risk, sign-off."""

L, M, H = Level.LOW, Level.MEDIUM, Level.HIGH
IN, PLAN, UNUSED = Status.IN_PLACE, Status.PLANNED, Status.NOT_USED


def assessment(loaded: LoadedPlan) -> tuple[str, str]:
    docs = render_documents(loaded)
    return docs["impact-assessment.md"], docs["impact-assessment.html"]


def city_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    return data


def plan_from(data: dict[str, Any]) -> LoadedPlan:
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml")


def test_every_step_is_a_section_in_order(example: LoadedPlan) -> None:
    markdown, page = assessment(example)
    assert re.findall(r"^## (.+)$", markdown, re.MULTILINE) == STEPS
    assert [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)] == STEPS


def test_the_example_plans_show_both_a_complete_and_a_draft_assessment() -> None:
    drafts = {path.stem: impact_view(load_plan(path).plan).draft for path in (CITY, HELP_DESK)}
    assert drafts == {"city-constituent-services": False, "security-help-desk": True}


def test_a_complete_assessment_records_consultation_harms_and_sign_off(
    city: LoadedPlan,
) -> None:
    markdown, page = assessment(city)
    assert "Draft impact assessment" not in markdown
    assert "page-mark" not in page.split("<body>")[1]
    assert "<title>Data protection impact assessment: City of Riverton" in page
    consultation = markdown[markdown.index("## Consultation") : markdown.index("## Necessity")]
    assert "| City information security office | security staff | 2026-02-10 |" in consultation
    assert "Not heard" not in consultation
    sign_off = markdown[markdown.index("## Sign-off") :]
    for row in (
        "| Measures and residual risk approved by | City Manager's Executive Team |",
        "| Approved on | 2026-03-02 |",
        "| Data-protection officer | Dana Ortiz, Chief Privacy Officer",
        "| Advice followed | no |",
        "| Why the advice was overruled | The transparency report stays yearly",
        "| Next review | 2027-03-01 |",
    ):
        assert row in sign_off, row
    harms = markdown[markdown.index("### Harms the organization foresees") :]
    assert "reaches immigration enforcement" in harms
    assert "| Residents who contact the city | medium | high | high |" in harms


def test_an_assessment_without_consultation_and_sign_off_is_a_draft_on_every_page() -> None:
    loaded = load_plan(HELP_DESK)
    docs = render_documents(loaded)
    markdown, page = docs["impact-assessment.md"], docs["impact-assessment.html"]
    assert markdown.startswith(
        "> **Draft impact assessment, not approved.** The plan records no consultation "
        "(the `consultation` key) and no sign-off (the `sign_off` key)."
    )
    body = page.split("<body>")[1]
    assert body.lstrip().startswith('<header class="page-mark"><p>Draft impact assessment')
    assert ".page-mark { position: fixed; top: 0;" in page  # repeated on every printed page
    assert "<title>Data protection impact assessment (draft): Open Shield Exchange" in page
    assert "Not signed off" in markdown
    assert "Not heard: the people affected or their representatives; the processors" in markdown
    for name in ("management-plan.md", "record-of-processing.html", "index.md"):
        assert "Draft impact assessment" not in docs[name], name


@pytest.mark.parametrize(
    ("removed", "banner"),
    [
        ("consultation", "The plan records no consultation (the `consultation` key). Until"),
        ("sign_off", "The plan records no sign-off (the `sign_off` key). Until"),
    ],
)
def test_either_missing_part_keeps_it_a_draft(removed: str, banner: str) -> None:
    data = city_data()
    del data[removed]
    markdown, page = assessment(plan_from(data))
    assert banner in markdown.splitlines()[0]
    assert "page-mark" in page.split("<body>")[1]


@pytest.mark.parametrize(
    ("likelihood", "severity", "measures", "residual_likelihood", "residual"),
    [
        (H, H, [], H, H),
        (H, H, [IN], M, H),
        (H, H, [IN, IN], L, M),
        (H, H, [IN, IN, IN], L, M),  # never below low, and severity never moves
        (H, H, [PLAN, PLAN], H, H),  # planned: lowers nothing
        (H, H, [UNUSED, UNUSED], H, H),  # not used by the plan: lowers nothing
        (H, H, [PLAN, IN, UNUSED], M, H),
        (M, H, [IN], L, M),
        (M, M, [IN], L, L),
        (L, M, [IN], L, L),
        (M, L, [PLAN], M, L),
    ],
)
def test_rate_harm_counts_only_measures_in_place(
    likelihood: Level,
    severity: Level,
    measures: list[Status],
    residual_likelihood: Level,
    residual: Level,
) -> None:
    named = [(f"safeguard_{i}", f"safeguard {i}", state) for i, state in enumerate(measures)]
    rating = rate_harm(likelihood, severity, named)
    assert (rating.residual_likelihood, rating.residual) == (residual_likelihood, residual)
    assert rating.severity is severity
    assert [s.counted for s in rating.steps] == [state is IN for state in measures]
    assert (rating.steps[-1].risk if measures else rating.inherent) is residual


def test_a_measure_listed_twice_counts_once() -> None:
    rating = rate_harm(H, H, [("masking", "masking", IN), ("masking", "masking", IN)])
    assert rating.residual_likelihood is M
    assert [s.counted for s in rating.steps] == [True, False]
    assert rating.steps[1].status_words == "in place; listed again, counted once"


def test_a_safeguard_taken_back_to_planned_lowers_no_foreseen_harm(
    city: LoadedPlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    [first, *_] = foreseen_harms(city.plan)
    assert first.rating.residual is M
    for entry_id in ("never_recorded", "disclosure_grounds"):
        pending = dataclasses.replace(SAFEGUARDS[entry_id], enforced=False, proven_by=())
        monkeypatch.setitem(SAFEGUARDS, entry_id, pending)
    [first, *_] = foreseen_harms(city.plan)
    steps = {s.safeguard: s for s in first.rating.steps}
    assert steps["never_recorded"].state is PLAN
    assert not steps["never_recorded"].counted
    assert steps["never_recorded"].name.endswith(PLANNED_AFTER)
    assert steps["disclosure_approval"].counted
    assert first.rating.residual_likelihood is L  # approval alone still lowers it once
    markdown, _ = assessment(city)
    assert "planned, not yet in place: lowers nothing" in markdown


def test_a_safeguard_the_plan_does_not_use_lowers_nothing() -> None:
    data = city_data()
    data["harms"] = [
        {
            "description": "A resident is found by someone who means them harm.",
            "affects": ["resident"],
            "likelihood": "high",
            "severity": "high",
            "measures": ["sealed_intake"],  # the city's form is not sealed
        }
    ]
    [harm] = foreseen_harms(plan_from(data).plan)
    assert harm.rating.steps[0].state is UNUSED
    assert harm.rating.residual is H


def test_harms_come_from_the_data_held(city: LoadedPlan) -> None:
    derived = {h.risk.id: h for h in impact_view(city.plan).derived}
    assert set(derived) == {"contact", "location", "demographic", "free_text"}
    assert "found at home" in derived["location"].description
    markdown, _ = assessment(city)
    assert "| A person is found at home or where they go" in markdown


def test_a_survivor_fleeing_someone_is_a_harm_of_victim_status() -> None:
    data = city_data()
    data["datasets"][0]["fields"].append(
        {
            "name": "survivor",
            "label": "Are you safe at home?",
            "category": "victim_status",
            "purposes": ["service_delivery"],
        }
    )
    view = impact_view(plan_from(data).plan)
    [harm] = [h for h in view.derived if h.risk.id == "victim_status"]
    assert "found by the person they fled" in harm.description
    assert harm.risk.rating.severity is H


def _met(loaded: LoadedPlan) -> set[str]:
    return {c.id for c in impact_view(loaded.plan).screening.met}


def test_screening_is_computed_from_the_plan() -> None:
    tiny = load_plan_text('steward: 1\nversion: "1"\norganization:\n  name: Tiny\n')
    assert _met(tiny) == set()
    assert "meets none of the criteria" in assessment(tiny)[0]
    assert _met(load_plan(CITY)) == {
        "vulnerable_people",
        "large_scale",
        "highly_personal",
        "authorities",
    }
    data = city_data()
    data["subjects"][0]["minors"] = True
    data["questionnaire"]["people"] = 900
    data["disclosure"]["allowed_grounds"] = ["consent"]
    data["operations"]["web_logs"]["third_party_analytics"] = True
    data["datasets"][0]["fields"][7]["category"] = "health"
    assert _met(plan_from(data)) == {
        "special_categories",
        "vulnerable_people",
        "children",
        "highly_personal",
        "monitoring",
    }


BASE = (
    'steward: 1\nversion: "1"\norganization:\n  name: Tiny\n'
    "subjects:\n  - {id: resident, label: R}\n"
)


@pytest.mark.parametrize(
    ("extra", "where", "message"),
    [
        (
            "harms:\n  - {description: x, affects: [residnt], likelihood: high, severity: high}\n",
            "harms[0].affects[0]",
            "unknown data subject 'residnt'; did you mean 'resident'?",
        ),
        (
            "harms:\n  - {description: x, affects: [resident], likelihood: high, severity: high,"
            " measures: [maskng]}\n",
            "harms[0].measures[0]",
            "unknown safeguard 'maskng'; did you mean 'masking'?",
        ),
        (
            "harms:\n  - {description: x, affects: [resident], likelihood: likely,"
            " severity: high}\n",
            "harms[0].likelihood",
            "input should be 'low', 'medium' or 'high'",
        ),
        (
            "harms:\n  - {description: x, affects: [], likelihood: low, severity: high}\n",
            "harms[0].affects",
            "at least 1 item",
        ),
        (
            "consultation:\n  - {who: x, kind: neighbours, when: 2026-01-02, said: y}\n",
            "consultation[0].kind",
            "input should be 'affected_people', 'representatives', 'processor'",
        ),
        (
            "consultation:\n  - {who: x, kind: staff, said: y}\n",
            "consultation[0].when",
            "missing required key 'when'",
        ),
        (
            "sign_off: {approved_by: B, approved_on: 2026-01-10, dpo_advice: ok,"
            " advice_followed: false, next_review: 2027-01-10}\n",
            "sign_off",
            "advice_followed is false: say why in reason_if_overruled",
        ),
        (
            "sign_off: {approved_by: B, approved_on: 2026-01-10, dpo_advice: ok,"
            " advice_followed: true, reason_if_overruled: r, next_review: 2027-01-10}\n",
            "sign_off",
            "reason_if_overruled is given but advice_followed is true",
        ),
        (
            "sign_off: {approved_by: B, approved_on: 2026-01-10, dpo_advice: ok,"
            " advice_followed: true, next_review: 2025-01-10}\n",
            "sign_off",
            "next_review must come after approved_on",
        ),
        (
            "sign_off: {approved_by: B, approved_on: 2026-01-10, dpo_advise: ok,"
            " advice_followed: true, next_review: 2027-01-10}\n",
            "sign_off.dpo_advise",
            "unknown key 'dpo_advise'; did you mean 'dpo_advice'?",
        ),
    ],
)
def test_bad_assessment_fields_are_clear_errors(
    extra: str, where: str, message: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from steward.cli.main import app

    plan = tmp_path / "plan.yaml"
    plan.write_text(BASE + extra, encoding="utf-8")
    result = CliRunner().invoke(app, ["policy", "docs", str(plan), "--out", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if where + ":" in line]
    assert lines, result.output
    assert message in " ".join(" ".join(lines).split())
    assert not (tmp_path / "d").exists()


def test_the_plan_format_lists_every_safeguard_a_measure_can_name() -> None:
    text = (REPO / "docs" / "plan-format.md").read_text(encoding="utf-8")
    section = text[text.index("### consultation, harms and sign_off") :]
    section = section[: section.index("`sign_off`:")]
    named = re.findall(r"`([a-z_]+)`", section[section.index("The safeguards a measure") :])
    assert set(named) - {"steward"} >= set(SAFEGUARDS)
