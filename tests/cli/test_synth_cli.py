"""``steward synth``: fake records shaped like a plan dataset."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from steward.cli.main import app
from steward.policy import load_plan
from steward.vault.rules.intake import Submission, check_submission, consent_purposes

CITY = Path(__file__).resolve().parents[2] / "examples" / "city-constituent-services.yaml"
runner = CliRunner()


def test_csv_records_have_the_dataset_columns_and_pass_the_intake_rules(tmp_path: Path) -> None:
    out = tmp_path / "requests.csv"
    args = ["synth", str(CITY), "--dataset", "service_request", "--rows", "200", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 200
    assert "immigration_status" not in rows[0]
    plan = load_plan(CITY).plan
    agreed = frozenset(consent_purposes(plan, plan.dataset("service_request")))
    for row in rows:
        answers = {k: v for k, v in row.items() if v}
        assert check_submission(plan, Submission("service_request", answers, agreed)).accepted


def test_the_same_seed_gives_the_same_records(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.jsonl", "b.jsonl"):
        out = tmp_path / name
        args = [
            "synth",
            str(CITY),
            "--dataset",
            "service_request",
            "--rows",
            "20",
            "--out",
            str(out),
        ]
        assert runner.invoke(app, args).exit_code == 0
        outputs.append([json.loads(line) for line in out.read_text().splitlines()])
    assert outputs[0] == outputs[1]


def test_bad_requests(tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["synth", str(CITY), "--dataset", "nope"])
    assert unknown.exit_code == 2
    assert "no dataset 'nope'" in unknown.output
    wrong = runner.invoke(
        app, ["synth", str(CITY), "--dataset", "service_request", "--out", str(tmp_path / "x.xlsx")]
    )
    assert wrong.exit_code == 2
    assert "Traceback" not in wrong.output
    missing = runner.invoke(app, ["synth", str(tmp_path / "none.yaml"), "--dataset", "x"])
    assert missing.exit_code == 2
