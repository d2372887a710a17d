"""Erasing a person through the erasure service: asked for by one privacy officer,
approved by another, carried out by the deletion service. Afterwards nothing of the
person is readable or findable, their access code is gone, counts stay whole, writes
are refused with the erased reason, and the audit log verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.audit import Outcome, verify_log
from steward.vault.models import (
    AccessCode,
    Consent,
    ErasureRequest,
    FieldValue,
    Record,
    Subject,
)
from steward.vault.rules.unreadable import Unreadable
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.access import AccessDenied, AccessService, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.erasure import ErasureService
from steward.vault.services.record_views import ValueUnreadable
from tests.vault.conftest import CITY, make_vault
from tests.vault.erasure_support import staff_actor
from tests.vault.test_erased_values import OTHER
from tests.vault.test_staff_support import DISTINCT, add_case, leaked

REASON = "the resident asked by letter to be erased"


@pytest.fixture
def officers(city_vault: Vault) -> tuple[Actor, Actor]:
    return (
        staff_actor(city_vault, "ana.lima", "privacy_officer"),
        staff_actor(city_vault, "ben.okafor", "privacy_officer"),
    )


def _last(vault: Vault) -> tuple[str, Outcome]:
    entry = list(vault.audit.entries())[-1]
    return entry.action, entry.outcome


def test_one_asks_another_approves_and_the_person_is_gone(
    city_vault: Vault, officers: tuple[Actor, Actor]
) -> None:
    ana, ben = officers
    gone = add_case(city_vault, team="north")
    kept = add_case(city_vault, OTHER, team="north")
    service = ErasureService(city_vault)
    access = AccessService(city_vault)
    records, live = Record.objects.count(), Record.objects.filter(purged__isnull=True).count()

    asked = service.request(ana, gone.id, REASON)
    assert (asked.state, asked.requested_by, asked.record) == ("requested", "ana.lima", gone.id)
    assert _last(city_vault) == ("erasure.request", Outcome.ALLOWED)
    assert access.get_record(ana, gone.id).fields[0].shown  # nothing erased yet

    with pytest.raises(AccessDenied, match="someone other than the person who asked"):
        service.approve(ana, asked.id)
    assert _last(city_vault) == ("erasure.approve", Outcome.DENIED)

    done = service.approve(ben, asked.id)
    assert (done.state, done.decided_by) == ("done", "ben.okafor")
    assert done.done_at is not None

    subject = Subject.objects.get(pk=gone.subject_id)
    assert subject.erased is not None
    assert not FieldValue.objects.filter(record__subject=subject).exists()
    assert not Consent.objects.filter(subject=subject).exists()
    assert not AccessCode.objects.filter(subject=subject).exists()
    assert not city_vault.keyring.has_key(str(subject.id))
    assert Record.objects.count() == records  # counts stay whole
    assert Record.objects.filter(purged__isnull=True).count() == live - 1
    view = access.get_record(ana, gone.id)
    assert leaked(repr(view)) == set()
    assert all(f.shown == "[erased]" for f in view.fields)  # marked, not empty answers
    assert leaked(repr(access.list_records(ana, "service_request"))) == set()
    assert access.find_records(ana, "service_request", "email", DISTINCT["email"]).items == []
    with pytest.raises(ValueUnreadable):
        access.reveal(ana, gone.id, "email", "follow_up", "calling the resident back")
    assert (
        access.find_records(ana, "service_request", "email", OTHER["email"]).items[0].id == kept.id
    )
    worker = staff_actor(city_vault, "sam.rivera", "caseworker", team="north")
    Record.objects.filter(pk=gone.pk).update(assigned_to=worker.user_id)
    for field, value in (("phone", "555 010 0123"), ("district", "South")):
        with pytest.raises(ValueUnreadable) as refused:
            access.update(worker, gone.id, field, value)
        assert refused.value.reason is Unreadable.ERASED
    assert Record.objects.get(pk=gone.id).clear_values == {}
    assert not FieldValue.objects.filter(record__subject=subject).exists()
    entries = list(city_vault.audit.entries())
    assert [e.action for e in entries if e.action.startswith(("subject.", "erasure."))][-3:] == [
        "erasure.approve",
        "erasure.approve",
        "subject.erase",
    ]
    assert leaked(" ".join(repr(e) for e in entries)) == set()
    assert verify_log(city_vault.audit.store).ok


def test_a_refused_or_cancelled_request_erases_nothing(
    city_vault: Vault, officers: tuple[Actor, Actor]
) -> None:
    ana, ben = officers
    case = add_case(city_vault)
    service = ErasureService(city_vault)
    refused = service.refuse(ben, service.request(ana, case.id, REASON).id)
    assert refused.state == "refused"
    cancelled = service.cancel(ana, service.request(ana, case.id, REASON).id)
    assert cancelled.state == "cancelled"
    assert _last(city_vault) == ("erasure.cancel", Outcome.ALLOWED)
    assert Subject.objects.get(pk=case.subject_id).erased is None
    assert FieldValue.objects.filter(record=case).exists()
    with pytest.raises(AccessDenied, match="is cancelled"):
        service.approve(ben, cancelled.id)


def test_only_the_plan_s_roles_ask_and_one_request_at_a_time(
    city_vault: Vault, officers: tuple[Actor, Actor]
) -> None:
    ana, ben = officers
    case = add_case(city_vault, team="north")
    service = ErasureService(city_vault)
    supervisor = staff_actor(city_vault, "sam.reyes", "supervisor", team="north")
    with pytest.raises(AccessDenied, match="'supervisor'"):
        service.request(supervisor, case.id, REASON)
    assert _last(city_vault) == ("erasure.request", Outcome.DENIED)
    service.request(ana, case.id, REASON)
    with pytest.raises(AccessDenied, match="already under way"):
        service.request(ben, case.id, REASON)
    with pytest.raises(AccessDenied, match="handle erasures"):
        service.list_requests(supervisor)
    assert [r.state for r in service.list_requests(ben)] == ["requested"]
    assert ErasureRequest.objects.count() == 1


def test_reasons_that_say_nothing_or_name_the_person_are_refused(
    city_vault: Vault, officers: tuple[Actor, Actor]
) -> None:
    ana, _ = officers
    case = add_case(city_vault)
    service = ErasureService(city_vault)
    with pytest.raises(InvalidValue):
        service.request(ana, case.id, "x")
    for naming in (
        "Zephyrine Quockenbush asked to be erased",
        "letter from ZEPHYRINE.Q@example.org, erase",
        "called from 555-013-7742 asking to be erased",
    ):
        with pytest.raises(InvalidValue, match="repeats one of the person's own values"):
            service.request(ana, case.id, naming)
    assert ErasureRequest.objects.count() == 0


def test_unknown_cases_and_requests_and_the_erased_are_answered_plainly(
    city_vault: Vault, officers: tuple[Actor, Actor]
) -> None:
    ana, ben = officers
    service = ErasureService(city_vault)
    for reference in ("not-a-case", "5b0c1f3e-0000-4000-8000-000000000000"):
        with pytest.raises(NotFound, match="no such case"):
            service.request(ana, reference, REASON)
    for request_id in ("x", "9999"):
        with pytest.raises(NotFound, match="no such erasure request"):
            service.approve(ben, request_id)
    case = add_case(city_vault)
    service.approve(ben, service.request(ana, case.id, REASON).id)
    with pytest.raises(ValueUnreadable):
        service.request(ana, case.id, REASON)


def test_found_by_search_then_erased(city_vault: Vault, officers: tuple[Actor, Actor]) -> None:
    ana, ben = officers
    case = add_case(city_vault)
    service = ErasureService(city_vault)
    (found,) = service.find(ana, "service_request", "phone", "5550137742")
    assert found.id == case.id
    service.approve(ben, service.request(ana, found.id, REASON).id)
    assert service.find(ana, "service_request", "phone", "5550137742") == []


def test_without_a_second_person_the_request_erases_at_once(
    city_vault: Vault, tmp_path: Path
) -> None:
    text = CITY.read_text(encoding="utf-8")
    start = text.index("  erasure_approval:")
    end = text.index("\n\n", start)
    single = tmp_path / "single.yaml"
    single.write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    vault, _ = make_vault(single, tmp_path / "single-keys")
    use_vault(vault)
    try:
        ana = staff_actor(vault, "ana.lima", "privacy_officer")
        case = add_case(vault)
        done = ErasureService(vault).request(ana, case.id, REASON)
        assert (done.state, done.decided_by) == ("done", "ana.lima")
        assert Subject.objects.get(pk=case.subject_id).erased is not None
    finally:
        use_vault(city_vault)


def test_a_plan_without_erasure_refuses_every_request(city_vault: Vault, tmp_path: Path) -> None:
    text = CITY.read_text(encoding="utf-8").replace("  erasure: true\n", "  erasure: false\n")
    plan = tmp_path / "no-erasure.yaml"
    plan.write_text(text, encoding="utf-8")
    vault, _ = make_vault(plan, tmp_path / "no-keys")
    use_vault(vault)
    try:
        ana = staff_actor(vault, "ana.lima", "privacy_officer")
        case = add_case(vault)
        with pytest.raises(AccessDenied, match="does not offer erasure"):
            ErasureService(vault).request(ana, case.id, REASON)
        assert Subject.objects.get(pk=case.subject_id).erased is None
    finally:
        use_vault(city_vault)
