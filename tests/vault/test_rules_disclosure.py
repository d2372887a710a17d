"""Whether a disclosure may be opened, approved, refused, withdrawn or delivered: the rule
as tables of ground x recipient x consent x fields x role, on the city plan and variants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import load_plan_text
from steward.policy.model import Plan
from steward.vault.rules.disclosure import (
    DisclosureAsk,
    DisclosureState,
    DisclosureStep,
    Pending,
    compliance_of,
    decide_opening,
    decide_step,
    narrowing_refusal,
    prohibition_refusal,
)
from steward.vault.rules.reveal import ConsentState
from steward.vault.rules.staff_standing import StaffStanding

CITY = Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml"
ASKER = 7
OTHER = 8
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
MAILER = {
    "id": "mail_house",
    "name": "Riverton Mail House",
    "kind": "processor",
    "categories": ["contact", "health"],
    "purposes": ["service_updates", "service_delivery"],
}
HEALTH = {
    "name": "health_note",
    "label": "Health note",
    "category": "health",
    "purposes": ["service_delivery"],
    "masking": "full",
}


def plan_with(notify: str = "unless_prohibited", **disclosure: Any) -> Plan:
    data = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    data["recipients"].append(MAILER)
    data["datasets"][0]["fields"].append(HEALTH)
    data["disclosure"]["notify_subject"] = notify
    data["disclosure"].update(disclosure)
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


CITY_PLAN = plan_with()
WIDE = plan_with(
    allowed_grounds=["consent", "court_order", "subpoena", "staff_discretion", "vital_interest"]
)
ALWAYS = plan_with(notify="always")
NO_SECOND = plan_with(approver_not_requester=False)
ROLE = {role.id: role for role in CITY_PLAN.roles}
AGREED = {"service_updates": ConsentState.AGREED}
WITHDRAWN = {"service_updates": ConsentState.WITHDRAWN}
REFUSED = {"service_updates": ConsentState.NOT_AGREED}


def who(role: str, user: int | None = ASKER, **kwargs: Any) -> StaffStanding:
    return StaffStanding(ROLE[role], user, **kwargs)


def ask(
    ground: str = "court_order",
    fields: tuple[str, ...] = ("full_name", "street_address"),
    recipient: str = "",
    party: str = "Riverton Superior Court",
    consents: tuple[dict[str, ConsentState], ...] = ({},),
) -> DisclosureAsk:
    return DisclosureAsk(
        CITY_PLAN.dataset("service_request"), ground, fields, recipient, party, consents
    )


OFFICER = who("privacy_officer")
MAIL: dict[str, Any] = {"recipient": "mail_house", "party": ""}
OPENING: list[tuple[str, Plan, StaffStanding, DisclosureAsk, bool, str]] = [
    ("court order to a court", CITY_PLAN, OFFICER, ask(), True, "allowed ground"),
    ("warrant to an agency", CITY_PLAN, OFFICER, ask("warrant"), True, ""),
    ("subpoena not in the plan", CITY_PLAN, OFFICER, ask("subpoena"), False, "does not allow"),
    ("unknown ground", CITY_PLAN, OFFICER, ask("gut_feeling"), False, "does not allow"),
    ("staff discretion", WIDE, OFFICER, ask("staff_discretion"), False, "on its own"),
    ("subpoena where allowed", WIDE, OFFICER, ask("subpoena"), True, ""),
    ("vital interest, outside party", WIDE, OFFICER, ask("vital_interest"), False, "legal order"),
    ("consent, outside party", CITY_PLAN, OFFICER, ask("consent"), False, "legal order"),
    ("no recipient named", CITY_PLAN, OFFICER, ask(party="  "), False, "name the recipient"),
    ("unknown recipient", CITY_PLAN, OFFICER, ask(recipient="press"), False, "no recipient"),
    (
        "donors get counts only",
        CITY_PLAN,
        OFFICER,
        ask(recipient="city_council", fields=("district",)),
        False,
        "only counts",
    ),
    (
        "analysts get extracts only",
        CITY_PLAN,
        OFFICER,
        ask(recipient="civic_data_lab", fields=("district",)),
        False,
        "de-identified",
    ),
    (
        "recipient may not receive the category",
        CITY_PLAN,
        OFFICER,
        ask(fields=("street_address",), **MAIL),
        False,
        "category location",
    ),
    (
        "recipient serves none of the field's purposes",
        CITY_PLAN,
        OFFICER,
        ask(fields=("phone",), **MAIL),
        False,
        "none of the purposes",
    ),
    (
        "consent given",
        CITY_PLAN,
        OFFICER,
        ask("consent", ("email",), consents=(AGREED, AGREED), **MAIL),
        True,
        "",
    ),
    (
        "consent withdrawn by one person",
        CITY_PLAN,
        OFFICER,
        ask("consent", ("email",), consents=(AGREED, WITHDRAWN), **MAIL),
        False,
        "record 2 has not agreed to 'service_updates' (withdrawn)",
    ),
    (
        "consent refused",
        CITY_PLAN,
        OFFICER,
        ask("consent", ("email",), consents=(REFUSED,), **MAIL),
        False,
        "not agreed",
    ),
    (
        "consent never asked",
        CITY_PLAN,
        OFFICER,
        ask("consent", ("email",), consents=({},), **MAIL),
        False,
        "has not agreed",
    ),
    (
        "consent to a purpose nobody is asked about",
        CITY_PLAN,
        OFFICER,
        ask("consent", ("full_name",), consents=(AGREED,), **MAIL),
        False,
        "asks nobody's consent to 'service_delivery'",
    ),
    (
        "a never field",
        CITY_PLAN,
        OFFICER,
        ask(fields=("full_name", "immigration_status")),
        False,
        "'immigration_status' is never recorded",
    ),
    (
        "a special category on consent",
        CITY_PLAN,
        OFFICER,
        ask("consent", ("health_note",), consents=(AGREED,), **MAIL),
        False,
        "only on a legal order",
    ),
    (
        "a special category on a court order",
        CITY_PLAN,
        OFFICER,
        ask(fields=("health_note",)),
        True,
        "",
    ),
    ("an unknown field", CITY_PLAN, OFFICER, ask(fields=("shoe_size",)), False, "no field"),
    ("no field", CITY_PLAN, OFFICER, ask(fields=()), False, "at least one field"),
    ("no record", CITY_PLAN, OFFICER, ask(consents=()), False, "at least one record"),
    (
        "no export grant over a field",
        CITY_PLAN,
        OFFICER,
        ask(fields=("age_band",)),
        False,
        "no export grant over 'age_band'",
    ),
    ("caseworker exports nothing", CITY_PLAN, who("caseworker"), ask(), False, "export grant"),
    ("supervisor exports nothing", CITY_PLAN, who("supervisor"), ask(), False, "export grant"),
    ("analyst", CITY_PLAN, who("analyst"), ask(), False, "export grant"),
    ("resident is not staff", CITY_PLAN, who("resident"), ask(), False, "staff account"),
    ("a service token", CITY_PLAN, who("privacy_officer", None), ask(), False, "staff account"),
    (
        "expired account",
        CITY_PLAN,
        who("privacy_officer", expired=True),
        ask(),
        False,
        "temporary access",
    ),
    (
        "no second factor",
        CITY_PLAN,
        who("privacy_officer", mfa_verified=False),
        ask(),
        False,
        "second factor",
    ),
]


@pytest.mark.parametrize(
    ("plan", "person", "asked", "allowed", "says"),
    [case[1:] for case in OPENING],
    ids=[case[0] for case in OPENING],
)
def test_opening(
    plan: Plan, person: StaffStanding, asked: DisclosureAsk, allowed: bool, says: str
) -> None:
    decision = decide_opening(plan, person, asked)
    assert decision.allowed is allowed, decision.reason
    assert says in decision.reason


def test_a_plan_without_a_disclosure_section_discloses_nothing() -> None:
    plan = CITY_PLAN.model_copy(update={"disclosure": None})
    assert "no disclosure section" in decide_opening(plan, OFFICER, ask()).reason
    pending = Pending(DisclosureState.REQUESTED, OTHER)
    assert not decide_step(plan, OFFICER, DisclosureStep.APPROVE, pending)


S = DisclosureStep
REQ = Pending(DisclosureState.REQUESTED, ASKER)
APPROVED = Pending(DisclosureState.APPROVED, ASKER, deliver_after=NOW)
LATER = Pending(DisclosureState.APPROVED, ASKER, deliver_after=NOW + timedelta(days=1))
OBJECTED = Pending(DisclosureState.APPROVED, ASKER, deliver_after=NOW, objections_open=2)
PO_ASKER = who("privacy_officer", ASKER)
PO_OTHER = who("privacy_officer", OTHER)
STEPS: list[tuple[str, Plan, StaffStanding, DisclosureStep, Pending, bool, str]] = [
    ("another officer approves", CITY_PLAN, PO_OTHER, S.APPROVE, REQ, True, ""),
    ("another officer refuses", CITY_PLAN, PO_OTHER, S.REFUSE, REQ, True, ""),
    ("self-approval", CITY_PLAN, PO_ASKER, S.APPROVE, REQ, False, "nobody approves their own"),
    ("self-refusal", CITY_PLAN, PO_ASKER, S.REFUSE, REQ, False, "someone other"),
    ("self-approval where allowed", NO_SECOND, PO_ASKER, S.APPROVE, REQ, True, ""),
    ("caseworker approves", CITY_PLAN, who("caseworker", OTHER), S.APPROVE, REQ, False, "role"),
    ("supervisor approves", CITY_PLAN, who("supervisor", OTHER), S.APPROVE, REQ, False, "role"),
    ("analyst refuses", CITY_PLAN, who("analyst", OTHER), S.REFUSE, REQ, False, "role"),
    ("resident approves", CITY_PLAN, who("resident", OTHER), S.APPROVE, REQ, False, "staff"),
    ("token approves", CITY_PLAN, who("privacy_officer", None), S.APPROVE, REQ, False, "staff"),
    ("approve twice", CITY_PLAN, PO_OTHER, S.APPROVE, APPROVED, False, "is approved"),
    (
        "approve a refused one",
        CITY_PLAN,
        PO_OTHER,
        S.APPROVE,
        Pending(DisclosureState.REFUSED, ASKER),
        False,
        "refused",
    ),
    ("requester withdraws", CITY_PLAN, PO_ASKER, S.WITHDRAW, REQ, True, ""),
    ("another withdraws", CITY_PLAN, PO_OTHER, S.WITHDRAW, REQ, False, "only the person"),
    ("withdraw once approved", CITY_PLAN, PO_ASKER, S.WITHDRAW, APPROVED, False, "approved"),
    ("approver delivers", CITY_PLAN, PO_OTHER, S.DELIVER, APPROVED, True, ""),
    ("requester delivers", CITY_PLAN, PO_ASKER, S.DELIVER, APPROVED, False, "someone other"),
    ("deliver before approval", CITY_PLAN, PO_OTHER, S.DELIVER, REQ, False, "is requested"),
    ("deliver too early", CITY_PLAN, PO_OTHER, S.DELIVER, LATER, False, "time"),
    ("objections undecided", CITY_PLAN, PO_OTHER, S.DELIVER, OBJECTED, False, "2 objection"),
    ("caseworker delivers", CITY_PLAN, who("caseworker", OTHER), S.DELIVER, APPROVED, False, ""),
    ("requester reads the document", CITY_PLAN, PO_ASKER, S.READ_DOCUMENT, REQ, True, ""),
    ("approver reads the document", CITY_PLAN, PO_OTHER, S.READ_DOCUMENT, APPROVED, True, ""),
    (
        "caseworker reads the document",
        CITY_PLAN,
        who("caseworker", OTHER),
        S.READ_DOCUMENT,
        REQ,
        False,
        "only the requester",
    ),
]


@pytest.mark.parametrize(
    ("plan", "person", "step", "pending", "allowed", "says"),
    [case[1:] for case in STEPS],
    ids=[case[0] for case in STEPS],
)
def test_steps(
    plan: Plan,
    person: StaffStanding,
    step: DisclosureStep,
    pending: Pending,
    allowed: bool,
    says: str,
) -> None:
    decision = decide_step(plan, person, step, pending, now=NOW)
    assert decision.allowed is allowed, decision.reason
    assert says in decision.reason


NARROWING: list[tuple[list[str], list[str], str | None, str]] = [
    (["a", "b"], ["1", "2"], None, "full"),
    (["a"], ["1", "2"], None, "partial"),
    (["a", "b"], ["2"], None, "partial"),
    ([], ["1"], "at least one field", ""),
    (["a"], [], "at least one record", ""),
    (["a", "c"], ["1"], "'c' was not asked for", ""),
    (["a"], ["1", "3"], "not asked for", ""),
]


@pytest.mark.parametrize(("fields", "records", "refused", "compliance"), NARROWING)
def test_narrowing(
    fields: list[str], records: list[str], refused: str | None, compliance: str
) -> None:
    asked_fields, asked_records = ["a", "b"], ["1", "2"]
    why = narrowing_refusal(asked_fields, fields, asked_records, records)
    if refused is None:
        assert why is None
        assert compliance_of(asked_fields, fields, asked_records, records) == compliance
    else:
        assert why is not None
        assert refused in why


PROHIBITIONS: list[tuple[Plan, datetime | None, str, str | None]] = [
    (CITY_PLAN, None, "", None),
    (CITY_PLAN, NOW + timedelta(days=90), "gag order in the warrant", None),
    (CITY_PLAN, NOW + timedelta(days=90), " ", "both its reason and the date"),
    (CITY_PLAN, None, "gag order", "both its reason and the date"),
    (CITY_PLAN, NOW - timedelta(days=1), "gag order", "end in the future"),
    (ALWAYS, NOW + timedelta(days=90), "gag order", "always told"),
    (ALWAYS, None, "", None),
]


@pytest.mark.parametrize(("plan", "until", "reason", "refused"), PROHIBITIONS)
def test_prohibition_of_notice(
    plan: Plan, until: datetime | None, reason: str, refused: str | None
) -> None:
    why = prohibition_refusal(plan, until, reason, NOW)
    if refused is None:
        assert why is None
    else:
        assert why is not None
        assert refused in why
