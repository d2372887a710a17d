"""Benchmark: the cold start of ``steward deid anonymize`` on UCI Adult, as a person runs
it: a new process each time, the data read from disk, the result and its hierarchies
written.

Run: .venv/bin/python benchmarks/bench_cold_start.py [--repeat 5] [--suppression 0.04]

For each run the whole command's wall time is measured from outside, and the command's
own figures are read from its output: the search's milliseconds, and its progress. Beside
it, in the same run and the same way:

- ``python -c pass``: the interpreter alone;
- ``python -c "import steward.cli.main"``: the command line's start-up;
- the same anonymization called in one warm process (the data read, coded, searched and
  written; no start-up), the floor a command could reach.

Printed: medians, and the command's time as a ratio to the warm call and to the search.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT.parent / "shared" / "data" / "adult"
QI = "sex,age,race,marital-status,education,native-country,workclass,occupation,salary-class"
PYTHON = sys.executable
STEWARD = str(Path(PYTHON).with_name("steward"))


def _wall(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])}... failed: {done.stderr[-500:]}")
    return took, done.stdout


def _anonymize(out: Path, suppression: float) -> list[str]:
    return [
        STEWARD, "deid", "anonymize", str(ADULT / "adult.csv"), "--qi", QI, "--k", "5",
        "--max-suppression", str(suppression), "--hierarchies", str(ADULT), "--out", str(out),
    ]  # fmt: skip


def _warm(out: Path, suppression: float) -> float:
    sys.path.insert(0, str(ROOT / "src"))
    from steward.deid import AnonymizeRequest, run_anonymize

    request = AnonymizeRequest(
        ADULT / "adult.csv",
        qi=tuple(QI.split(",")),
        k=5,
        max_suppression=suppression,
        hierarchies=ADULT,
        out=out,
    )
    run_anonymize(request)  # imports and caches warmed
    started = time.perf_counter()
    run_anonymize(request)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--suppression", type=float, default=0.04)
    args = parser.parse_args()
    if not (ADULT / "adult.csv").exists():
        raise SystemExit(f"Adult is not at {ADULT}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "adult-k5.csv"
        runs: dict[str, list[float]] = {"pass": [], "cli": [], "command": [], "warm": []}
        searches: list[float] = []
        for _ in range(args.repeat):  # interleaved, so load changes hit every figure alike
            runs["pass"].append(_wall([PYTHON, "-c", "pass"])[0])
            runs["cli"].append(_wall([PYTHON, "-c", "import steward.cli.main"])[0])
            took, output = _wall(_anonymize(out, args.suppression))
            runs["command"].append(took)
            found = re.search(r"search (\d+) ms", output)
            if found:
                searches.append(int(found.group(1)) / 1000)
            runs["warm"].append(_warm(out, args.suppression))
    median = {name: statistics.median(values) for name, values in runs.items()}
    search = statistics.median(searches) if searches else float("nan")
    print(f"Adult, 9 quasi-identifiers, k=5, {args.suppression:.0%} suppression; "
          f"medians of {args.repeat} runs")  # fmt: skip
    print(f"  python -c pass                  {median['pass']:6.2f} s")
    print(f"  import steward.cli.main         {median['cli']:6.2f} s")
    print(f"  steward deid anonymize (whole)  {median['command']:6.2f} s")
    print(f"    of which the search           {search:6.2f} s")
    print(f"  the same call, warm process     {median['warm']:6.2f} s")
    print(
        f"the command takes {median['command'] / median['warm']:.1f}x the warm call and "
        f"{median['command'] / search:.1f}x its search; start-up (command - warm) "
        f"{median['command'] - median['warm']:.2f} s"
    )


if __name__ == "__main__":
    main()
