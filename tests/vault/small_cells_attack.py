"""An attacker of released tables: recover each suppressed count's range by linear
programming from what is shown (the cells, the totals, and that a suppressed count is
at least 1), with SciPy. Used by the rule's tests and by the tests of the pages."""

from __future__ import annotations

from typing import Any

from scipy.optimize import linprog

Range = tuple[float, float]


def _solve(names: list[str], equations: list[tuple[dict[str, int], int]]) -> dict[str, Range]:
    """Each unknown's smallest and largest value under ``sum(coef * x) == rhs`` for each
    equation, every unknown at least 1 (``inf`` when nothing bounds it)."""
    if not names:
        return {}
    a_eq = [[coefs.get(name, 0) for name in names] for coefs, _ in equations]
    b_eq = [rhs for _, rhs in equations]
    bounds = [(1, None)] * len(names)
    found: dict[str, Range] = {}
    for index, name in enumerate(names):
        objective = [0.0] * len(names)
        objective[index] = 1.0
        low = linprog(objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds)
        objective[index] = -1.0
        high = linprog(objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds)
        assert low.status == 0, low.message
        top = float("inf") if high.status == 3 else -high.fun
        found[name] = (low.fun, top)
    return found


def _line(
    terms: list[tuple[str, int | None]], total: tuple[str, int | None]
) -> tuple[dict[str, int], int]:
    """The equation ``sum(terms) - total == 0`` with shown values moved to the right."""
    coefs: dict[str, int] = {}
    rhs = 0
    for name, value in terms:
        if value is None:
            coefs[name] = coefs.get(name, 0) + 1
        else:
            rhs -= value
    if total[1] is None:
        coefs[total[0]] = coefs.get(total[0], 0) - 1
    else:
        rhs += total[1]
    return coefs, rhs


def recover(table: dict[str, Any]) -> dict[str, Range]:
    """The range of every suppressed count of a released ``table`` (the JSON shown):
    1-D ``{"counts": {v: n}, "total": n}`` or 2-D ``{"counts": {r: {c: n}},
    "row_totals", "col_totals", "total"}``; names are ``"r"``, ``"r|c"``, ``"row:r"``,
    ``"col:c"`` and ``"total"``."""
    counts = table["counts"]
    equations: list[tuple[dict[str, int], int]] = []
    names: list[str] = []
    if all(not isinstance(v, dict) for v in counts.values()):
        names = [k for k, v in counts.items() if v is None]
        names += ["total"] if table["total"] is None else []
        equations.append(_line(list(counts.items()), ("total", table["total"])))
        return _solve(names, equations)
    rows = list(counts)
    cols = list(table["col_totals"])
    for r in rows:
        names += [f"{r}|{c}" for c in cols if counts[r][c] is None]
        terms = [(f"{r}|{c}", counts[r][c]) for c in cols]
        equations.append(_line(terms, (f"row:{r}", table["row_totals"][r])))
    for c in cols:
        terms = [(f"{r}|{c}", counts[r][c]) for r in rows]
        equations.append(_line(terms, (f"col:{c}", table["col_totals"][c])))
    equations.append(
        _line([(f"row:{r}", table["row_totals"][r]) for r in rows], ("total", table["total"]))
    )
    equations.append(
        _line([(f"col:{c}", table["col_totals"][c]) for c in cols], ("total", table["total"]))
    )
    names += [f"row:{r}" for r in rows if table["row_totals"][r] is None]
    names += [f"col:{c}" for c in cols if table["col_totals"][c] is None]
    names += ["total"] if table["total"] is None else []
    return _solve(names, equations)


def true_values(counts: dict[str, Any]) -> dict[str, int]:
    """The names of :func:`recover` with their true values, from the unsuppressed table
    (1-D ``{v: n}`` or 2-D ``{r: {c: n}}``)."""
    if all(not isinstance(v, dict) for v in counts.values()):
        return {**counts, "total": sum(counts.values())}
    found: dict[str, int] = {}
    cols = sorted({c for row in counts.values() for c in row})
    for r, row in counts.items():
        for c in cols:
            found[f"{r}|{c}"] = row.get(c, 0)
        found[f"row:{r}"] = sum(row.values())
    for c in cols:
        found[f"col:{c}"] = sum(row.get(c, 0) for row in counts.values())
    found["total"] = sum(found[f"row:{r}"] for r in counts)
    return found


def leaks(table: dict[str, Any], truth: dict[str, int], k: int) -> list[str]:
    """The suppressed counts below ``k`` whose recovered range is pinned or narrowed:
    below ``k`` values, or never reaching ``k`` (empty when every small count is safe)."""
    found = []
    for name, (low, high) in recover(table).items():
        if truth[name] < k and (high - low < k - 1 - 1e-6 or high < k - 1e-6):
            found.append(f"{name}={truth[name]} in [{low:g}, {high:g}]")
    return found
