"""``steward import``: a CSV or Parquet file into a table, all or nothing, with provenance."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from steward.cli.main import app
from steward.vault.audit_actions import AuditAction
from steward.vault.models import FieldValue, ImportProvenance, Record, Subject
from steward.vault.runtime import Vault, use_vault
from steward.vault.services import AccessService
from tests.vault.conftest import EXAMPLES, HELP_DESK, actor_for, make_vault

NONPROFIT = EXAMPLES / "nonprofit-data-project.yaml"
runner = CliRunner()

Row = dict[str, str | None]

GOOD: list[Row] = [
    {
        "client_name": "Ottoline Brackenbury",
        "phone": "555 201 3344",
        "zip_code": "10001",
        "household_size": "4",
        "age_band": "30-44",
        "last_visit": "2026-10-02",
        "pantry_site": "Northgate",
    },
    {
        "client_name": "Peregrine Vasquez-Lull",
        "phone": None,
        "zip_code": "10002",
        "household_size": "1",
        "age_band": None,
        "last_visit": None,
        "pantry_site": "Dockside",
    },
]
STATED = [
    "--source",
    "paper registration forms, Dockside 2025",
    "--legal-basis",
    "contract",
    "--lawfully-collected",
    "--operator",
    "sam",
]


@pytest.fixture
def pantry(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Vault]:
    vault, _ = make_vault(NONPROFIT, tmp_path / "keys")
    use_vault(vault)
    monkeypatch.setattr("steward.cli.django_setup.setup_django", lambda *args: None)
    yield vault
    use_vault(None)


def _csv(
    tmp_path: Path, rows: Sequence[Mapping[str, str | None]], name: str = "clients.csv"
) -> Path:
    path = tmp_path / name
    pl.DataFrame([dict(r) for r in rows], schema=dict.fromkeys(rows[0], pl.String)).write_csv(path)
    return path


def _import(file: Path, *extra: str, dataset: str = "client_register", plan: Path = NONPROFIT):
    args = ["import", str(plan), str(file), "--dataset", dataset, *extra]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _nothing_stored() -> None:
    assert Record.objects.count() == 0
    assert Subject.objects.count() == 0
    assert FieldValue.objects.count() == 0
    assert ImportProvenance.objects.count() == 0


def test_a_good_csv_is_imported_with_its_provenance(pantry: Vault, tmp_path: Path) -> None:
    path = _csv(tmp_path, GOOD)
    result = _import(path, *STATED)
    assert result.exit_code == 0, result.output
    assert "imported 2 rows into client_register" in result.output
    provenance = ImportProvenance.objects.get()
    assert provenance.rows == 2
    assert provenance.legal_basis == "contract"
    assert provenance.lawfully_collected is True
    assert provenance.operator == "sam"
    assert provenance.source == "paper registration forms, Dockside 2025"
    assert len(provenance.sha256) == 64
    assert provenance.sha256 in result.output
    assert provenance.file_format == "csv"
    records = list(Record.objects.order_by("team"))
    assert [r.team for r in records] == ["dockside", "northgate"]
    assert all(r.provenance_id == provenance.id for r in records)
    assert len({r.subject_id for r in records}) == 2
    assert records[1].clear_values == {"pantry_site": "Northgate"}
    stored = b"".join(bytes(v.ciphertext) for v in FieldValue.objects.all())
    assert b"Ottoline" not in stored
    officer = actor_for(pantry, "data_ambassador")
    access = AccessService(pantry)
    found = access.find_records(
        officer, "client_register", "client_name", "ottoline brackenbury"
    ).items
    assert len(found) == 1
    assert access.reveal(
        officer, found[0].id, "phone", "food_distribution", "check the import"
    ) == ("555 201 3344")
    entries = [e for e in pantry.audit.entries() if e.action == AuditAction.DATASET_IMPORT]
    assert len(entries) == 1
    assert "Ottoline" not in str(entries[0])


def test_a_good_parquet_file_is_imported(pantry: Vault, tmp_path: Path) -> None:
    path = tmp_path / "clients.parquet"
    frame = pl.DataFrame(
        {
            "client_name": ["Quentin Halloway", "Rosamund Ebbs"],
            "zip_code": ["10003", "10004"],
            "household_size": [3, 5],
            "pantry_site": ["Riverside", "Riverside"],
        }
    )
    frame.write_parquet(path)
    result = _import(path, *STATED)
    assert result.exit_code == 0, result.output
    assert Record.objects.filter(team="riverside").count() == 2
    assert ImportProvenance.objects.get().file_format == "parquet"


def test_an_undeclared_column_imports_nothing(pantry: Vault, tmp_path: Path) -> None:
    rows = [{**row, "shoe_size": "42"} for row in GOOD]
    result = _import(_csv(tmp_path, rows), *STATED)
    assert result.exit_code == 1
    assert "columns not declared in 'client_register': shoe_size" in result.output
    _nothing_stored()


def test_a_never_field_is_refused(pantry: Vault, tmp_path: Path) -> None:
    rows = [{**row, "household_income": "12000"} for row in GOOD]
    result = _import(_csv(tmp_path, rows), *STATED)
    assert result.exit_code == 1
    assert "columns the plan never records: household_income" in result.output
    _nothing_stored()


def test_bad_values_name_their_row_and_column_and_nothing_is_stored(
    pantry: Vault, tmp_path: Path
) -> None:
    rows = [*GOOD, {**GOOD[0], "household_size": "four"}, {**GOOD[1], "pantry_site": "Mars"}]
    result = _import(_csv(tmp_path, rows), *STATED)
    assert result.exit_code == 1
    assert "row 3, column household_size: this is not a number" in result.output
    assert "row 4, column pantry_site: choose one of the listed answers" in result.output
    assert "2 problems" in result.output
    assert "four" not in result.output
    assert "Mars" not in result.output
    _nothing_stored()


def test_a_missing_required_value_is_named(pantry: Vault, tmp_path: Path) -> None:
    rows = [GOOD[0], {**GOOD[1], "client_name": None}]
    result = _import(_csv(tmp_path, rows), *STATED)
    assert result.exit_code == 1
    assert "row 2, column client_name: this answer is required" in result.output
    _nothing_stored()


def test_an_empty_file_is_refused(pantry: Vault, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = _import(path, *STATED)
    assert result.exit_code == 2
    assert "the file is empty" in result.output
    _nothing_stored()


def test_a_header_without_rows_is_refused(pantry: Vault, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("client_name,zip_code,household_size,pantry_site\n")
    result = _import(path, *STATED)
    assert result.exit_code == 1
    assert "has a header but no rows" in result.output
    _nothing_stored()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("clients.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "cannot be read as a CSV file"),
        ("clients.parquet", b"client_name,zip_code\nA,1\n", "cannot be read as a Parquet file"),
        ("clients.xlsx", b"PK\x03\x04", "give a .csv file"),
    ],
)
def test_a_file_that_is_not_csv_or_parquet_is_refused(
    pantry: Vault, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = _import(path, *STATED)
    assert result.exit_code == 2
    assert message in result.output
    _nothing_stored()


def test_a_missing_file_is_refused(pantry: Vault, tmp_path: Path) -> None:
    result = _import(tmp_path / "nowhere.csv", *STATED)
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_an_unknown_dataset_is_refused(pantry: Vault, tmp_path: Path) -> None:
    result = _import(_csv(tmp_path, GOOD), *STATED, dataset="clients")
    assert result.exit_code == 1
    assert "there is no dataset 'clients' (tables of this plan: client_register)" in result.output
    _nothing_stored()


def test_an_intake_form_takes_no_import(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, _ = make_vault(HELP_DESK, tmp_path / "keys")
    use_vault(vault)
    monkeypatch.setattr("steward.cli.django_setup.setup_django", lambda *args: None)
    try:
        rows = [{"contact_name": "Ana", "contact_channel": "signal", "incident_type": "other"}]
        args = ["--source", "s", "--legal-basis", "consent", "--lawfully-collected"]
        result = _import(
            _csv(tmp_path, rows),
            *args,
            "--operator",
            "lead",
            dataset="assistance_request",
            plan=HELP_DESK,
        )
    finally:
        use_vault(None)
    assert result.exit_code == 1
    assert "'assistance_request' is an intake form, not a table" in result.output
    _nothing_stored()


def test_the_donations_table_takes_an_import(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, _ = make_vault(HELP_DESK, tmp_path / "keys")
    use_vault(vault)
    monkeypatch.setattr("steward.cli.django_setup.setup_django", lambda *args: None)
    rows: list[Row] = [
        {"amount": "25", "allocation": "general", "transaction_id": "ch_3PqXz"},
        {"amount": "100.50", "allocation": "legal fund", "transaction_id": None},
    ]
    args = ["--source", "payment processor export", "--legal-basis", "legal_obligation"]
    try:
        result = _import(
            _csv(tmp_path, rows),
            *args,
            "--lawfully-collected",
            "--operator",
            "finance",
            dataset="donation",
            plan=HELP_DESK,
        )
    finally:
        use_vault(None)
    assert result.exit_code == 0, result.output
    assert Record.objects.filter(dataset="donation").count() == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            [
                *("--source", "s", "--legal-basis", "consent"),
                "--lawfully-collected",
                "--operator",
                "o",
            ],
            "'consent' is not a legal basis of the purposes of 'client_register' "
            "(allowed: contract, legitimate_interest)",
        ),
        (
            ["--source", "s", "--legal-basis", "contract", "--operator", "o"],
            "stated to have been lawfully collected",
        ),
        (
            ["--legal-basis", "contract", "--lawfully-collected", "--operator", "o"],
            "say where the data came from (--source)",
        ),
        (
            ["--source", "s", "--legal-basis", "contract", "--lawfully-collected"],
            "say who is importing (--operator)",
        ),
    ],
)
def test_the_provenance_must_be_stated(
    pantry: Vault, tmp_path: Path, options: list[str], message: str
) -> None:
    result = _import(_csv(tmp_path, GOOD), *options)
    assert result.exit_code == 1
    assert message in result.output
    _nothing_stored()


def test_imports_are_listed_for_the_privacy_officer(pantry: Vault, tmp_path: Path) -> None:
    assert _import(_csv(tmp_path, GOOD), *STATED).exit_code == 0
    result = runner.invoke(app, ["import", str(NONPROFIT), "--list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    provenance = ImportProvenance.objects.get()
    assert provenance.sha256 in result.output
    assert "paper registration forms" in result.output
    assert "Ottoline" not in result.output


def test_nothing_to_import_is_a_usage_error(pantry: Vault) -> None:
    result = runner.invoke(app, ["import", str(NONPROFIT)])
    assert result.exit_code == 2
    assert "--dataset" in result.output
