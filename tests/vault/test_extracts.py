"""De-identified extracts made from vault records: released to the civic data lab at
k=10 with no identifying field, withheld when the target cannot be met, records whose
person withdrew consent left out, access ending at expiry, audit entries and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from django.contrib.auth.models import User

from steward.clock import ManualClock, use_clock
from steward.vault.models import Consent
from steward.vault.models_egress import Extract
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.extracts import (
    SEALED,
    ExtractRefused,
    download_extract,
    expire_extracts,
    make_extract,
    open_sealed_rows,
    shown_manifest,
    visible_extracts,
)
from tests.vault.conftest import CITY, actor_for, make_vault
from tests.vault.extract_support import bulk_records, city_rows
from tests.vault.own_choices_support import audit_entries, audit_text

START = datetime(2026, 12, 1, 9, tzinfo=UTC)
IDENTIFYING = ("full_name", "email", "street_address", "details", "immigration_status")


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    moment = ManualClock(START)
    with use_clock(moment):
        yield moment


def staff(vault: Vault, role: str, name: str) -> Actor:
    user = User.objects.create_user(name, password="correct horse battery staple 9")
    return actor_for(vault, role, user_id=user.pk)


def _rows(vault: Vault, extract: Extract) -> pl.DataFrame:
    import io

    return pl.read_csv(io.BytesIO(open_sealed_rows(vault, extract.id, extract.manifest[SEALED])))


def test_the_lab_gets_k10_and_nothing_identifying(city_vault: Vault, clock: ManualClock) -> None:
    vault = city_vault
    bulk_records(vault, "service_request", city_rows(400))
    officer = staff(vault, "privacy_officer", "dana.ortiz")
    extract = make_extract(
        vault, officer, dataset="service_request", recipient="civic_data_lab", role=None
    )
    assert extract.state == Extract.State.RELEASED, extract.withheld
    assert extract.k_target == 10
    assert extract.fields == ["district", "request_type"]
    manifest = shown_manifest(extract)
    assert manifest["measured"]["k"] >= 10
    assert manifest["measured"]["small_cells"] == 0
    assert manifest["source_records"] == 400
    assert manifest["method"]["kind"] == "anonymize"
    assert manifest["plan"]["version"] == "2026.2"
    assert extract.expires == START + timedelta(days=7)
    rows = _rows(vault, extract)
    assert set(rows.columns) == {"district", "request_type"}
    assert rows.height == extract.rows
    assert min(rows.group_by(rows.columns).len()["len"].to_list()) >= 10
    text = rows.write_csv()
    assert "Person" not in text
    assert "example.org" not in text
    assert "Main Street" not in text
    assert not set(IDENTIFYING) & set(rows.columns)
    (entry,) = audit_entries("extract.make")
    assert entry["outcome"] == "allowed"
    assert "Person 1" not in audit_text()


def test_an_extract_that_cannot_meet_its_target_is_withheld(
    city_vault: Vault, clock: ManualClock
) -> None:
    vault = city_vault
    bulk_records(vault, "service_request", city_rows(6))
    officer = staff(vault, "privacy_officer", "dana.ortiz")
    extract = make_extract(
        vault, officer, dataset="service_request", recipient=None, role="analyst"
    )
    assert extract.state == Extract.State.WITHHELD
    assert extract.withheld
    assert SEALED not in extract.manifest
    assert extract.expires is None
    analyst = staff(vault, "analyst", "ana.lyst")
    with pytest.raises(AccessDenied, match="not released"):
        download_extract(vault, analyst, extract.id)
    assert audit_entries("extract.download")[-1]["outcome"] == "denied"


def test_the_analyst_downloads_until_expiry(city_vault: Vault, clock: ManualClock) -> None:
    vault = city_vault
    bulk_records(vault, "service_request", city_rows(300))
    officer = staff(vault, "privacy_officer", "dana.ortiz")
    extract = make_extract(
        vault, officer, dataset="service_request", recipient=None, role="analyst", k=12
    )
    assert extract.state == Extract.State.RELEASED, extract.withheld
    assert extract.k_target == 12
    analyst = staff(vault, "analyst", "ana.lyst")
    got = download_extract(vault, analyst, extract.id)
    assert got.content.startswith(b"district,request_type")
    assert [e["outcome"] for e in audit_entries("extract.download")] == ["allowed"]
    assert visible_extracts(vault, analyst) == [extract]
    with pytest.raises(AccessDenied, match="neither makes nor receives"):
        visible_extracts(vault, staff(vault, "caseworker", "case.worker"))
    with pytest.raises(NotFound):
        download_extract(vault, officer, extract.id)
    clock.advance(days=7)
    with pytest.raises(AccessDenied, match="expired"):
        download_extract(vault, analyst, extract.id)
    assert expire_extracts(vault) == 1
    assert len(audit_entries("extract.expire")) == 1
    extract.refresh_from_db()
    assert extract.state == Extract.State.EXPIRED
    assert SEALED not in extract.manifest
    assert expire_extracts(vault) == 0
    with pytest.raises(AccessDenied, match="expired"):
        download_extract(vault, analyst, extract.id)


CONSENT_PLAN = CITY.read_text().replace(
    """    legal_basis: public_task
    legal_reference: Riverton Municipal Code 2.12 (constituent services)
    retention: {keep: 5y, from: collection, then: aggregate}""",
    """    legal_basis: consent
    consent_text: Yes, count my request anonymously to plan city services.
    retention: {keep: 5y, from: collection, then: aggregate}""",
)


@pytest.fixture
def consent_vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    assert "consent_text: Yes, count my request" in CONSENT_PLAN
    plan = tmp_path / "city-consent.yaml"
    plan.write_text(CONSENT_PLAN)
    vault, _ = make_vault(plan, tmp_path / "keys")
    use_vault(vault)
    yield vault
    use_vault(None)


def test_withdrawn_consent_leaves_a_record_out(consent_vault: Vault, clock: ManualClock) -> None:
    vault = consent_vault
    agreed = bulk_records(vault, "service_request", city_rows(200), agreed=["planning_statistics"])
    bulk_records(vault, "service_request", city_rows(20, seed=3))
    Consent.objects.filter(record__in=agreed[:5]).update(withdrawn=START)
    officer = staff(vault, "privacy_officer", "dana.ortiz")
    extract = make_extract(
        vault, officer, dataset="service_request", recipient="civic_data_lab", role=None
    )
    assert extract.source_records == 195
    assert extract.manifest["records_not_serving_purpose"] == 25


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"recipient": "nobody"}, ExtractRefused, "no recipient 'nobody'"),
        ({"recipient": "city_council"}, ExtractRefused, "deidentified_only"),
        ({"recipient": "civic_data_lab", "k": 4}, ExtractRefused, "below the least"),
        ({"recipient": "civic_data_lab", "k": 9}, ExtractRefused, "below the least"),
        ({"role": "caseworker"}, ExtractRefused, "identified data"),
        ({"recipient": "civic_data_lab", "dataset": "nope"}, ExtractRefused, "no dataset"),
        ({"recipient": "civic_data_lab", "recipe": "missing"}, ExtractRefused, "no such recipe"),
        ({"recipient": "civic_data_lab", "recipe": "bad"}, ExtractRefused, "recipe"),
        ({"recipient": "civic_data_lab", "recipe": "unknown column"}, ExtractRefused, "recipe"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(
    city_vault: Vault,
    clock: ManualClock,
    tmp_path: Path,
    kwargs: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    vault = city_vault
    bulk_records(vault, "service_request", city_rows(30))
    officer = staff(vault, "privacy_officer", "dana.ortiz")
    recipes = {
        "missing": tmp_path / "missing.yaml",
        "bad": tmp_path / "bad.yaml",
        "unknown column": tmp_path / "unknown.yaml",
    }
    recipes["bad"].write_text("steward_recipe: 1\ncolumns: [\n")
    recipes["unknown column"].write_text("steward_recipe: 1\ncolumns:\n  full_name: {drop: true}\n")
    args: dict[str, object] = {"dataset": "service_request", "recipient": None, "role": None}
    args |= kwargs
    if isinstance(args.get("recipe"), str):
        args["recipe"] = recipes[str(args["recipe"])]
    with pytest.raises(error, match=message):
        make_extract(vault, officer, **args)  # type: ignore[arg-type]
    assert not Extract.objects.exists()


def test_a_recipe_is_applied_and_measured(
    city_vault: Vault, clock: ManualClock, tmp_path: Path
) -> None:
    vault = city_vault
    bulk_records(vault, "service_request", city_rows(300))
    recipe = tmp_path / "lab.recipe.yaml"
    recipe.write_text(
        "steward_recipe: 1\nquasi_identifiers: [district, request_type]\nk: 10\n"
        "unlisted: drop\ncolumns:\n  district: {keep: true}\n  request_type: {keep: true}\n"
        "suppress: {k: 10, remove_records: true}\n"
    )
    officer = staff(vault, "privacy_officer", "dana.ortiz")
    extract = make_extract(
        vault,
        officer,
        dataset="service_request",
        recipient="civic_data_lab",
        role=None,
        recipe=recipe,
    )
    assert extract.manifest["method"]["kind"] == "recipe"
    assert extract.manifest["method"]["recipe_sha256"]
    if extract.state == Extract.State.RELEASED:
        assert extract.manifest["measured"]["k"] >= 10
    else:
        assert extract.withheld


def test_a_recipe_that_leaves_only_sensitive_attributes_is_withheld(
    city_vault: Vault, clock: ManualClock, tmp_path: Path
) -> None:
    """No quasi-identifier is left to measure the risk over: withheld, with the reason."""
    vault = city_vault
    bulk_records(vault, "service_request", city_rows(60))
    recipe = tmp_path / "only-sensitive.recipe.yaml"
    recipe.write_text(
        "steward_recipe: 1\nsensitive: [district, request_type]\nunlisted: drop\n"
        "columns:\n  district: {keep: true}\n  request_type: {keep: true}\n"
    )
    officer = staff(vault, "privacy_officer", "dana.ortiz")
    extract = make_extract(
        vault, officer, dataset="service_request", recipient="civic_data_lab", role=None,
        recipe=recipe,
    )  # fmt: skip
    assert extract.state == Extract.State.WITHHELD
    assert "no quasi-identifier to measure the risk over" in extract.withheld
    assert extract.rows == 0


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "analyst"])
def test_only_a_role_with_an_export_grant_makes_extracts(
    city_vault: Vault, clock: ManualClock, role: str
) -> None:
    vault = city_vault
    bulk_records(vault, "service_request", city_rows(30))
    who = staff(vault, role, f"{role}.person")
    with pytest.raises(AccessDenied, match="export"):
        make_extract(vault, who, dataset="service_request", recipient="civic_data_lab", role=None)
    assert audit_entries("extract.make")[-1]["outcome"] == "denied"
    assert not Extract.objects.exists()


def test_a_recipient_extract_leaves_only_as_an_encrypted_delivery(
    city_vault: Vault, clock: ManualClock
) -> None:
    from steward.crypto import open_package
    from steward.vault.services.deliveries import fetch_delivery
    from steward.vault.services.extract_delivery import deliver_extract

    vault = city_vault
    bulk_records(vault, "service_request", city_rows(200))
    officer = staff(vault, "privacy_officer", "dana.ortiz")
    extract = make_extract(
        vault, officer, dataset="service_request", recipient="civic_data_lab", role=None
    )
    other = staff(vault, "privacy_officer", "ben.okafor")
    with pytest.raises(AccessDenied, match="made an extract"):
        deliver_extract(vault, other, extract.id)
    made = deliver_extract(vault, officer, extract.id)
    extract.refresh_from_db()
    assert SEALED not in extract.manifest
    assert made.delivery.expires == extract.expires
    with pytest.raises(AccessDenied, match="delivered already"):
        deliver_extract(vault, officer, extract.id)
    assert made.passphrase is not None
    package = fetch_delivery(vault, made.token).package
    opened = open_package(package, passphrase=made.passphrase, context=f"extract/{extract.id}")
    assert opened.payload.startswith(b"district,request_type")
    assert b"Person" not in opened.payload
    analyst = staff(vault, "analyst", "ana.lyst")
    with pytest.raises(NotFound):
        download_extract(vault, analyst, extract.id)
    clock.advance(days=8)
    with pytest.raises(AccessDenied, match="not expired"):
        deliver_extract(vault, officer, extract.id)
