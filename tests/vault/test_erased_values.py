"""A person whose key is gone: their values show as erased (or unreadable, with the
reason) on every page, in the API and in disclosures, and everything else keeps working.

The key is shredded through a second key ring on the same key folder, as another
process (the erasure of that person) would do it while the vault serves.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from steward.audit import Outcome
from steward.crypto import FileKeyProvider, open_keyring
from steward.vault.models import FieldValue, Record
from steward.vault.rules.unreadable import Unreadable
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessService
from steward.vault.services.record_views import FieldView, RecordView, ValueUnreadable
from tests.vault.conftest import actor_for
from tests.vault.disclosure_support import approved, payload_rows
from tests.vault.test_api_support import URLS, bearer, token_for
from tests.vault.test_staff_support import DISTINCT, add_case, body, leaked, signed_in

OTHER = {
    **DISTINCT,
    "full_name": "Bartholomew Ng",
    "email": "bart.ng@example.org",
    "phone": "555 444 2211",
    "street_address": "3 Elm Court",
    "details": "A pothole on the corner",
    "age_band": "65+",
}
ENCRYPTED = {"full_name", "email", "phone", "street_address", "age_band", "details"}
BART = "B\u2022\u2022\u2022 N\u2022\u2022\u2022"
"""How the other person's name shows, masked."""
REASON = "calling the resident back about the lamp"


@pytest.fixture
def cases(city_vault: Vault, tmp_path: Path) -> tuple[Record, Record]:
    """Two cases; the first one's person was erased by another process."""
    gone = add_case(city_vault, team="north")
    kept = add_case(city_vault, OTHER, team="north")
    service = AccessService(city_vault)
    officer = actor_for(city_vault, "privacy_officer")
    service.get_record(officer, gone.id)  # the server has the key in its cache now
    assert open_keyring(tmp_path / "keys").shred(str(gone.subject_id))
    return gone, kept


def _fields(view: RecordView) -> dict[str, FieldView]:
    return {f.name: f for f in view.fields}


def test_the_access_service_shows_erased_values_and_the_rest(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    gone, kept = cases
    service = AccessService(city_vault)
    officer = actor_for(city_vault, "privacy_officer")
    views = {v.id: v for v in service.list_records(officer, "service_request")}
    erased = _fields(views[gone.id])
    for name in ENCRYPTED & set(erased):
        field = erased[name]
        assert (field.shown, field.unreadable, field.can_reveal, field.masked) == (
            "[erased]",
            Unreadable.ERASED,
            False,
            False,
        )
    assert erased["district"].shown == "North"
    assert views[gone.id].has_unreadable
    assert not views[kept.id].has_unreadable
    assert _fields(views[kept.id])["full_name"].shown == BART
    assert service.get_record(officer, gone.id).has_unreadable
    order, approver = approved(city_vault, [gone, kept], ["full_name", "email", "district"])
    rows = {r["id"]: r for r in payload_rows(city_vault, order, approver)["rows"]}
    assert rows[str(gone.id)]["email"] == "[erased]"
    assert rows[str(gone.id)]["district"] == "North"
    assert rows[str(kept.id)]["email"] == OTHER["email"]
    assert leaked(str(rows)) == set()  # the erased person's values appear nowhere


def test_revealing_an_erased_value_is_refused_and_audited(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    gone, kept = cases
    service = AccessService(city_vault)
    officer = actor_for(city_vault, "privacy_officer")
    with pytest.raises(ValueUnreadable) as refused:
        service.reveal(officer, gone.id, "email", "follow_up", REASON)
    assert refused.value.reason is Unreadable.ERASED
    assert "erased" in str(refused.value)
    last = list(city_vault.audit.entries())[-1]
    assert (last.action, last.outcome) == ("field.reveal", Outcome.FAILED)
    assert service.reveal(officer, kept.id, "email", "follow_up", REASON) == OTHER["email"]


def test_searching_skips_erased_people(city_vault: Vault, cases: tuple[Record, Record]) -> None:
    _, kept = cases
    service = AccessService(city_vault)
    officer = actor_for(city_vault, "privacy_officer")
    assert service.find_records(officer, "service_request", "email", DISTINCT["email"]).items == []
    (found,) = service.find_records(officer, "service_request", "email", OTHER["email"]).items
    assert found.id == kept.id


def test_a_key_under_a_retired_version_and_a_damaged_value_say_why(
    city_vault: Vault, tmp_path: Path
) -> None:
    stranded = add_case(city_vault)
    admin = open_keyring(tmp_path / "keys")
    admin.rotate()
    FileKeyProvider(tmp_path / "keys" / "kek.json").retire_below(2)  # the key file alone
    damaged = add_case(city_vault, OTHER)  # wrapped under version 2: readable
    value = FieldValue.objects.get(record=damaged, field="street_address")
    value.ciphertext = bytes(value.ciphertext)[:-1] + bytes([bytes(value.ciphertext)[-1] ^ 1])
    value.save()
    officer = actor_for(city_vault, "privacy_officer")
    views = {v.id: v for v in AccessService(city_vault).list_records(officer, "service_request")}
    retired = _fields(views[stranded.id])
    assert retired["full_name"].unreadable is Unreadable.KEY_RETIRED
    assert retired["full_name"].shown == "[unreadable: key version retired]"
    broken = _fields(views[damaged.id])
    assert broken["street_address"].unreadable is Unreadable.DAMAGED
    assert broken["full_name"].shown == BART
    assert broken["full_name"].unreadable is None


def test_the_staff_pages_show_erased_values_and_keep_working(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    gone, kept = cases
    client, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    listing = client.get("/staff/?dataset=service_request")
    text = body(listing)
    assert listing.status_code == 200
    assert "<em>Erased</em>" in text
    assert BART in text
    assert f"/staff/records/{kept.id}/" in text
    page = client.get(f"/staff/records/{gone.id}/")
    text = body(page)
    assert page.status_code == 200
    assert text.count("<em>Erased</em>") == len(ENCRYPTED)
    assert "nobody can read them any more" in text
    assert "/reveal/" not in text
    assert leaked(text) == set()
    form = client.get(f"/staff/records/{gone.id}/reveal/email/")
    assert form.status_code == 410
    assert "erased" in body(form)
    posted = client.post(
        f"/staff/records/{gone.id}/reveal/email/", {"purpose": "follow_up", "reason": REASON}
    )
    assert posted.status_code == 410
    assert "the person&#x27;s key was destroyed" in body(posted)
    assert client.get(f"/staff/records/{kept.id}/reveal/email/").status_code == 200


@override_settings(ROOT_URLCONF=URLS)
def test_the_api_answers_erased_values_never_a_500(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    gone, kept = cases
    client = Client()
    headers = bearer(token_for(city_vault, "privacy_officer"))
    listing = client.get("/api/datasets/service_request/records", headers=headers)
    assert listing.status_code == 200
    items = {i["id"]: i for i in listing.json()["items"]}
    shown = {f["name"]: f for f in items[str(gone.id)]["fields"]}
    assert shown["email"]["unreadable"] == "erased"
    assert shown["email"]["shown"] == "[erased]"
    assert shown["details"]["unreadable"] == "erased"
    assert shown["district"] == {
        "name": "district",
        "label": "City district",
        "shown": "North",
        "masked": False,
        "can_reveal": True,
        "unreadable": None,
    }
    one = client.get(f"/api/records/{gone.id}", headers=headers)
    assert one.status_code == 200
    order, approver = approved(city_vault, [gone, kept], ["full_name"])
    rows = {r["id"]: r for r in payload_rows(city_vault, order, approver)["rows"]}
    assert rows[str(gone.id)]["full_name"] == "[erased]"
    assert rows[str(kept.id)]["full_name"] == OTHER["full_name"]
    reveal = client.post(
        f"/api/records/{gone.id}/reveal",
        {"field": "email", "purpose": "follow_up", "reason": REASON},
        content_type="application/json",
        headers=headers,
    )
    assert reveal.status_code == 410
    assert reveal["Cache-Control"] == "no-store"
    assert "erased" in reveal.json()["detail"]


def test_nothing_new_is_recorded_about_an_erased_person(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    from django.contrib.auth.models import User

    gone, kept = cases
    worker = User.objects.create(username="sam.rivera")
    Record.objects.filter(pk__in=[gone.pk, kept.pk]).update(assigned_to=worker)
    actor = actor_for(city_vault, "caseworker", user_id=worker.id)
    service = AccessService(city_vault)
    before = bytes(FieldValue.objects.get(record=gone, field="phone").ciphertext)
    with pytest.raises(ValueUnreadable) as refused:
        service.update(actor, gone.id, "phone", "555 010 0123")
    assert refused.value.reason is Unreadable.ERASED
    assert not city_vault.keyring.has_key(str(gone.subject_id))  # no new key was made
    assert bytes(FieldValue.objects.get(record=gone, field="phone").ciphertext) == before
    last = list(city_vault.audit.entries())[-1]
    assert (last.action, last.outcome) == ("field.write", Outcome.FAILED)
    service.update(actor, kept.id, "phone", "555 010 0123")  # the other person is unaffected
    headers = bearer(token_for(city_vault, "supervisor", team="north"))
    patch = {"field": "street_address", "value": "9 Oak Lane"}
    answer = Client().patch(
        f"/api/records/{gone.id}", patch, content_type="application/json", headers=headers
    )
    assert answer.status_code == 410
    assert "erased" in answer.json()["detail"]
    assert not city_vault.keyring.has_key(str(gone.subject_id))


def test_staff_see_erased_and_deleted_fields_marked_not_empty(city_vault: Vault) -> None:
    """An erased person's fields read ``[erased]``; fields purged on their own (retention,
    a withdrawn consent) read ``[deleted]``; neither looks like an unanswered question."""
    from steward import clock
    from steward.vault.services.deletion import erase_subject, purge_fields

    erased = add_case(city_vault, team="north")
    trimmed = add_case(city_vault, {**DISTINCT, "full_name": "Another Person"}, team="north")
    erase_subject(city_vault, erased.subject_id, reason="test", actor=None, now=clock.now())
    purge_fields(city_vault, {trimmed.id: ["phone"]}, reason="test", actor=None, now=clock.now())
    officer = actor_for(city_vault, "privacy_officer")
    service = AccessService(city_vault)

    gone = {f.name: f for f in service.get_record(officer, erased.id).fields}
    assert gone["email"].shown == "[erased]"
    assert gone["email"].unreadable is Unreadable.ERASED
    assert gone["district"].shown == "[erased]"
    assert service.get_record(officer, erased.id).has_unreadable

    kept = {f.name: f for f in service.get_record(officer, trimmed.id).fields}
    assert kept["phone"].shown == "[deleted]"
    assert kept["phone"].unreadable is Unreadable.DELETED
    assert kept["email"].unreadable is None
