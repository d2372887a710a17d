"""Running one benchmark once per database engine, each in a child process of its own.

A benchmark script calls :func:`run_per_engine` from its ``main``; the child (the same
script with ``--child ENGINE``) prints one ``RESULT {json}`` line, which is handed to
the script's report. Each engine gets a fresh interpreter, so Django settings and
module caches of one engine never leak into the other's figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_vault import _postgres_answers

ROOT = Path(__file__).resolve().parents[1]
RESULT = "RESULT "


def run_per_engine(
    script: str,
    engines: str,
    pg_admin_url: str,
    report: Callable[[dict[str, Any]], None],
) -> None:
    """Run ``script --child ENGINE`` (with this run's arguments) for each engine in the
    comma-separated ``engines``, and ``report`` each child's result.

    PostgreSQL is skipped, with a line saying so, when nothing answers at
    ``pg_admin_url``; a child that fails prints the end of its error output.
    """
    for engine in engines.split(","):
        if engine == "postgresql" and not _postgres_answers(pg_admin_url):
            print(f"\n== postgresql: skipped (nothing answers at {pg_admin_url})")
            continue
        command = [sys.executable, script, "--child", engine, *sys.argv[1:]]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        lines = [x for x in done.stdout.splitlines() if x.startswith(RESULT)]
        if done.returncode != 0 or not lines:
            print(f"\n== {engine}: failed (exit {done.returncode})\n{done.stderr[-3000:]}")
            continue
        report(json.loads(lines[-1].removeprefix(RESULT)))
