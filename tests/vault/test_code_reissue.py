"""A new access code for a person who lost theirs: who may issue one, the old code and
its sessions end at once, registered and audited with the reason; the rule as a table."""

from __future__ import annotations

import pytest

from steward.audit import Outcome
from steward.clock import now
from steward.vault.models import AccessCode, PersonSession, RightsRequest, Subject
from steward.vault.rules.code_reissue import reissue_refusal
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.code_reissue import may_reissue, reissue_code
from steward.vault.services.code_sign_in import CodeRefused, sign_in
from steward.vault.services.collect import access_code_lookup
from steward.vault.services.person_sessions import session_subject
from steward.vault.services.record_views import ValueUnreadable
from tests.vault.conftest import actor_for
from tests.vault.erasure_support import staff_actor
from tests.vault.test_code_sign_in import HOME, new_code
from tests.vault.test_staff_support import DISTINCT

REASON = "lost the receipt; identity checked at the front desk"

# (role, a person?, expired, second factor, refused because)
RULE: list[tuple[str, bool, bool, bool, str | None]] = [
    ("privacy_officer", True, False, True, None),
    ("privacy_officer", False, False, True, "a person with a staff account"),
    ("privacy_officer", True, True, True, "temporary access has ended"),
    ("privacy_officer", True, False, False, "second factor"),
    ("caseworker", True, False, True, "role 'caseworker'"),
    ("supervisor", True, False, True, "role 'supervisor'"),
    ("analyst", True, False, True, "role 'analyst'"),
    ("resident", True, False, True, "a person with a staff account"),
]


@pytest.mark.parametrize(("role", "person", "expired", "mfa", "why"), RULE)
def test_who_may_issue_a_new_code(
    city_vault: Vault, role: str, person: bool, expired: bool, mfa: bool, why: str | None
) -> None:
    plan = city_vault.plan
    refusal = reissue_refusal(
        plan, plan.role(role), person=person, expired=expired, mfa_verified=mfa
    )
    if why is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert why in refusal


def test_the_new_code_works_and_the_old_one_and_its_sessions_end(city_vault: Vault) -> None:
    record, old = new_code(city_vault)
    officer = staff_actor(city_vault, "ana.lima", "privacy_officer")
    token = sign_in(city_vault, old, HOME).token
    assert may_reissue(city_vault, officer)

    new = reissue_code(city_vault, officer, record, REASON)
    assert new != old
    with pytest.raises(CodeRefused):
        sign_in(city_vault, old, HOME)
    assert session_subject(city_vault, token, now()) is None
    subject = sign_in(city_vault, new, HOME).subject_id
    assert str(Subject.objects.get(records__pk=record).pk) == str(subject)
    assert AccessCode.objects.filter(subject_id=subject).count() == 1
    assert PersonSession.objects.filter(subject_id=subject).count() == 1

    registered = RightsRequest.objects.get(subject_id=subject)
    assert (registered.kind, registered.status, registered.by_person) == (
        "code_reissue",
        "done",
        False,
    )
    assert registered.decision == REASON
    assert registered.decided_by_id == officer.user_id
    entries = [(e.action, e.outcome, e.purpose) for e in city_vault.audit.entries()]
    assert ("code.reissue", Outcome.ALLOWED, REASON) in entries
    assert all(new not in e[2] and old not in e[2] for e in entries)


def test_refusals(city_vault: Vault) -> None:
    record, old = new_code(city_vault)
    worker = staff_actor(city_vault, "sam.rivera", "caseworker", team="north")
    with pytest.raises(AccessDenied, match="role 'caseworker'"):
        reissue_code(city_vault, worker, record, REASON)
    assert list(city_vault.audit.entries())[-1].action == "code.reissue"
    assert list(city_vault.audit.entries())[-1].outcome is Outcome.DENIED
    token = actor_for(city_vault, "privacy_officer")  # no user: like a service token
    with pytest.raises(AccessDenied, match="staff account"):
        reissue_code(city_vault, token, record, REASON)
    officer = staff_actor(city_vault, "ana.lima", "privacy_officer")
    for bad in ("nope", "", "x" * 5):
        with pytest.raises(InvalidValue):
            reissue_code(city_vault, officer, record, bad)
    with pytest.raises(InvalidValue, match="repeats one of the person's own values"):
        reissue_code(city_vault, officer, record, f"asked by phone from {DISTINCT['email']}")
    with pytest.raises(NotFound):
        reissue_code(city_vault, officer, "not-a-reference", REASON)
    with pytest.raises(NotFound):
        reissue_code(city_vault, officer, "00000000-0000-0000-0000-000000000000", REASON)
    Subject.objects.filter(records__pk=record).update(erased=now())
    with pytest.raises(ValueUnreadable):
        reissue_code(city_vault, officer, record, REASON)
    assert not RightsRequest.objects.exists()
    assert AccessCode.objects.filter(lookup=access_code_lookup(city_vault, old)).exists()
