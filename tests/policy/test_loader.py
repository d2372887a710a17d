"""Malformed plans: every problem is reported at its line and column, in plain words.

Each case starts from a small valid plan (``BASE``) and breaks one thing. The loader
must raise :class:`PlanLoadError` (or :class:`PlanUnreadableError` for files it cannot
read) and nothing else: ``pytest.raises`` with those classes fails on any other
exception, so no traceback can escape to a user.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.policy import (
    PlanLoadError,
    PlanUnreadableError,
    Problem,
    load_plan,
    load_plan_text,
)

# Line numbers of BASE, for reading the expectations below:
#  1 steward   5 purposes        10 datasets      14 - name: email
#  3 organization  6 - id: service  11 - id: intake  16 category: contact
#  4   name: X     8 legal_basis    13 fields:       17 purposes: [service]
#                  9 retention
BASE = """\
steward: 1
version: "1"
organization:
  name: X
purposes:
  - id: service
    label: Service
    legal_basis: consent
    retention: {keep: 1y}
datasets:
  - id: intake
    label: Intake
    fields:
      - name: email
        label: Email
        category: contact
        purposes: [service]
"""


def _replace(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def _problems(text: str) -> tuple[Problem, ...]:
    with pytest.raises(PlanLoadError) as caught:
        load_plan_text(text, source="plan.yaml")
    problems = caught.value.problems
    assert problems, "a PlanLoadError always lists at least one problem"
    for problem in problems:
        assert problem.file == "plan.yaml"
        assert "Traceback" not in problem.message
        assert str(problem).startswith(f"plan.yaml:{problem.line}:{problem.column}: ")
    return problems


def test_the_base_plan_is_valid() -> None:
    loaded = load_plan_text(BASE, source="plan.yaml")
    assert loaded.plan.organization.name == "X"


# (id, plan text, line, column or None when the column is not meaningful,
#  fragments the message must contain)
CASES: list[tuple[str, str, int, int | None, tuple[str, ...]]] = [
    (
        "tab indentation",
        _replace("  name: X", "\tname: X"),
        4,
        1,
        ("tab",),
    ),
    (
        "unclosed bracket",
        _replace("purposes: [service]", "purposes: [service"),
        18,
        None,
        ("not valid YAML", "']'"),
    ),
    ("empty file", "", 1, 1, ("empty",)),
    ("only comments", "# a plan will go here\n", 1, 1, ("empty",)),
    ("list instead of mapping", "- steward\n- version\n", 1, 1, ("mapping",)),
    ("plain text instead of mapping", "just some words\n", 1, 1, ("mapping",)),
    ("a document that is only null", "null\n", 1, 1, ("mapping",)),
    ("two documents", BASE + "---\nsteward: 1\n", 19, 1, ("one YAML document",)),
    (
        "duplicate key",
        _replace("  name: X", "  name: X\n  name: Y"),
        5,
        3,
        ("'name'", "twice"),
    ),
    (
        "unknown key with a suggestion",
        _replace("    legal_basis: consent", "    legal_basis: consent\n    retension: 1y"),
        9,
        5,
        ("unknown key 'retension'", "did you mean 'retention'?"),
    ),
    (
        "unknown top-level key lists the allowed keys",
        BASE + "xyzzy: 1\n",
        18,
        1,
        ("unknown key 'xyzzy'", "allowed keys", "organization", "purposes"),
    ),
    (
        "missing required key",
        _replace("organization:\n  name: X\n", ""),
        1,
        1,
        ("missing required key 'organization'",),
    ),
    (
        "wrong enum value",
        _replace("legal_basis: consent", "legal_basis: concent"),
        8,
        18,
        ("'consent'", "'public_task'", "'concent'"),
    ),
    (
        "bad duration",
        _replace("keep: 1y", "keep: 2 years"),
        9,
        23,
        ("'2 years' is not a duration", "30d or 2y"),
    ),
    (
        "identifier with capitals",
        _replace("  - id: service\n", "  - id: Service\n"),
        6,
        9,
        ("'Service'",),
    ),
    (
        "unknown purpose reference",
        _replace("purposes: [service]", "purposes: [servise]"),
        17,
        20,
        ("unknown purpose 'servise'", "did you mean 'service'?"),
    ),
    (
        "unknown category",
        _replace("category: contact", "category: contacts"),
        16,
        19,
        ("unknown category 'contacts'", "did you mean 'contact'?"),
    ),
    (
        "duplicate purpose id",
        _replace("datasets:", "  - id: service\n    label: Again\ndatasets:"),
        10,
        9,
        ("purpose 'service' is declared twice",),
    ),
    (
        "bad jurisdiction code",
        _replace("  name: X\n", "  name: X\n  jurisdictions: [usa]\n"),
        5,
        19,
        ("'usa'",),
    ),
    (
        "negative people count",
        BASE + "questionnaire:\n  people: -5\n",
        19,
        11,
        ("greater than or equal to 0", "-5"),
    ),
    (
        "unsupported plan format version",
        _replace("steward: 1", "steward: 2"),
        1,
        10,
        ("1",),
    ),
    (
        "mapping key that is not text",
        BASE + "? [a, b]\n: 1\n",
        18,
        3,
        ("key must be plain text",),
    ),
    (
        "python object tag is not constructed",
        BASE + "x: !!python/object:os.system ls\n",
        18,
        4,
        ("could not determine a constructor",),
    ),
    (
        "billion laughs alias bomb",
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
            for prev, name in zip("abcdefg", "bcdefgh", strict=True)
        ),
        1,
        1,
        ("remove repeated aliases",),
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragments"),
    [pytest.param(text, line, column, frags, id=name) for name, text, line, column, frags in CASES],
)
def test_malformed_plan_is_located(
    text: str, line: int, column: int | None, fragments: tuple[str, ...]
) -> None:
    problems = _problems(text)
    first = problems[0]
    assert first.line == line, str(first)
    if column is not None:
        assert first.column == column, str(first)
    for fragment in fragments:
        assert fragment in first.message, str(first)


def test_at_least_fifteen_malformed_plans() -> None:
    assert len(CASES) >= 15


def test_every_problem_in_one_file_is_reported() -> None:
    text = (
        _replace("legal_basis: consent", "legal_basis: concent")
        .replace("keep: 1y", "keep: 2 years")
        .replace("  name: X\n", "  name: X\n  jurisdictions: [usa]\n")
    )
    problems = _problems(text)
    where = [(p.line, p.column, p.path) for p in problems]
    assert where == [
        (5, 19, "organization.jurisdictions[0]"),
        (9, 18, "purposes[0].legal_basis"),
        (10, 23, "purposes[0].retention.keep"),
    ]


def test_every_dangling_reference_is_reported() -> None:
    text = _replace("purposes: [service]", "purposes: [servise, other]").replace(
        "category: contact", "category: contacts"
    )
    problems = _problems(text)
    assert [(p.line, p.column) for p in problems] == [(16, 19), (17, 20), (17, 29)]
    assert "unknown purpose 'other'; declare the purpose first" in problems[2].message


def test_problem_paths_name_the_value() -> None:
    problems = _problems(_replace("category: contact", "category: contacts"))
    assert problems[0].path == "datasets[0].fields[0].category"
    assert str(problems[0]) == (
        "plan.yaml:16:19: datasets[0].fields[0].category: "
        "unknown category 'contacts'; did you mean 'contact'?"
    )


def test_error_summary_counts_problems() -> None:
    with pytest.raises(PlanLoadError) as caught:
        load_plan_text(_replace("keep: 1y", "keep: forever"), source="plan.yaml")
    assert str(caught.value).startswith("the plan has 1 problem:\nplan.yaml:9:23:")


# ------------------------------------------------------------------ files that cannot be read


def test_non_utf8_bytes_are_unreadable_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(BASE.encode() + b"notes: caf\xe9\n")
    with pytest.raises(PlanUnreadableError) as caught:
        load_plan(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:18:")
    assert "not UTF-8" in message


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(PlanUnreadableError, match="no such file"):
        load_plan(path)


def test_directory_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(PlanUnreadableError, match="is a folder"):
        load_plan(tmp_path)


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(_replace("category: contact", "category: contacts"), encoding="utf-8")
    with pytest.raises(PlanLoadError) as caught:
        load_plan(path)
    assert caught.value.problems[0].file == str(path)
    assert (caught.value.problems[0].line, caught.value.problems[0].column) == (16, 19)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_plan(path).plan.organization.name == "X"


def test_valid_file_has_a_digest_and_positions(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(BASE, encoding="utf-8")
    loaded = load_plan(path)
    assert len(loaded.digest) == 64
    where = loaded.locate(("datasets", 0, "fields", 0, "category"))
    assert (where.line, where.column) == (16, 19)
    # A location the file does not spell out falls back to its nearest parent.
    parent = loaded.locate(("datasets", 0, "fields", 0, "masking"))
    assert (parent.line, parent.column) == (14, 9)


def test_the_plan_in_the_user_guide_loads() -> None:
    guide = Path(__file__).parents[2] / "docs" / "plan-format.md"
    text = guide.read_text(encoding="utf-8")
    start = text.index("```yaml\nsteward: 1\n") + len("```yaml\n")
    plan = text[start : text.index("```", start)]
    assert load_plan_text(plan, source="plan-format.md").plan.organization.kind.value == "help_desk"
