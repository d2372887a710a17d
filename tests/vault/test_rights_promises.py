"""Each sentence a privacy notice or a receipt says about people's own rights is kept.

Every rights sentence of every example plan's privacy notices, and every phrase its
receipts list under "With this code ... you can", must be one of :data:`KEPT_BY`: a
sentence nobody ties to a check fails the first test. Each check then carries the
promise out on a real vault (the city's), through the services the pages and the API
call, and looks at the effect: the value shown, the copy's contents, the corrected
value staff read, the withdrawn purpose no longer served, the erased person gone, the
old code refused, the deadline set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from steward.policy import load_plan
from steward.policy.documents import render_documents
from steward.policy.model import DatasetKind
from steward.vault.models import Consent, Record, RightsRequest, Subject
from steward.vault.rules.own_choices import served_fields
from steward.vault.rules.receipt_rights import receipt_rights
from steward.vault.rules.reveal import ConsentState
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessService
from steward.vault.services.code_reissue import reissue_code
from steward.vault.services.code_sign_in import CodeRefused, sign_in
from steward.vault.services.consent_withdrawal import give, withdraw
from steward.vault.services.consents import consent_states
from steward.vault.services.own_copy import copy
from steward.vault.services.own_data import correct, overview
from steward.vault.services.own_erasure import erase_own
from steward.vault.services.rights_requests import RightsQueue
from tests.vault.conftest import EXAMPLES, actor_for
from tests.vault.erasure_support import staff_actor
from tests.vault.own_choices_support import resident
from tests.vault.own_data_support import person
from tests.vault.test_staff_support import DISTINCT

HOME = "192.0.2.10"
PLANS = sorted(EXAMPLES.glob("*.yaml"))


def _see(vault: Vault) -> None:
    _, actor = person(vault)
    shown = {f.name: f.value for r in overview(vault, actor).records for f in r.fields}
    assert shown["full_name"] == DISTINCT["full_name"]
    assert "age_band" not in shown  # staff-only under the city plan


def _copy(vault: Vault) -> None:
    _, actor = person(vault)
    data = json.loads(copy(vault, actor, "json").body)
    assert DISTINCT["email"] in json.dumps(data)
    assert "service_updates" in json.dumps(data)


def _correct(vault: Vault) -> None:
    receipt, actor = person(vault)
    done = correct(vault, actor, receipt.reference, "phone", "555 010 9999")
    assert done.direct
    officer = actor_for(vault, "privacy_officer")
    why = "checking the corrected number"
    assert AccessService(vault).reveal(officer, receipt.reference, "phone", "follow_up", why) == (
        "555 010 9999"
    )
    asked = correct(vault, actor, receipt.reference, "street_address", "78 Wobblewick Lane")
    assert not asked.direct
    assert RightsRequest.objects.get(pk=asked.request).status == RightsRequest.Status.OPEN


def _withdraw(vault: Vault) -> None:
    receipt, actor = person(vault)
    withdraw(vault, actor, "service_updates")
    record = Record.objects.get(pk=receipt.reference)
    states = consent_states(record)
    assert states["service_updates"] is ConsentState.WITHDRAWN
    answers = Consent.objects.get(record=record, purpose="service_updates")
    assert answers.granted  # the yes is kept, with its withdrawal
    assert answers.withdrawn is not None
    updates_only = vault.plan.role("privacy_officer").export.model_copy(
        update={"purposes": ["service_updates"], "categories": []}
    )
    email = vault.plan.dataset("service_request").field("email")
    assert served_fields(vault.plan, updates_only, [email], states) == []


def _give(vault: Vault) -> None:
    record, actor, _ = resident(vault, updates=False)
    assert consent_states(record)["service_updates"] is ConsentState.NOT_AGREED
    give(vault, actor, "service_updates")
    assert consent_states(record)["service_updates"] is ConsentState.AGREED


def _erase(vault: Vault) -> None:
    receipt, actor = person(vault)
    outcome = erase_own(vault, actor, True)
    assert outcome.immediate
    record = Record.objects.get(pk=receipt.reference)
    assert Subject.objects.get(pk=record.subject_id).erased is not None
    with pytest.raises(CodeRefused):
        sign_in(vault, receipt.access_code, HOME)


def _new_code(vault: Vault) -> None:
    receipt, _ = person(vault)
    officer = staff_actor(vault, "dana.ortiz", "privacy_officer")
    new = reissue_code(vault, officer, receipt.reference, "lost the receipt; identity checked")
    with pytest.raises(CodeRefused):
        sign_in(vault, receipt.access_code, HOME)
    assert (
        sign_in(vault, new, HOME).subject_id == Record.objects.get(pk=receipt.reference).subject_id
    )


def _deadline(vault: Vault) -> None:
    receipt, actor = person(vault)
    asked = correct(vault, actor, receipt.reference, "street_address", "78 Wobblewick Lane")
    request = RightsRequest.objects.get(pk=asked.request)
    assert request.due == request.received + timedelta(days=30)


def _answered(vault: Vault) -> None:
    receipt, actor = person(vault)
    asked = correct(vault, actor, receipt.reference, "street_address", "78 Wobblewick Lane")
    officer = staff_actor(vault, "dana.ortiz", "privacy_officer")
    queue = RightsQueue(vault)
    listed = [v.id for v in queue.list(officer, status="open")]
    assert asked.request in listed
    queue.decide(officer, asked.request, "apply", "the new address was checked with the person")
    shown = AccessService(vault).reveal(
        actor_for(vault, "privacy_officer"), receipt.reference, "street_address",
        "service_delivery", "checking the applied correction",
    )  # fmt: skip
    assert shown == "78 Wobblewick Lane"


KEPT_BY: dict[str, tuple[Callable[[Vault], None], ...]] = {
    # the privacy notice
    r"You can see, correct and take a copy of your data yourself, with your access code": (
        _see,
        _correct,
        _copy,
    ),
    r"You can change your mind at any time yourself, with your access code": (_withdraw,),
    r"we can give you a new code, and the old one stops working": (_new_code,),
    r"if you have lost your access code, write to our privacy officer": (_new_code,),
    r"We answer within \d+ days": (_deadline,),
    r"after checking who you are, we act on your request": (_answered,),
    # the receipt
    r"^see the information we hold about you$": (_see,),
    r"^take a copy of it in a file$": (_copy,),
    r"^correct it, or ask us to$": (_correct,),
    r"^erase it, or ask us to when the law makes us keep some of it$": (_erase,),
    r"^withdraw an agreement you gave, at any time$": (_withdraw,),
    r"^give an agreement you did not give today$": (_give,),
}


def _rights_sentences(plan_path: Path) -> list[str]:
    """The sentences of each privacy notice's rights parts, and each receipt phrase."""
    loaded = load_plan(plan_path)
    found: list[str] = []
    for name, text in render_documents(loaded).items():
        if not (name.startswith("privacy-notice") and name.endswith(".md")):
            continue
        rights = text[text.index("## Your rights") :]
        rights = rights[: rights.index("\n## ", 3)]
        found += [s for s in re.split(r"(?<=[.:])\s+|\n+", rights) if "code" in s]
        found += re.findall(r"We answer within \d+ \w+", rights)
        found += re.findall(r"after checking who you are, we act on your request", rights)
        found += [line for line in text.splitlines() if "change your mind" in line]
    for dataset in loaded.plan.datasets:
        if dataset.kind is DatasetKind.INTAKE_FORM:
            found += receipt_rights(loaded.plan, dataset)
    return found


@pytest.mark.parametrize("plan_path", PLANS, ids=lambda p: p.stem)
def test_every_rights_sentence_is_tied_to_a_check(plan_path: Path) -> None:
    sentences = _rights_sentences(plan_path)
    assert sentences
    untied = [s for s in sentences if not any(re.search(p, s) for p in KEPT_BY)]
    assert untied == []


CHECKS = sorted({check for checks in KEPT_BY.values() for check in checks}, key=str)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.strip("_"))
def test_each_promise_is_kept(city_vault: Vault, check: Callable[[Vault], None]) -> None:
    check(city_vault)
