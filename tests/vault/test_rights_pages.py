"""The staff pages of the rights queue: who sees them, the order and flags, deciding,
and that no personal value is ever on them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from steward.audit import Outcome
from steward.clock import ManualClock, use_clock
from steward.vault.models import RightsRequest
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessService
from tests.vault.erasure_support import staff_actor
from tests.vault.rights_queue_support import NEW_PHONE, REASON, correction, open_request
from tests.vault.test_staff_support import DISTINCT, add_case, body, leaked, signed_in

Kind = RightsRequest.Kind
START = datetime(2026, 5, 4, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("privacy_officer", True), ("caseworker", False), ("supervisor", False), ("analyst", False)],
)
def test_role_table_for_the_pages(city_vault: Vault, role: str, allowed: bool) -> None:
    record = add_case(city_vault, team="north")
    made = open_request(city_vault, record, Kind.ACCESS)
    client, _ = signed_in(city_vault, f"user.{role}", role, team="north")
    listing = client.get("/staff/rights/")
    one = client.get(f"/staff/rights/{made.id}/")
    decided = client.post(
        f"/staff/rights/{made.id}/decide/", {"decision": "answered", "reason": REASON}
    )
    home = body(client.get("/staff/"))
    if allowed:
        assert (listing.status_code, one.status_code, decided.status_code) == (200, 200, 302)
        assert 'href="/staff/rights/"' in home
        assert 'href="/staff/rights/codes/"' in home
        assert RightsRequest.objects.get(pk=made.id).status == "done"
    else:
        assert (listing.status_code, one.status_code, decided.status_code) == (403, 403, 403)
        assert 'href="/staff/rights/"' not in home
        assert RightsRequest.objects.get(pk=made.id).status == "open"


def test_queue_page_flags_overdue_first_and_filters(city_vault: Vault) -> None:
    clock = ManualClock(START)
    with use_clock(clock):
        client, _ = signed_in(city_vault, "ana.lima", "privacy_officer")
        record = add_case(city_vault, team="north")
        older = open_request(city_vault, record, Kind.ERASURE)
        clock.advance(days=10)
        newer = open_request(city_vault, record, Kind.ACCESS)
        clock.advance(days=21)  # the erasure's deadline passed
        text = body(client.get("/staff/rights/"))
        assert text.index(f'href="/staff/rights/{older.id}/"') < text.index(
            f'href="/staff/rights/{newer.id}/"'
        )
        assert text.count("Overdue") == 1
        assert "1 overdue" in text
        assert '<span class="badge">1 overdue</span>' in text  # in the navigation
        filtered = body(client.get("/staff/rights/?kind=access"))
        assert f"/staff/rights/{newer.id}/" in filtered
        assert f"/staff/rights/{older.id}/" not in filtered
        done = body(client.get("/staff/rights/?status=done"))
        assert "No rights requests here." in done


def test_correction_is_applied_without_showing_the_value(city_vault: Vault) -> None:
    client, _ = signed_in(city_vault, "ana.lima", "privacy_officer")
    record = add_case(city_vault, team="north")
    made = correction(city_vault, record, "phone", NEW_PHONE)
    page = body(client.get(f"/staff/rights/{made.id}/"))
    assert "Apply the correction" in page
    assert "phone" in page
    assert NEW_PHONE not in page
    assert leaked(page) == set()
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'for="reason"' in page

    short = client.post(f"/staff/rights/{made.id}/decide/", {"decision": "apply", "reason": "x"})
    assert short.status_code == 400
    assert "Not decided" in body(short)

    done = client.post(f"/staff/rights/{made.id}/decide/", {"decision": "apply", "reason": REASON})
    assert done.status_code == 302
    after = body(client.get(done["Location"]))
    assert "decided" in after
    assert REASON in after
    assert NEW_PHONE not in after
    officer = staff_actor(city_vault, "ben.okafor", "privacy_officer")
    assert AccessService(city_vault).reveal(officer, record.id, "phone", "follow_up", REASON) == (
        NEW_PHONE
    )
    again = client.post(
        f"/staff/rights/{made.id}/decide/", {"decision": "refuse", "reason": REASON}
    )
    assert again.status_code == 409
    decided = [e for e in city_vault.audit.entries() if e.action == "rights.decide"]
    assert [e.outcome for e in decided] == [Outcome.ALLOWED]
    assert DISTINCT["phone"] not in repr(decided)
    assert NEW_PHONE not in repr(decided)


def test_erased_person_and_unknown_request(city_vault: Vault) -> None:
    client, _ = signed_in(city_vault, "ana.lima", "privacy_officer")
    record = add_case(city_vault, team="north")
    fix = correction(city_vault, record, "phone", NEW_PHONE)
    erase = open_request(city_vault, record, Kind.ERASURE)
    gone = client.post(
        f"/staff/rights/{erase.id}/decide/", {"decision": "carry_out", "reason": REASON}
    )
    assert gone.status_code == 302
    late = client.post(f"/staff/rights/{fix.id}/decide/", {"decision": "apply", "reason": REASON})
    assert late.status_code == 409  # the erasure closed it: nothing is left to answer
    assert "erased" in body(client.get(f"/staff/rights/{fix.id}/"))
    assert client.get("/staff/rights/999999/").status_code == 404
    assert client.get(f"/staff/rights/{fix.id}/decide/").status_code == 405
