"""The generalization written back (``Recoding``) against a per-record recomputation:
each quasi-identifier is its label at the chosen level, and every quasi-identifier of a
record whose generalized class breaks the model reads ``*``. Both ways of finding the
suppressed classes (a number per class, and text when the numbers would overflow) are
checked, and the same table streamed to a file gives the same rows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from polars.testing import assert_frame_equal

from steward.deid import AnonymizeRequest, run_anonymize
from steward.deid.errors import DeidError
from steward.deid.search import recode
from steward.deid.search.anonymize import Anonymization, Settings, anonymize
from steward.deid.search.hierarchies import from_rows
from tests.deid.test_search_flash import Case, cases


def _table(case: Case) -> pl.DataFrame:
    names = [f"q{i}" for i in range(len(case.hierarchies))]
    columns = {name: [row[i] for row in case.rows] for i, name in enumerate(names)}
    return pl.DataFrame(columns | {"s": case.sensitive, "n": list(range(len(case.rows)))})


def _settings(case: Case) -> Settings:
    return Settings(
        qi=tuple(f"q{i}" for i in range(len(case.hierarchies))),
        k=case.k,
        max_suppression=case.suppression,
        sensitive="s" if case.l or case.t else None,
        l=case.l,
        t=case.t,
    )


def _expected(case: Case, result: Anonymization) -> tuple[pl.DataFrame, int]:
    """The output recomputed record by record from the chosen levels, and how many
    records it suppresses."""
    chosen = _settings(case)
    generalize = [{row[0]: row for row in h} for h in case.hierarchies]
    levels = [result.levels[q] for q in chosen.qi]
    labels = [tuple(generalize[q][v][levels[q]] for q, v in enumerate(row)) for row in case.rows]
    sizes = Counter(labels)
    values: dict[tuple[str, ...], set[str]] = {}
    for label, value in zip(labels, case.sensitive, strict=True):
        values.setdefault(label, set()).add(value)
    n = len(case.rows)
    overall = Counter(case.sensitive)

    def fails(label: tuple[str, ...]) -> bool:
        if sizes[label] < case.k or (case.l is not None and len(values[label]) < case.l):
            return True
        if case.t is None:
            return False
        here = Counter(v for lab, v in zip(labels, case.sensitive, strict=True) if lab == label)
        distance = 0.5 * sum(abs(here[v] / sizes[label] - overall[v] / n) for v in overall)
        return distance > case.t + 1e-12

    out = [tuple("*" for _ in label) if fails(label) else label for label in labels]
    table = _table(case).with_columns(
        pl.Series(q, [row[i] for row in out], dtype=pl.String) for i, q in enumerate(chosen.qi)
    )
    return table, sum(fails(label) for label in labels)


def _anonymized(case: Case) -> Anonymization | None:
    table = _table(case)
    coded = {f"q{i}": from_rows(f"q{i}", rows) for i, rows in enumerate(case.hierarchies)}
    try:
        return anonymize(table, _settings(case), coded)
    except DeidError as error:
        if "no generalization" not in str(error):
            raise
        return None


@pytest.mark.parametrize("keys", ["numbers", "text"])
@settings(max_examples=80)
@given(case=cases())
def test_the_output_is_each_record_recoded(keys: str, case: Case) -> None:
    with pytest.MonkeyPatch.context() as patch:
        if keys == "text":  # every class key would "overflow": the text path is taken
            patch.setattr(recode, "KEY_LIMIT", 1)
        result = _anonymized(case)
    if result is None:
        return
    assert result.table is not None
    expected, suppressed = _expected(case, result)
    assert_frame_equal(result.table, expected)
    assert result.suppressed == suppressed
    assert result.records == len(case.rows)


def test_a_streamed_output_holds_the_rows_of_the_table_in_memory(tmp_path: Path) -> None:
    rows = 3_000
    table = pl.DataFrame(
        {
            "age": [str(20 + (i * 7) % 50) for i in range(rows)],
            "zip": [f"021{(i * 13) % 40:02d}" for i in range(rows)],
            "note": [f"n{i}" for i in range(rows)],
        }
    )
    source = tmp_path / "people.parquet"
    table.write_parquet(source)
    out = tmp_path / "out" / "people-k5.parquet"
    request = AnonymizeRequest(source, qi=("age", "zip"), out=out, k=5, max_suppression=0.05)
    streamed = run_anonymize(request)
    held = run_anonymize(AnonymizeRequest(source, qi=("age", "zip"), k=5, max_suppression=0.05))
    assert streamed.table is None
    assert held.table is not None
    assert_frame_equal(pl.read_parquet(out), held.table)
    assert streamed.levels == held.levels
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "age_hierarchy.csv", "people-k5.parquet", "zip_hierarchy.csv"
    ]  # fmt: skip


def test_a_failed_write_leaves_no_partial_output(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("age,zip\n" + "".join(f"{20 + i % 5},0210{i % 3}\n" for i in range(60)))
    out = tmp_path / "out.csv"
    out.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(Exception, match="cannot be written"):
        run_anonymize(AnonymizeRequest(source, qi=("age", "zip"), out=out, k=2))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
