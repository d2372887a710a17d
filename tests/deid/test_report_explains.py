"""The anonymization report explains itself: its date, Steward's version and the input
file's SHA-256; what each level means, with labels of the hierarchy as examples; the
columns that pass through unchanged; how suppression enters the loss; a text
alternative for every chart; landmarks; and the same as PDF."""

from __future__ import annotations

import hashlib
import io
import re
import sys
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from steward import __version__
from steward.cli.main import app
from steward.clock import ManualClock, use_clock
from steward.deid.report.explain import examples, level_meanings
from steward.deid.report.html import render, write
from steward.deid.search.anonymize import Anonymization, Settings, anonymize
from steward.deid.search.hierarchies import from_rows
from steward.deid.search.sources import UsedHierarchy

AGES = from_rows(
    "age", [[str(a), f"{a // 10 * 10}-{a // 10 * 10 + 9}", "*"] for a in range(20, 60)]
)
SEX = from_rows("sex", [["F", "*"], ["M", "*"]])
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _with_hierarchies(result: Anonymization) -> Anonymization:
    return replace(
        result,
        hierarchies={
            "age": UsedHierarchy("age", AGES, "built-in", "age bands"),
            "sex": UsedHierarchy("sex", SEX, "file", "ARX file"),
        },
    )


def _generalized() -> tuple[Anonymization, Settings]:
    """Ages generalized to decades, sex kept, nothing suppressed."""
    table = pl.DataFrame(
        {
            "age": [str(20 + (i * 7) % 40) for i in range(200)],
            "sex": ["F" if i % 3 else "M" for i in range(200)],
            "note": [f"secret-{i}" for i in range(200)],
        }
    )
    settings = Settings(("age", "sex"), k=5, max_suppression=0.05)
    return _with_hierarchies(anonymize(table, settings, {"age": AGES, "sex": SEX})), settings


def _suppressing() -> tuple[Anonymization, Settings]:
    """Both quasi-identifiers kept at level 0; three outlying records suppressed."""
    ages = [str(20 + i % 20) for i in range(200)] + ["50", "51", "52"]
    sexes = ["F" if (i // 20) % 2 else "M" for i in range(200)] + ["F", "F", "F"]
    table = pl.DataFrame({"age": ages, "sex": sexes, "illness": ["flu"] * 203})
    settings = Settings(("age", "sex"), k=5, max_suppression=0.05, sensitive="illness", l=1)
    return _with_hierarchies(anonymize(table, settings, {"age": AGES, "sex": SEX})), settings


def test_the_date_version_and_digest_are_stated() -> None:
    result, settings = _generalized()
    page = render(result, settings, "people.csv", input_digest="ab" * 32, generated=WHEN)
    assert "2026-03-01 09:30 UTC" in page
    assert f"Steward {__version__}" in page
    assert "ab" * 32 in page


def test_the_date_comes_from_the_clock_and_the_digest_from_the_file(tmp_path: Path) -> None:
    result, settings = _generalized()
    source = tmp_path / "people.csv"
    source.write_bytes(b"age,sex\n30,F\n")
    report = tmp_path / "report.html"
    with use_clock(ManualClock(datetime(2027, 7, 4, 12, 0, tzinfo=UTC))):
        write(report, result, settings, "people.csv", input_file=source)
    page = report.read_text(encoding="utf-8")
    assert "2027-07-04 12:00 UTC" in page
    assert hashlib.sha256(source.read_bytes()).hexdigest() in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv", "report.html"]


def test_each_level_is_explained_with_labels_of_the_hierarchy() -> None:
    result, settings = _generalized()
    assert result.levels == {"age": 1, "sex": 0}
    page = render(result, settings, "people.csv", generated=WHEN)
    assert re.search(r"age level 1 \(chosen\)</th><td>[^<]*</td><td>20-29, 30-39, 40-49<", page)
    assert "age level 2</th><td>every value replaced by one label</td><td>*<" in page
    assert "sex level 0 (chosen)</th><td>the value as recorded</td><td>-<" in page
    assert "built-in age bands, 3 levels" in page


def test_examples_are_never_recorded_values() -> None:
    """A label that is itself a value, or that stands for one value only, is never an
    example; level 0 has none."""
    mixed = from_rows(
        "postcode",
        [["10115", "101**", "*"], ["10117", "101**", "*"], ["20095", "20095", "*"]],
    )
    assert examples(mixed, 0) == ()
    assert examples(mixed, 1) == ("101**",)
    meanings = level_meanings(mixed, 1)
    assert [m.chosen for m in meanings] == [False, True, False]
    assert (
        meanings[1].meaning == "values grouped into 2 labels, each covering 1 to 2 recorded values"
    )


def test_the_columns_passed_through_unchanged_are_named() -> None:
    result, settings = _generalized()
    page = render(result, settings, "people.csv", generated=WHEN)
    unchanged = page[page.index('id="unchanged"') : page.index('id="suppression"')]
    assert "<li>note</li>" in unchanged
    assert "<li>sex</li>" in unchanged
    assert "<li>age</li>" not in unchanged
    assert "none was suppressed" in unchanged
    assert "secret-" not in page


def test_suppression_is_explained_with_its_figure() -> None:
    result, settings = _suppressing()
    assert result.levels == {"age": 0, "sex": 0}
    assert result.suppressed == 3
    share = 3 / 203
    assert result.attribute_loss["age"] == pytest.approx(share)
    page = render(result, settings, "people.csv", generated=WHEN)
    words = page[page.index('id="suppression"') : page.index('id="sizes"')]
    assert "3 of 203 records (1.48%) were suppressed" in words
    assert f"3 / 203 = {share:.4f}" in words
    assert f"Here those are age, sex: each loss of {share:.4f} comes from suppression" in words
    unchanged = page[page.index('id="unchanged"') : page.index('id="suppression"')]
    assert "<li>illness (the sensitive column)</li>" in unchanged
    assert "except in the suppressed records" in unchanged


def test_without_suppression_the_report_says_it_adds_nothing() -> None:
    result, settings = _generalized()
    page = render(result, settings, "people.csv", generated=WHEN)
    assert "No record was suppressed, so suppression adds nothing to any loss" in page


class _Outline(HTMLParser):
    """Landmarks, headings, and each chart's name and description."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[int] = []
        self.svgs: list[dict[str, str | None]] = []
        self.ids: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "svg":
            self.svgs.append(found)
        if found.get("id"):
            self.ids.append(str(found["id"]))


def test_every_chart_has_a_text_alternative_and_the_page_its_landmarks() -> None:
    result, settings = _suppressing()
    page = render(result, settings, "people.csv", generated=WHEN)
    outline = _Outline()
    outline.feed(page)
    assert outline.lang == "en"
    for landmark in ("header", "nav", "main", "footer", "title"):
        assert outline.tags.count(landmark) == 1, landmark
    assert outline.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False))
    assert len(outline.svgs) == 3
    for svg in outline.svgs:
        assert svg["role"] == "img"
        assert svg["aria-labelledby"] in outline.ids
        assert svg["aria-describedby"] in outline.ids
    assert len(outline.ids) == len(set(outline.ids)), "an id is used twice"
    assert page.count("<figcaption") == 3
    assert "Highest risk: 1.000 before" in page
    sizes = page[page.index('id="figure-sizes-data"') :]
    assert '<th scope="row">1</th><td class="n">3</td>' in sizes


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_report_as_pdf(tmp_path: Path) -> None:
    result, settings = _suppressing()
    source = tmp_path / "people.csv"
    source.write_text("age,sex\n")
    report = tmp_path / "report.pdf"
    write(report, result, settings, "people.csv", input_file=source, generated=WHEN)
    text = pdf_text(report)
    for expected in (
        "Anonymization report: people.csv",
        "How suppression enters the loss",
        "3 of 203 records (1.48%) were suppressed",
        "2026-03-01 09:30 UTC",
        hashlib.sha256(b"age,sex\n").hexdigest(),
        f"Steward version {__version__}",
        "age level 2",
        "The figures of this chart",
    ):
        assert expected in text


def test_a_report_that_cannot_be_laid_out_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from steward.deid import DeidError

    result, settings = _generalized()
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(DeidError, match="cannot write the report: cannot write PDF"):
        write(tmp_path / "report.pdf", result, settings, "people.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def data(tmp_path: Path) -> Path:
    rows = ["age;sex;illness"]
    for i in range(300):
        rows.append(f"{20 + (i * 7) % 40};{'F' if i % 3 else 'M'};{['flu', 'cold', 'none'][i % 3]}")
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    ages = [f"{a};{a // 10 * 10}-{a // 10 * 10 + 9};*" for a in range(20, 60)]
    (tmp_path / "age.csv").write_text("\n".join(ages) + "\n")
    (tmp_path / "sex.csv").write_text("F;*\nM;*\n")
    return tmp_path


def test_the_command_writes_a_pdf_report_by_its_suffix(data: Path) -> None:
    report = data / "report.pdf"
    result = CliRunner().invoke(
        app,
        [
            *("deid", "anonymize", str(data / "people.csv"), "--qi", "age,sex", "--k", "5"),
            *("--out", str(data / "out.csv"), "--report", str(report)),
        ],
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(report)
    assert hashlib.sha256((data / "people.csv").read_bytes()).hexdigest() in text
    assert "illness" in text  # passed through unchanged
    assert "age level 1" in text


def test_a_report_of_another_kind_is_refused_before_any_work(data: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            *("deid", "anonymize", str(data / "people.csv"), "--qi", "age,sex"),
            *("--out", str(data / "out.csv"), "--report", str(data / "report.docx")),
        ],
    )
    assert result.exit_code == 2
    assert "write the report as .html or .pdf" in result.output
    assert "Traceback" not in result.output
    assert not (data / "out.csv").exists()
