"""ARX hierarchy files: every benchmark file in the shared data reads as ARX reads it, the
text rules (quotes, blank lines, trailing separators, encodings, missing values), the
written form reads back exactly, and a bad file is named with its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.deid.arx_csv import format_row, parse, sniff_delimiter
from steward.deid.errors import DeidError
from steward.deid.io import collect, read_table
from steward.deid.search.hierarchies import MISSING, CodedHierarchy, from_rows, read_hierarchy
from tests.deid.paths import ADULT_DIR

SHARED_DATA = ADULT_DIR.parent
BENCHMARK_FILES = sorted(SHARED_DATA.glob("*/*_hierarchy_*.csv")) if SHARED_DATA.is_dir() else []


def _naive_arx_rows(path: Path) -> list[list[str]]:
    """What ARX's reader gives for these plain files: ``;``-split, trimmed, no blank lines."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [[cell.strip() for cell in line.split(";")] for line in lines if line.strip()]


@pytest.mark.skipif(not BENCHMARK_FILES, reason="shared benchmark data not available")
def test_the_benchmark_hierarchy_files_are_present() -> None:
    assert len(BENCHMARK_FILES) >= 9


@pytest.mark.parametrize("path", BENCHMARK_FILES, ids=lambda p: p.name)
def test_every_benchmark_hierarchy_reads_as_arx_reads_it(path: Path, tmp_path: Path) -> None:
    hierarchy = read_hierarchy(path)
    assert hierarchy.rows() == _naive_arx_rows(path)
    assert hierarchy.height >= 2
    assert set(hierarchy.labels[-1]) == {"*"}
    copy = tmp_path / "copy.csv"
    copy.write_text("".join(format_row(row) + "\n" for row in hierarchy.rows()))
    assert _same(read_hierarchy(copy, hierarchy.name), hierarchy)


@pytest.mark.parametrize("path", BENCHMARK_FILES, ids=lambda p: p.name)
def test_every_benchmark_hierarchy_covers_its_column(path: Path) -> None:
    dataset, column = path.name.split("_hierarchy_")
    data = path.parent / f"{dataset}.csv"
    if not data.is_file():
        pytest.skip(f"no {data.name} beside the hierarchy")
    values = collect(read_table(data).select(column[: -len(".csv")]), data).to_series()
    leaves = set(read_hierarchy(path).leaves)
    assert set(values.fill_null(MISSING).unique().to_list()) <= leaves


def _same(a: CodedHierarchy, b: CodedHierarchy) -> bool:
    return (
        a.leaves == b.leaves
        and a.labels == b.labels
        and all((x == y).all() for x, y in zip(a.maps, b.maps, strict=True))
    )


@pytest.mark.parametrize(
    ("raw", "rows"),
    [
        (b"a;x;*\nb;x;*\n", [["a", "x", "*"], ["b", "x", "*"]]),
        (b"a;x;*\nb;x;*", [["a", "x", "*"], ["b", "x", "*"]]),
        (b"a;x;*;\nb;x;*;\n", [["a", "x", "*"], ["b", "x", "*"]]),
        (b"a;x;*\r\nb;x;*\r\n", [["a", "x", "*"], ["b", "x", "*"]]),
        (b"\xef\xbb\xbfa;*\nb;*\n", [["a", "*"], ["b", "*"]]),
        ("Côte;*\nÎle;*\n".encode("latin-1"), [["Côte", "*"], ["Île", "*"]]),
        ("Côte;*\nÎle;*\n".encode("utf-16"), [["Côte", "*"], ["Île", "*"]]),
        (b"\n a ; x ;*\n\n  \nb;x;*\n\n", [["a", "x", "*"], ["b", "x", "*"]]),
        (b'"a;1";x;*\n" b ";"x";*\n"say ""hi""";y;*\n',
         [["a;1", "x", "*"], [" b ", "x", "*"], ['say "hi"', "y", "*"]]),
        (b"?;?;*\n;;*\nMale;person;*\n", [["?", "?", "*"], ["", "", "*"], ["Male", "person", "*"]]),
        (b"1,low,*\n2,low,*\n", [["1", "low", "*"], ["2", "low", "*"]]),
        (b"1\tlow\t*\n", [["1", "low", "*"]]),
    ],
    ids=[
        "plain", "no-final-newline", "trailing-separators", "crlf", "utf8-bom", "latin-1",
        "utf-16", "blanks-and-spaces", "quotes", "missing-values", "commas", "tabs",
    ],
)  # fmt: skip
def test_text_rules(tmp_path: Path, raw: bytes, rows: list[list[str]]) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(raw)
    assert read_hierarchy(path).rows() == rows


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a;x;*\nb;*\n", ":2:", "different lengths"),
        ("a;x;*\n\nb;x;*\na;y;*\n", ":4:", "listed twice"),
        ("a;x;*\nb;x;*\nc;x;+\n", ":3:", "tree"),
        ('a;x;*\n"b;x;*\n', ":2:", "never closed"),
        ('a;x;*\n"b"c;x;*\n', ":2:", "follows a closing quote"),
        ("\n\n", "", "no rows"),
    ],
)
def test_a_bad_file_is_named_with_its_line(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DeidError) as raised:
        read_hierarchy(path)
    assert f"{path}{where}" in str(raised.value)
    assert message in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DeidError, match="no such file"):
        read_hierarchy(tmp_path / "nope.csv")


def test_rows_without_lines_are_named_by_position() -> None:
    with pytest.raises(DeidError, match=r"\(row 2\)"):
        from_rows("x", [["a", "*"], ["b"]])


cells = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=8))
def test_written_rows_read_back_exactly(rows: list[list[str]]) -> None:
    text = "".join(format_row(row) + "\n" for row in rows)
    parsed = [record.cells for record in parse(text, ";", "h.csv")]
    assert parsed == rows


unquoted_cells = st.text(
    alphabet=st.sampled_from(["a", "b", "é", " ", "\t", "\x01", "*"]), max_size=3
)
endings = st.sampled_from(["\n", "\r\n", "\r"])


def _line_by_line(path: Path) -> CodedHierarchy:
    """The reading of ``path`` a line at a time, with the text parser's records."""
    text = path.read_bytes().decode()
    records = parse(text, sniff_delimiter(text), str(path))
    if records and all(r.trailing_empty for r in records):
        records = [r._replace(cells=r.cells[:-1]) for r in records]
    return from_rows(path.stem, [r.cells for r in records], str(path), [r.line for r in records])


def _outcome(read: Callable[[], CodedHierarchy]) -> CodedHierarchy | str:
    """The hierarchy read, or the message of the error that refused it."""
    try:
        return read()
    except DeidError as error:
        return str(error)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(unquoted_cells, min_size=1, max_size=4), endings),
        min_size=1,
        max_size=8,
    )
)
def test_a_file_without_quotes_reads_as_the_line_by_line_parser_reads_it(
    tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[list[str], str]]
) -> None:
    """Files without quotes are split a column at a time; the result, or the error and
    the line it names, is the text parser's."""
    path = tmp_path_factory.mktemp("h") / "h.csv"
    path.write_bytes("".join(";".join(cells) + end for cells, end in lines).encode())
    fast = _outcome(lambda: read_hierarchy(path))
    slow = _outcome(lambda: _line_by_line(path))
    if isinstance(fast, CodedHierarchy) and isinstance(slow, CodedHierarchy):
        assert _same(fast, slow)
        assert [c.tolist() for c in fast.leaf_counts] == [c.tolist() for c in slow.leaf_counts]
    else:
        assert fast == slow
