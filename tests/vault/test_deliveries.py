"""Deliveries: encrypted, expiring, fetch-limited, audited; nothing stored in clear."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.db import close_old_connections, connection

from steward.clock import ManualClock, use_clock
from steward.crypto.delivery_package import open_package, read_package_header
from steward.crypto.sealed import public_key_to_text
from steward.vault.models_egress import Delivery, DisclosureRequest, Extract
from steward.vault.runtime import Vault
from steward.vault.services import deliveries
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.deliveries import (
    DeliveryError,
    DeliveryGone,
    DeliveryNotFound,
    create_delivery,
    delivery_status,
    expire_deliveries,
    fetch_delivery,
)
from steward.vault.services.jobs_catalogue import standard_jobs
from tests.vault.delivery_support import (
    PAYLOAD,
    T0,
    WEEK,
    a_disclosure,
    actor_ref,
    an_extract,
    audited,
    break_audit,
    clock,
)
from tests.vault.own_data_support import with_plan

__all__ = ["clock"]
KEY = X25519PrivateKey.generate()
STAFF = "staff/clerk.one"


def _by_key(vault: Vault, **kwargs: object) -> deliveries.NewDelivery:
    settings: dict[str, object] = {
        "actor": STAFF,
        "payload": PAYLOAD,
        "filename": "records.json",
        "context": "disclosure/1",
        "expires_after": WEEK,
        "public_key_text": public_key_to_text(KEY.public_key()),
        **kwargs,
    }
    if "extract" not in settings and "disclosure" not in settings:
        settings["disclosure"] = a_disclosure()
    return create_delivery(vault, **settings)  # type: ignore[arg-type]


def test_a_delivery_to_a_key_is_fetched_and_opened_by_the_recipient(
    city_vault: Vault, clock: ManualClock
) -> None:
    made = _by_key(city_vault)
    assert made.passphrase is None
    assert made.path == f"/deliveries/{made.token}/"
    assert (made.delivery.method, made.delivery.expires) == ("public_key", T0 + WEEK)
    fetched = fetch_delivery(city_vault, made.token)
    assert fetched.filename == "records.json.stwpkg"
    assert fetched.sha256 == hashlib.sha256(fetched.package).hexdigest() == made.delivery.sha256
    opened = open_package(fetched.package, private_key=KEY, context="disclosure/1")
    assert opened.payload == PAYLOAD


def test_a_delivery_without_a_key_gets_a_passphrase_returned_once(
    city_vault: Vault, clock: ManualClock
) -> None:
    made = _by_key(city_vault, public_key_text=None, extract=an_extract(), context="extract/9")
    assert made.passphrase is not None
    assert made.delivery.method == "passphrase"
    package = fetch_delivery(city_vault, made.token).package
    assert open_package(package, passphrase=made.passphrase).payload == PAYLOAD


@pytest.mark.parametrize("by_key", [True, False])
def test_nothing_is_stored_in_clear(city_vault: Vault, clock: ManualClock, by_key: bool) -> None:
    made = _by_key(city_vault) if by_key else _by_key(city_vault, public_key_text=None)
    fetch_delivery(city_vault, made.token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM vault_delivery")
        row = cursor.fetchall()
        cursor.execute("SELECT record FROM vault_auditentryrow")
        audit_rows = cursor.fetchall()
    stored = b"".join(
        bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode()
        for r in row + audit_rows
        for v in r
    )
    secrets = [b"Ana Lima", b"555 0100", made.token.encode()]
    secrets += [made.passphrase.encode()] if made.passphrase else []
    for secret in secrets:
        assert secret not in stored
    assert made.delivery.token_hash != hashlib.sha256(made.token.encode()).hexdigest()


def test_the_plan_or_the_default_sets_the_lifetime(city_vault: Vault, clock: ManualClock) -> None:
    made = _by_key(city_vault, expires_after=None)
    rules = city_vault.plan.disclosure
    planned = rules.delivery.expires_after if rules else None
    expected = timedelta(days=planned.days) if planned else deliveries.DEFAULT_LIFETIME
    assert made.delivery.expires == T0 + expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"public_key_text": "not a key"}, "not an X25519 key"),
        ({"public_key_text": "AAAA"}, "not an X25519 key"),
        ({"filename": "../etc/passwd"}, "plain name"),
        ({"context": ""}, "context is 1 to"),
        ({"max_fetches": 0}, "1 to 20 times"),
        ({"max_fetches": 21}, "1 to 20 times"),
        ({"expires_after": timedelta(0)}, "at most 90 days"),
        ({"expires_after": timedelta(days=91)}, "at most 90 days"),
        ({"disclosure": None}, "exactly one disclosure or one extract"),
    ],
)
def test_bad_requests_are_refused_and_store_nothing(
    city_vault: Vault, clock: ManualClock, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(DeliveryError, match=message):
        _by_key(city_vault, **kwargs)
    assert not Delivery.objects.exists()
    assert audited(city_vault, "delivery.create") == []


def test_both_a_disclosure_and_an_extract_are_refused(
    city_vault: Vault, clock: ManualClock
) -> None:
    with pytest.raises(DeliveryError, match="exactly one"):
        _by_key(city_vault, disclosure=a_disclosure(), extract=an_extract())


def test_fetches_are_limited_counted_and_audited(city_vault: Vault, clock: ManualClock) -> None:
    made = _by_key(city_vault, max_fetches=2)
    for _ in range(2):
        fetch_delivery(city_vault, made.token)
    with pytest.raises(DeliveryGone, match="already fetched 2 times"):
        fetch_delivery(city_vault, made.token)
    row = Delivery.objects.get()
    assert (row.fetches, row.last_fetch) == (2, T0)
    recipient = actor_ref(city_vault, deliveries.RECIPIENT_ACTOR)
    assert audited(city_vault, "delivery.fetch") == [
        (recipient, "allowed", "fetch 1 of 2"),
        (recipient, "allowed", "fetch 2 of 2"),
        (recipient, "denied", "it was already fetched 2 times, as many as allowed"),
    ]
    [(who, outcome, purpose)] = audited(city_vault, "delivery.create")
    assert (who, outcome) == (actor_ref(city_vault, STAFF), "allowed")
    assert purpose.startswith("disclosure/1; public_key; 2 fetches until 2026-06-08 09:00")


def test_a_link_works_until_its_expiry_and_not_a_moment_after(
    city_vault: Vault, clock: ManualClock
) -> None:
    made = _by_key(city_vault)
    clock.advance(days=7, seconds=-1)
    assert delivery_status(city_vault, made.token).available
    fetch_delivery(city_vault, made.token)
    clock.advance(seconds=1)
    status = delivery_status(city_vault, made.token)
    assert (status.available, status.fetches_left) == (False, 2)
    assert "expired on 2026-06-08 at 09:00 UTC" in status.why_not
    with pytest.raises(DeliveryGone, match="expired"):
        fetch_delivery(city_vault, made.token)
    assert [o for _, o, _ in audited(city_vault, "delivery.fetch")] == ["allowed", "denied"]


@pytest.mark.parametrize("token", ["", "x", "A" * 43, "A" * 5000, "\udcff"])
def test_an_unknown_link_is_refused_and_audited(
    city_vault: Vault, clock: ManualClock, token: str
) -> None:
    _by_key(city_vault)
    with pytest.raises(DeliveryNotFound, match="no delivery at this link"):
        fetch_delivery(city_vault, token)
    with pytest.raises(DeliveryNotFound):
        delivery_status(city_vault, token)
    assert [(o, p) for _, o, p in audited(city_vault, "delivery.fetch")] == [
        ("denied", "no delivery has this link")
    ]


def test_the_status_does_not_consume_a_fetch(city_vault: Vault, clock: ManualClock) -> None:
    made = _by_key(city_vault)
    status = delivery_status(city_vault, made.token)
    assert (status.context, status.filename, status.method) == (
        "disclosure/1",
        "records.json.stwpkg",
        "public_key",
    )
    assert (status.fetches_left, status.expires, status.available) == (3, T0 + WEEK, True)
    assert Delivery.objects.get().fetches == 0
    assert audited(city_vault, "delivery.fetch") == []


def test_a_fetch_that_cannot_be_audited_hands_out_nothing_and_is_not_counted(
    city_vault: Vault, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _by_key(city_vault)
    break_audit(monkeypatch)
    with pytest.raises(AuditUnavailable):
        fetch_delivery(city_vault, made.token)
    assert Delivery.objects.get().fetches == 0


def test_expiry_deletes_packages_and_expires_their_disclosure_or_extract(
    city_vault: Vault, clock: ManualClock
) -> None:
    disclosure = a_disclosure(DisclosureRequest.State.DELIVERED)
    extract = an_extract()
    short = _by_key(city_vault, disclosure=disclosure, expires_after=timedelta(days=1))
    _by_key(city_vault, disclosure=disclosure, expires_after=timedelta(days=3))
    used = _by_key(city_vault, extract=extract, max_fetches=1, expires_after=timedelta(days=5))
    fetch_delivery(city_vault, used.token)
    assert expire_deliveries(city_vault) == 1  # the used-up one
    clock.advance(days=2)
    assert expire_deliveries(city_vault) == 1  # the one-day one
    assert Delivery.objects.get(pk=short.delivery.pk).package is None
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureRequest.State.DELIVERED  # one still live
    extract.refresh_from_db()
    assert extract.state == Extract.State.RELEASED  # its delivery expires on day 5
    clock.advance(days=4)
    assert expire_deliveries(city_vault) == 1
    assert expire_deliveries(city_vault) == 0
    disclosure.refresh_from_db()
    extract.refresh_from_db()
    assert (disclosure.state, extract.state) == ("expired", "expired")
    assert not Delivery.objects.filter(package__isnull=False).exists()
    assert len(audited(city_vault, "delivery.expire")) == 3
    with pytest.raises(DeliveryGone, match="expired"):
        fetch_delivery(city_vault, short.token)


def test_a_refused_disclosure_is_not_marked_expired(city_vault: Vault, clock: ManualClock) -> None:
    disclosure = a_disclosure(DisclosureRequest.State.REFUSED)
    _by_key(city_vault, disclosure=disclosure, expires_after=timedelta(hours=1))
    clock.advance(hours=2)
    assert expire_deliveries(city_vault) == 1
    disclosure.refresh_from_db()
    assert disclosure.state == "refused"


def test_the_expiry_job_is_scheduled_hourly_and_runs(
    city_vault: Vault, clock: ManualClock, tmp_path: object
) -> None:
    from pathlib import Path

    from steward.vault.services.jobs import JobContext

    job = standard_jobs().get("delivery-expiry")
    assert job is deliveries.DELIVERY_EXPIRY
    assert job.schedule(city_vault.plan).interval == timedelta(hours=1)
    context = JobContext(city_vault, Path(str(tmp_path)), Path(str(tmp_path)))
    assert job.run(context) == "no delivered package was past its expiry or used up"
    _by_key(city_vault, expires_after=timedelta(hours=1))
    clock.advance(hours=1)
    assert job.run(context) == "deleted 1 delivered package (expired or used up)"


@pytest.mark.django_db(transaction=True)
def test_two_fetches_at_once_never_exceed_the_limit(tmp_path: object) -> None:
    """Every thread races for the last fetch; exactly ``max_fetches`` succeed."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: run on PostgreSQL (STEWARD_TEST_DATABASE_URL)")
    from pathlib import Path

    from steward.vault.runtime import use_vault
    from tests.vault.conftest import CITY, make_vault

    vault, _ = make_vault(CITY, Path(str(tmp_path)) / "keys")
    use_vault(vault)
    try:
        with use_clock(ManualClock(T0)):
            made = _by_key(vault, max_fetches=2)
            outcomes = _race(vault, made.token, 6)
        assert sorted(outcomes) == ["fetched"] * 2 + ["gone"] * 4
        assert Delivery.objects.get().fetches == 2
        outcomes_audited = [o for _, o, _ in audited(vault, "delivery.fetch")]
        assert sorted(outcomes_audited) == ["allowed"] * 2 + ["denied"] * 4
    finally:
        use_vault(None)


def _race(vault: Vault, token: str, count: int) -> list[str]:
    outcomes: list[str] = []
    start = threading.Barrier(count)

    def fetch() -> None:
        start.wait()
        try:
            fetch_delivery(vault, token)
            outcomes.append("fetched")
        except DeliveryGone:
            outcomes.append("gone")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_the_header_of_a_stored_package_names_its_context(
    city_vault: Vault, clock: ManualClock
) -> None:
    made = _by_key(city_vault)
    stored = Delivery.objects.get().package
    assert stored is not None
    assert read_package_header(bytes(stored)).context == "disclosure/1"
    assert made.delivery.size == len(bytes(stored))


def test_the_plan_gives_a_recipients_public_key(city_vault: Vault) -> None:
    plan = city_vault.plan
    first = plan.recipients[0]
    keyed = first.model_copy(update={"public_key": public_key_to_text(KEY.public_key())})
    vault = with_plan(city_vault, plan.model_copy(update={"recipients": [keyed]}))
    assert deliveries.recipient_public_key(vault, first.id) == keyed.public_key
    assert deliveries.recipient_public_key(city_vault, first.id) is None
    assert deliveries.recipient_public_key(vault, "county_court") is None
