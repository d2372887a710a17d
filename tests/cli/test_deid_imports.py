"""The ``steward deid`` commands load the engine only when one runs: importing the
command line, and building a request, imports neither Polars, NumPy nor matplotlib
(``steward deid anonymize``'s start-up is measured; most of it used to be imports)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("polars", "numpy", "matplotlib")


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
