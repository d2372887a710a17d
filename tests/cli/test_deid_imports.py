"""The ``steward deid`` commands load the engine only when one runs: importing the
command line, and building a request, imports neither Polars, NumPy, matplotlib nor
WeasyPrint (``steward deid anonymize``'s start-up is measured; most of it used to be
imports)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("polars", "numpy", "matplotlib", "weasyprint")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    return result.stdout.split()


def test_the_command_line_imports_no_engine() -> None:
    assert _loaded_after("import steward.cli.main") == []


def test_a_request_is_built_and_checked_without_the_engine() -> None:
    code = (
        "from pathlib import Path\n"
        "from steward.deid import RiskRequest\n"
        "RiskRequest(Path('people.csv'), qi=('age',), k=5).validate()\n"
    )
    assert _loaded_after(code) == []


def test_steward_deid_starts_without_the_vaults_parts() -> None:
    """``steward deid ...`` builds the ``deid`` group alone: neither the plan's models,
    the crypto, the audit log nor Django are imported to start it."""
    code = (
        "import sys\n"
        "from steward.cli.main import group_app\n"
        "group_app('deid')\n"
        "parts = ('steward.policy.model', 'steward.crypto', 'steward.audit', 'django', 'polars',"
        " 'weasyprint')\n"
        "print(' '.join(p for p in parts if p in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.split() == []


def test_the_whole_command_line_still_lists_every_group() -> None:
    from typer.testing import CliRunner

    from steward.cli.main import app

    shown = CliRunner().invoke(app, ["--help"]).output
    for group in ("policy", "keys", "deid", "disclosures", "serve", "version"):
        assert group in shown
