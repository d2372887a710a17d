"""Delivering an approved disclosure: only by an approver, only after approval, each
objection decided; the package is encrypted to the recipient's key or a passphrase, and
no value is stored in clear."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from steward import clock as steward_clock
from steward.clock import ManualClock
from steward.crypto import open_package, public_key_to_text
from steward.vault.models import Record
from steward.vault.models_egress import Delivery, DisclosureItem, DisclosureRequest
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.access import AccessDenied, InvalidValue
from steward.vault.services.disclosure_delivery import deliver_disclosure
from steward.vault.services.disclosures import open_disclosure
from tests.vault.conftest import CITY, make_vault
from tests.vault.disclosure_support import COURT, OBJECTION_TIME, approved, clock, officer
from tests.vault.own_choices_support import audit_entries, resident
from tests.vault.test_staff_support import DISTINCT, add_case, leaked

__all__ = ["clock"]
OTHER = {**DISTINCT, "full_name": "Bartholomew Ng", "email": "bart.ng@example.org"}


@pytest.fixture
def cases(city_vault: Vault) -> tuple[Record, Record]:
    return add_case(city_vault, team="north"), add_case(city_vault, OTHER, team="south")


def test_an_approver_delivers_under_a_passphrase_and_nothing_is_stored_in_clear(
    city_vault: Vault, cases: tuple[Record, Record], clock: ManualClock
) -> None:
    vault = city_vault
    asker = officer(vault, "officer_asks")
    made = open_disclosure(
        vault, asker, dataset="service_request", records=[str(c.id) for c in cases],
        fields=["full_name", "email"], **COURT,
    )  # fmt: skip
    with pytest.raises(AccessDenied, match="cannot be delivered"):
        deliver_disclosure(vault, officer(vault, "officer_approves"), made.id)
    disclosure, approver = approved(vault, [cases[0]], ["email"])
    with pytest.raises(AccessDenied, match="time the plan gives them to object"):
        deliver_disclosure(vault, approver, disclosure.id)
    clock.advance(OBJECTION_TIME)
    with pytest.raises(AccessDenied, match="someone other than the person who asked"):
        deliver_disclosure(vault, asker, disclosure.id)
    assert not Delivery.objects.exists()

    done = deliver_disclosure(vault, approver, disclosure.id)

    assert (done.disclosure.state, done.method) == ("delivered", "passphrase")
    assert done.passphrase
    assert done.path.startswith("/deliveries/")
    stored = Delivery.objects.get()
    package = bytes(stored.package or b"")
    assert leaked(package.decode("latin-1")) == set()
    opened = open_package(package, passphrase=done.passphrase)
    rows = json.loads(opened.payload)["rows"]
    assert rows == [{"id": str(cases[0].id), "email": DISTINCT["email"]}]
    assert opened.context == f"disclosure/{disclosure.id}"
    with pytest.raises(AccessDenied, match="is delivered"):
        deliver_disclosure(vault, approver, disclosure.id)
    steps = [e["purpose"] for e in audit_entries("disclosure.decide") if e["outcome"] == "allowed"]
    assert steps[-1].startswith("deliver: full")
    assert [e["action"] for e in audit_entries("delivery.create")] == ["delivery.create"]


def test_objections_are_dropped_or_overruled_with_a_reason(
    city_vault: Vault, cases: tuple[Record, Record], clock: ManualClock
) -> None:
    vault = city_vault
    disclosure, approver = approved(vault, list(cases), ["full_name"])
    clock.advance(OBJECTION_TIME)
    DisclosureItem.objects.filter(disclosure=disclosure, record=cases[1]).update(
        objected=steward_clock.now()
    )
    with pytest.raises(AccessDenied, match="1 objection"):
        deliver_disclosure(vault, approver, disclosure.id)
    with pytest.raises(InvalidValue, match="say why"):
        deliver_disclosure(vault, approver, disclosure.id, confirm={str(cases[1].id): " "})
    with pytest.raises(InvalidValue, match="every record was dropped"):
        deliver_disclosure(vault, approver, disclosure.id, drop=[str(c.id) for c in cases])
    assert DisclosureRequest.objects.get(pk=disclosure.id).state == "approved"

    done = deliver_disclosure(vault, approver, disclosure.id, drop=[str(cases[1].id)])

    assert (done.disclosure.state, done.disclosure.compliance) == ("delivered", "partial")
    opened = open_package(bytes(Delivery.objects.get().package or b""), passphrase=done.passphrase)
    assert [r["id"] for r in json.loads(opened.payload)["rows"]] == [str(cases[0].id)]


def test_an_overruled_objection_is_kept_in_the_register(
    city_vault: Vault, cases: tuple[Record, Record], clock: ManualClock
) -> None:
    disclosure, approver = approved(city_vault, list(cases), ["full_name"])
    clock.advance(OBJECTION_TIME)
    DisclosureItem.objects.filter(disclosure=disclosure, record=cases[1]).update(
        objected=steward_clock.now()
    )
    done = deliver_disclosure(
        city_vault,
        approver,
        disclosure.id,
        confirm={str(cases[1].id): "the warrant overrides the objection"},
    )
    assert "the warrant overrides the objection" in done.disclosure.decision
    assert done.disclosure.compliance == "full"


MAILER = """\
  - id: mail_house
    name: Riverton Mail House
    kind: processor
    categories: [contact]
    purposes: [service_updates]
    public_key: {key}
"""


@pytest.fixture
def keyed(db: None, tmp_path: Path) -> Iterator[tuple[Vault, X25519PrivateKey]]:
    """The city plan with a recipient that gave a public key."""
    private = X25519PrivateKey.generate()
    entry = MAILER.format(key=public_key_to_text(private.public_key()))
    plan = tmp_path / "city-mail.yaml"
    plan.write_text(CITY.read_text().replace("recipients:\n", "recipients:\n" + entry, 1))
    vault, _ = make_vault(plan, tmp_path / "keys")
    use_vault(vault)
    yield vault, private
    use_vault(None)


def test_a_recipient_with_a_public_key_gets_a_package_only_they_open(
    keyed: tuple[Vault, X25519PrivateKey], clock: ManualClock
) -> None:
    vault, private = keyed
    record, _, _ = resident(vault)
    disclosure, approver = approved(
        vault, [record], ["email"], ground="consent", recipient="mail_house", party="",
        legal_reference="",
    )  # fmt: skip
    clock.advance(OBJECTION_TIME)
    done = deliver_disclosure(vault, approver, disclosure.id)
    assert (done.method, done.passphrase) == ("public_key", None)
    opened = open_package(bytes(Delivery.objects.get().package or b""), private_key=private)
    assert json.loads(opened.payload)["rows"][0]["email"] == DISTINCT["email"]
    decide = [e for e in audit_entries("disclosure.decide") if e["outcome"] == "allowed"]
    assert len(decide) == 2
