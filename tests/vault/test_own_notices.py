"""The person's "Disclosures of your data" page (``/me/notices/``) and API
(``/api/me/notices``): only their own sent notices, never a held one, and objection
open until delivery or the deadline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client

from steward import clock as steward_clock
from steward.clock import ManualClock
from steward.vault.models import RightsRequest
from steward.vault.models_egress import DisclosureItem, DisclosureRequest
from steward.vault.runtime import Vault
from steward.vault.services.disclosure_notices import owe_notices
from steward.vault.services.own_notices import (
    OBJECTION_DATASET,
    OBJECTION_FIELD,
    notices_of,
)
from steward.vault.services.person_sessions import COOKIE_NAME, start_session
from tests.vault.notice_support import T0, clock, disclosure_of
from tests.vault.own_choices_support import audit_entries, audit_text, resident
from tests.vault.test_staff_support import DISTINCT, leaked

__all__ = ["clock"]

OTHER = {**DISTINCT, "email": "other.person@example.org", "full_name": "Other Person"}
GAG_END = T0 + timedelta(days=60)
REASON = "I never agreed to this and the order names the wrong person"


def _signed_in(vault: Vault, subject_id: object) -> Client:
    client = Client()
    token, _ = start_session(vault, subject_id, steward_clock.now())  # type: ignore[arg-type]
    client.cookies[COOKIE_NAME] = token
    return client


def _api(method: str, path: str, code: str, body: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"AccessCode {code}"}
    if method == "GET":
        return Client().get(path, headers=headers)
    return Client().post(path, body or {}, content_type="application/json", headers=headers)


def _told(vault: Vault, records: list[Any], **prohibition: Any) -> DisclosureRequest:
    disclosure = disclosure_of(records)
    owe_notices(vault, disclosure, at=steward_clock.now(), **prohibition)
    return disclosure


def test_the_page_needs_a_session(city_vault: Vault, clock: ManualClock) -> None:
    assert Client().get("/me/notices/")["Location"] == "/me/"
    assert Client().post("/me/notices/1/object/", {"reason": "x"})["Location"] == "/me/"


def test_a_person_sees_their_notice_and_objects_on_the_page(
    city_vault: Vault, clock: ManualClock
) -> None:
    record, _, _ = resident(city_vault)
    disclosure = _told(city_vault, [record])
    client = _signed_in(city_vault, record.subject_id)

    assert 'href="/me/notices/"' in client.get("/me/data/").content.decode()
    page = client.get("/me/notices/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "Disclosures of your data" in html
    assert "To Riverton Superior Court" in html
    assert "Court order (Case RS-2026-0412)" in html
    assert "Your name, Address of the problem" in html
    assert "16 March 2026" in html  # the deadline to object
    # ... which is also the earliest delivery, said in so many words
    assert "It may be delivered from</dt><dd>16 March 2026, 09:00 UTC</dd>" in html
    assert 'action="/me/notices/' in html
    assert "csrfmiddlewaretoken" in html
    assert leaked(html) == set()

    clock.advance(days=2)
    client = _signed_in(city_vault, record.subject_id)
    done = client.post(
        f"/me/notices/{disclosure.notices.get().pk}/object/", {"reason": REASON}, follow=True
    )
    html = done.content.decode()
    assert "Your objection is recorded" in html
    assert "You objected on" in html
    assert "already objected" in html
    assert DisclosureItem.objects.get().objected == T0 + timedelta(days=2)
    request = RightsRequest.objects.get(kind=RightsRequest.Kind.OBJECTION)
    assert (request.subject_id, request.record_id, request.status) == (
        record.subject_id,
        record.id,
        RightsRequest.Status.OPEN,
    )
    assert request.proposed is not None
    stored = city_vault.keyring.decrypt(
        bytes(request.proposed),
        dataset=OBJECTION_DATASET,
        record=str(request.id),
        field=OBJECTION_FIELD,
    )
    assert stored.decode() == REASON
    assert REASON not in audit_text()
    assert [e["outcome"] for e in audit_entries("disclosure.object")] == ["allowed"]

    again = client.post(f"/me/notices/{disclosure.notices.get().pk}/object/", {"reason": "x"})
    assert again.status_code == 409
    assert "already objected" in again.content.decode()


def test_objection_closes_after_the_deadline_and_after_delivery(
    city_vault: Vault, clock: ManualClock
) -> None:
    record, _, _ = resident(city_vault)
    disclosure = _told(city_vault, [record])
    notice = disclosure.notices.get().pk

    clock.advance(days=14)
    client = _signed_in(city_vault, record.subject_id)
    late = client.post(f"/me/notices/{notice}/object/", {"reason": REASON})
    assert late.status_code == 409
    assert "the time to object has passed" in late.content.decode()

    DisclosureRequest.objects.update(
        state=DisclosureRequest.State.DELIVERED, delivered_at=steward_clock.now()
    )
    html = client.get("/me/notices/").content.decode()
    assert "Delivered" in html
    assert "already been delivered, so objection is closed" in html
    assert "It may be delivered from" not in html
    assert 'action="/me/notices/' not in html
    assert not DisclosureItem.objects.filter(objected__isnull=False).exists()
    assert [e["outcome"] for e in audit_entries("disclosure.object")] == ["denied"]


def test_bad_input_on_the_page(city_vault: Vault, clock: ManualClock) -> None:
    record, _, _ = resident(city_vault)
    other, _, _ = resident(city_vault, answers=OTHER)
    mine = _told(city_vault, [record]).notices.get().pk
    theirs = _told(city_vault, [other]).notices.get().pk
    client = _signed_in(city_vault, record.subject_id)

    empty = client.post(f"/me/notices/{mine}/object/", {"reason": "   "})
    assert empty.status_code == 400
    assert "say why you object" in empty.content.decode()
    long = client.post(f"/me/notices/{mine}/object/", {"reason": "x" * 5000})
    assert long.status_code == 400
    assert "at most 1000" in long.content.decode()
    foreign = client.post(f"/me/notices/{theirs}/object/", {"reason": REASON})
    assert foreign.status_code == 404
    assert "no such notice" in foreign.content.decode()
    assert client.post("/me/notices/99999/object/", {"reason": REASON}).status_code == 404
    assert client.get(f"/me/notices/{mine}/object/").status_code == 405
    assert not DisclosureItem.objects.filter(objected__isnull=False).exists()
    assert not RightsRequest.objects.filter(kind=RightsRequest.Kind.OBJECTION).exists()


def test_held_notices_and_other_peoples_are_never_shown(
    city_vault: Vault, clock: ManualClock
) -> None:
    record, _, code = resident(city_vault)
    other, _, _ = resident(city_vault, answers=OTHER)
    _told(city_vault, [other])
    held = _told(
        city_vault, [record], prohibited_until=GAG_END, prohibition_reason="Gag order 26-9"
    )

    assert notices_of(city_vault, record.subject_id) == []
    html = _signed_in(city_vault, record.subject_id).get("/me/notices/").content.decode()
    assert "You have not been told of any disclosure" in html
    assert "Gag order" not in html
    assert "Other Person" not in html
    assert _api("GET", "/api/me/notices", code).json() == []
    held_id = held.notices.get().pk
    answer = _api("POST", f"/api/me/notices/{held_id}/objection", code, {"reason": REASON})
    assert answer.status_code == 404

    clock.set(GAG_END)
    from steward.vault.services.disclosure_notices import send_due_notices

    assert send_due_notices(city_vault) == 1
    [seen] = _api("GET", "/api/me/notices", code).json()
    assert seen["id"] == held_id
    assert seen["may_object"] is False  # delivery could go ahead while it was held
    assert "Gag order" not in str(seen)


def test_the_api_lists_and_objects(city_vault: Vault, clock: ManualClock) -> None:
    record, _, code = resident(city_vault)
    notice = _told(city_vault, [record]).notices.get().pk

    listed = _api("GET", "/api/me/notices", code)
    assert listed.status_code == 200
    [seen] = listed.json()
    assert seen["recipient"] == "Riverton Superior Court"
    assert seen["ground"] == "court order"
    assert seen["fields"] == ["Your name", "Address of the problem"]
    assert seen["deadline"].startswith("2026-03-16")
    assert (seen["state"], seen["may_object"], seen["why_not"]) == ("open", True, "")
    assert leaked(listed.content.decode()) == set()

    assert _api("POST", f"/api/me/notices/{notice}/objection", code, {}).status_code == 422
    empty = _api("POST", f"/api/me/notices/{notice}/objection", code, {"reason": " "})
    assert empty.status_code == 400
    too_long = {"reason": "x" * 1001}
    assert _api("POST", f"/api/me/notices/{notice}/objection", code, too_long).status_code == 422
    assert _api("POST", "/api/me/notices/abc/objection", code, {"reason": "x"}).status_code == 422
    assert Client().get("/api/me/notices").status_code == 401
    wrong = _api("GET", "/api/me/notices", "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert wrong.status_code == 401

    made = _api("POST", f"/api/me/notices/{notice}/objection", code, {"reason": REASON})
    assert made.status_code == 202
    assert made.json()["request"] == RightsRequest.objects.get(kind="objection").pk
    again = _api("POST", f"/api/me/notices/{notice}/objection", code, {"reason": REASON})
    assert again.status_code == 409
    assert "already objected" in again.json()["detail"]
    assert _api("GET", "/api/me/notices", code).json()[0]["objected"] is not None
