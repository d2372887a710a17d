"""Benchmark: loading and checking a plan, against parsing the same YAML with PyYAML (libyaml).

Run: .venv/bin/python benchmarks/bench_plan_check.py [--repeat N]

Prints the median time of each step and its ratio to ``yaml.load(text, CSafeLoader)`` of the same
text, measured in the same run (machines here are shared and noisy, so only ratios
are comparable between runs).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import yaml
from timing import median_seconds

from steward.policy import load_plan_text
from steward.policy.checks import run_checks

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main() -> None:
    """Measure every example plan and print one line per plan and step."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"{'plan':40} {'step':16} {'median ms':>10} {'x libyaml':>12}")
    for path in sorted(EXAMPLES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        baseline = median_seconds(lambda t=text: yaml.load(t, Loader=_LOADER), args.repeat)
        loaded = load_plan_text(text, source=path.name)
        steps: dict[str, Callable[[], object]] = {
            "load": lambda t=text, n=path.name: load_plan_text(t, source=n),
            "check": lambda lp=loaded: run_checks(lp),
            "load + check": lambda t=text, n=path.name: run_checks(load_plan_text(t, source=n)),
        }
        print(f"{path.name:40} {'libyaml load':16} {baseline * 1000:10.2f} {1.0:12.2f}")
        for name, work in steps.items():
            seconds = median_seconds(work, args.repeat)
            print(f"{path.name:40} {name:16} {seconds * 1000:10.2f} {seconds / baseline:12.2f}")


if __name__ == "__main__":
    main()
