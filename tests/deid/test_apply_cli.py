"""``steward deid apply``: output, manifest, atomic writes and every error path."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner, Result

from steward.cli.main import app
from steward.crypto import FileKeyProvider
from steward.deid.transforms.keys import derive_keys
from tests.deid.paths import ADULT_DIR

runner = CliRunner()

CSV = """resident_id,full_name,age,district,request_type,income
R1,Ana Diaz,23,North,pothole,150000
R2,Bo Li,27,North,noise,250000
R3,Cy Ode,25,North,pothole,90000
R4,Di Fox,41,South,graffiti,
R5,Ed Yu,44,South,pothole,30000
R6,Flo Ma,88,East,housing,12000
"""

RECIPE = """\
steward_recipe: 1
description: Service requests
quasi_identifiers: [age, district]
sensitive: [request_type]
k: 2
columns:
  full_name: {drop: true}
  resident_id: {pseudonymize: {prefix: "p_"}}
  age: {generalize: {builtin: age_band, width: 20}}
  income: {top_code: 200000, noise: {kind: laplace, scale: 100, round: 1000}}
suppress: {k: 2}
"""


def _run(*args: str) -> Result:
    result = runner.invoke(app, ["deid", "apply", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


@pytest.fixture
def setup(tmp_path: Path) -> Path:
    (tmp_path / "requests.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    FileKeyProvider.create(keys / "kek.json")
    return tmp_path


def apply(folder: Path, out: str = "out.csv", *extra: str) -> Result:
    return _run(
        str(folder / "requests.csv"),
        "--recipe",
        str(folder / "recipe.yaml"),
        "--out",
        str(folder / out),
        "--keys-dir",
        str(folder / "keys"),
        *extra,
    )


def test_writes_output_and_manifest(setup: Path) -> None:
    result = apply(setup)
    assert result.exit_code == 0, result.output
    out = pl.read_csv(setup / "out.csv", infer_schema=False)
    assert out.columns == ["resident_id", "age", "district", "request_type", "income"]
    assert out["age"].to_list() == ["20-39", "20-39", "20-39", "40-59", "40-59", "*"]
    assert out["district"].to_list()[-1] == "*"
    assert all(v.startswith("p_") and len(v) == 18 for v in out["resident_id"])
    manifest = json.loads((setup / "out.csv.manifest.json").read_text())
    assert manifest["recipe"]["sha256"] == __import__("hashlib").sha256(RECIPE.encode()).hexdigest()
    assert manifest["input"]["rows"] == manifest["output"]["rows"] == 6
    operations = [(o["column"], o["operation"]) for o in manifest["operations"]]
    assert operations == [
        ("full_name", "drop"),
        ("resident_id", "pseudonymize"),
        ("age", "generalize"),
        ("income", "top_code"),
        ("income", "noise"),
    ]
    assert manifest["suppression"]["records"] == 1
    risk = manifest["risk"]
    assert risk["quasi_identifiers"] == ["age", "district"]
    assert risk["input"]["k"] == 1
    assert risk["output"]["k"] == 1  # the one suppressed record stands alone as '*'
    assert risk["input"]["records"] == 6
    assert "sample_uniqueness" in risk["output"]
    assert manifest["key"] == {"name": "pseudonyms", "source": "keys folder"}
    assert "wrote" in result.output


def test_manifest_holds_no_key_material_and_no_values(setup: Path) -> None:
    assert apply(setup).exit_code == 0
    text = (setup / "out.csv.manifest.json").read_text()
    root = FileKeyProvider(setup / "keys" / "kek.json").index_key()
    keys = derive_keys(root)
    for secret in (root, keys.pseudonym, keys.date_shift, keys.noise):
        assert secret.hex() not in text
        assert secret.hex().upper() not in text
    for value in ("Ana Diaz", "R1", "pothole"):
        assert value not in text


def test_pseudonyms_stable_across_runs_and_files(setup: Path) -> None:
    assert apply(setup, "a.csv").exit_code == 0
    assert apply(setup, "b.parquet").exit_code == 0
    first = pl.read_csv(setup / "a.csv", infer_schema=False)["resident_id"].to_list()
    second = pl.read_parquet(setup / "b.parquet")["resident_id"].to_list()
    assert first == second
    noisy = pl.read_csv(setup / "a.csv", infer_schema=False)["income"].to_list()
    assert noisy == [
        str(v) if v is not None else None for v in pl.read_parquet(setup / "b.parquet")["income"]
    ]


def test_a_key_file_instead_of_the_keys_folder(setup: Path) -> None:
    key = setup / "deid.key"
    key.write_text("ab" * 32)
    result = apply(setup, "k.csv", "--key-file", str(key))
    assert result.exit_code == 0, result.output
    other = pl.read_csv(setup / "k.csv", infer_schema=False)["resident_id"]
    assert apply(setup, "m.csv").exit_code == 0
    managed = pl.read_csv(setup / "m.csv", infer_schema=False)["resident_id"]
    assert other.to_list() != managed.to_list()


def _no_output(folder: Path) -> None:
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith((".out", "out"))]
    assert leftovers == []


def test_bad_recipe_exits_2_with_the_line(setup: Path) -> None:
    (setup / "recipe.yaml").write_text(RECIPE.replace("{drop: true}", "{dorp: true}"))
    result = apply(setup)
    assert result.exit_code == 2
    assert "recipe.yaml:7:15: columns.full_name.dorp: unknown operation 'dorp'" in result.output
    _no_output(setup)


def test_unknown_column_exits_2(setup: Path) -> None:
    (setup / "recipe.yaml").write_text(RECIPE.replace("full_name:", "nickname:"))
    result = apply(setup)
    assert result.exit_code == 2
    assert "recipe.yaml:7:3: columns.nickname: no column 'nickname'" in result.output
    _no_output(setup)


def test_bad_values_exit_2_without_output(setup: Path) -> None:
    (setup / "requests.csv").write_text(CSV.replace("90000", "lots"))
    result = apply(setup)
    assert result.exit_code == 2
    assert "columns.income: 1 value is not numbers" in result.output
    assert "lots" not in result.output
    _no_output(setup)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"out": "out.xlsx"}, "write CSV"),
        ({"out": "missing/out.csv"}, "no such folder"),
        ({"keys": "nokeys"}, "kek.json"),
        ({"recipe": "none.yaml"}, "no such recipe file"),
        ({"data": "none.csv"}, "no such file"),
    ],
)
def test_bad_arguments_exit_2(setup: Path, change: dict[str, str], message: str) -> None:
    result = _run(
        str(setup / change.get("data", "requests.csv")),
        "--recipe",
        str(setup / change.get("recipe", "recipe.yaml")),
        "--out",
        str(setup / change.get("out", "out.csv")),
        "--keys-dir",
        str(setup / change.get("keys", "keys")),
    )
    assert result.exit_code == 2
    assert message in result.output


def test_output_must_not_overwrite_the_input(setup: Path) -> None:
    result = _run(
        str(setup / "requests.csv"),
        "--recipe",
        str(setup / "recipe.yaml"),
        "--out",
        str(setup / "requests.csv"),
        "--keys-dir",
        str(setup / "keys"),
    )
    assert result.exit_code == 2
    assert "overwrite the input" in result.output
    assert (setup / "requests.csv").read_text() == CSV


def test_a_recipe_without_keyed_steps_needs_no_key(setup: Path) -> None:
    (setup / "recipe.yaml").write_text("steward_recipe: 1\ncolumns:\n  full_name: {drop: true}\n")
    result = _run(
        str(setup / "requests.csv"),
        "--recipe",
        str(setup / "recipe.yaml"),
        "--out",
        str(setup / "plain.csv"),
        "--keys-dir",
        str(setup / "nokeys"),
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((setup / "plain.csv.manifest.json").read_text())
    assert manifest["risk"] is None
    assert manifest["key"] is None


def test_a_failure_after_writing_leaves_nothing_behind(
    setup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import steward.deid.transforms.run as run
    from steward.deid.errors import DeidError

    def broken(*args: object) -> None:
        raise DeidError("risk could not be measured")

    monkeypatch.setattr(run, "risk_section", broken)
    result = apply(setup)
    assert result.exit_code == 2
    assert "risk could not be measured" in result.output
    _no_output(setup)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "deid"
ADULT = ADULT_DIR / "adult.csv"


def test_the_service_request_example_reaches_k(setup: Path) -> None:
    result = _run(
        str(EXAMPLES / "service-requests.csv"),
        "--recipe",
        str(EXAMPLES / "service-requests.recipe.yaml"),
        "--out",
        str(setup / "extract.csv"),
        "--keys-dir",
        str(setup / "keys"),
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((setup / "extract.csv.manifest.json").read_text())
    assert manifest["risk"]["output"]["k"] >= 5
    assert manifest["output"]["columns"] == [
        "request_id",
        "resident_id",
        "postal_code",
        "district",
        "request_type",
        "age",
        "opened_on",
    ]


@pytest.mark.skipif(not ADULT.exists(), reason="the Adult benchmark is not here")
def test_the_adult_example_reaches_k(tmp_path: Path) -> None:
    # The example's hierarchy paths point at shared/ beside the repository; point them at
    # wherever the benchmark data was found, so the test runs from any checkout.
    recipe = tmp_path / "adult.recipe.yaml"
    text = (EXAMPLES / "adult.recipe.yaml").read_text(encoding="utf-8")
    recipe.write_text(text.replace("../../../shared/data/adult/", f"{ADULT.parent}/"))
    result = _run(
        str(ADULT),
        "--recipe",
        str(recipe),
        "--out",
        str(tmp_path / "adult.parquet"),
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "adult.parquet.manifest.json").read_text())
    assert manifest["risk"]["input"]["k"] == 1
    assert manifest["risk"]["output"]["k"] == 5
    assert manifest["output"]["rows"] == 30162
