"""Notice drafts as tables: what each audience's draft says, made from clear facts and the
plan only, and the English draft marked for a plan in another language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from steward.policy.model import Plan
from steward.vault.rules.incident_notice import (
    KIND_WORDS,
    IncidentFacts,
    data_categories,
    draft_notice,
)
from tests.vault.test_rules_incident import CITY_PLAN, HELP_DESK, plan_of

DETECTED = datetime(2026, 11, 30, 9, tzinfo=UTC)
FACTS = IncidentFacts(
    kind="misdirected_disclosure",
    detected_at=DETECTED,
    datasets=("service_request",),
    records_affected=1,
    people_affected=1,
    personal_data=True,
    steps_done=("Contain", "Assess"),
    authority_due=DETECTED + timedelta(hours=72),
    people_due=DETECTED + timedelta(days=30),
    contained=True,
)


def _in(language: str) -> Plan:
    organization = CITY_PLAN.organization.model_copy(update={"language": language})
    return CITY_PLAN.model_copy(update={"organization": organization})


@pytest.mark.parametrize(
    ("audience", "says"),
    [
        ("authority", "To: California Privacy Protection Agency"),
        ("authority", "reports data sent to the wrong recipient, detected on 30 November 2026"),
        ("authority", "Approximate numbers: 1 record, 1 person."),
        ("authority", "This notice is due by 03 December 2026, 09:00 UTC."),
        ("authority", "The people affected are to be told by 30 December 2026"),
        ("authority", "Privacy officer: Dana Ortiz, Chief Privacy Officer"),
        ("people", "We are writing to tell you about data sent to the wrong recipient"),
        ("people", "We believe about 1 person is affected."),
        ("people", "- Contain\n- Assess"),
        ("people", "Contact for this incident: security@riverton.example.gov"),
    ],
)
def test_what_a_draft_says(audience: str, says: str) -> None:
    draft = draft_notice(CITY_PLAN, FACTS, audience)
    assert says in draft.body
    assert draft.translated
    assert draft.audience == audience


def test_categories_come_from_the_datasets_named() -> None:
    labels = data_categories(CITY_PLAN, ["service_request"])
    assert labels
    assert data_categories(CITY_PLAN, []) == []
    body = draft_notice(CITY_PLAN, FACTS, "authority").body
    assert f"Categories of data concerned: {labels[0].lower()}" in body
    unknown = draft_notice(CITY_PLAN, FACTS.__class__(**{**FACTS.__dict__, "datasets": ()}),
                           "people")  # fmt: skip
    assert "may be concerned: not yet known." in unknown.body


@pytest.mark.parametrize(("language", "marked"), [("en", False), ("en-GB", False), ("es", True)])
def test_other_languages_get_the_english_draft_marked(language: str, marked: bool) -> None:
    draft = draft_notice(_in(language), FACTS, "people")
    assert draft.translated is not marked
    assert draft.body.startswith("[English draft") is marked
    assert draft.written_in == "en"


def test_every_kind_has_words_and_a_bad_audience_is_refused() -> None:
    help_desk = plan_of(HELP_DESK)
    for kind, words in KIND_WORDS.items():
        facts = FACTS.__class__(**{**FACTS.__dict__, "kind": kind, "steps_done": ()})
        assert words in draft_notice(help_desk, facts, "authority").body
    nothing = FACTS.__class__(**{**FACTS.__dict__, "steps_done": (), "contained": False})
    assert "The response has started" in draft_notice(CITY_PLAN, nothing, "people").body
    with pytest.raises(ValueError, match="authority or people"):
        draft_notice(CITY_PLAN, FACTS, "press")
