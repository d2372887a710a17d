"""Every example plan produces the full, self-contained, accessible set of documents."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from steward.policy import LoadedPlan, load_plan_text
from steward.policy.classification import classify
from steward.policy.documents import write_documents
from steward.policy.documents.render import escape_markdown

PLAN_WIDE = ["management-plan", "impact-assessment", "sharing-policy", "record-of-processing"]


def expected_names(loaded: LoadedPlan) -> set[str]:
    processor = ["processor-record"] if loaded.plan.organization.role.processes_for_others else []
    stems = PLAN_WIDE + processor + [f"privacy-notice-{d.id}" for d in loaded.plan.datasets]
    stems.append("index")
    return {f"{stem}.{ext}" for stem in stems for ext in ("md", "html")}


def in_html(value: str) -> str:
    return html.escape(" ".join(value.split()), quote=False)


def in_md(value: str) -> str:
    return escape_markdown(value)


class Outline(HTMLParser):
    """Collects what the accessibility checks need from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.th_without_scope = 0
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "th" and "scope" not in dict(attrs):
            self.th_without_scope += 1


def test_writes_every_document(example: LoadedPlan, tmp_path: Path) -> None:
    written = write_documents(example, tmp_path / "docs")
    names = {p.name for p in written}
    assert names == expected_names(example)
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert written[-1].name == "index.html"
    assert not list((tmp_path / "docs").glob(".*.tmp"))


def test_html_is_self_contained_and_accessible(example: LoadedPlan, tmp_path: Path) -> None:
    for path in write_documents(example, tmp_path):
        if path.suffix == ".html":
            assert_self_contained_and_accessible(path)


def test_minimal_plan_still_gets_every_document(tmp_path: Path) -> None:
    loaded = load_plan_text('steward: 1\nversion: "1"\norganization:\n  name: Tiny\n')
    written = write_documents(loaded, tmp_path)
    assert {p.name for p in written} == expected_names(loaded)
    for path in written:
        if path.suffix == ".html":
            assert_self_contained_and_accessible(path)
    policy = (tmp_path / "sharing-policy.md").read_text(encoding="utf-8")
    assert "We do not disclose data about a person to anyone." in policy


def assert_self_contained_and_accessible(path: Path) -> None:
    """The page carries no script or external resource and passes basic a11y checks."""
    page = path.read_text(encoding="utf-8")
    lowered = page.lower()
    assert "<script" not in lowered, path.name
    assert 'src="http' not in lowered, path.name
    assert "src='http" not in lowered, path.name
    assert "<link" not in lowered, path.name
    assert "@import" not in lowered, path.name
    assert "url(" not in lowered, path.name
    assert "<style>" in page
    assert "@media print" in page
    outline = Outline()
    outline.feed(page)
    assert outline.lang == "en"
    assert outline.headings.count(1) == 1, path.name
    assert outline.headings[0] == 1, path.name
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        assert after <= before + 1, f"{path.name}: h{before} followed by h{after}"
    assert outline.th_without_scope == 0, path.name


def test_documents_state_the_plan(example: LoadedPlan, tmp_path: Path) -> None:
    plan = example.plan
    write_documents(example, tmp_path)
    tier = classify(plan).tier.label
    for suffix, shown in ((".html", in_html), (".md", in_md)):
        read = {p.stem: p.read_text(encoding="utf-8") for p in tmp_path.glob(f"*{suffix}")}
        for text in read.values():
            assert shown(plan.organization.name) in text
        for stem in ("management-plan", "impact-assessment"):
            assert tier in read[stem]
        for purpose in plan.purposes:
            assert shown(purpose.label) in read["management-plan"]
            assert shown(purpose.label) in read["record-of-processing"]
            if purpose.retention is not None:
                assert shown(purpose.retention.describe()) in read["management-plan"]
        for dataset in plan.datasets:
            notice = read[f"privacy-notice-{dataset.id}"]
            for spec in dataset.fields:
                assert shown(spec.label) in notice, spec.name
            for purpose in plan.purposes:
                if any(purpose.id in s.purposes for s in dataset.collected_fields):
                    if purpose.retention is not None:
                        assert shown(purpose.retention.describe()) in notice
                    if purpose.consent_text:
                        assert shown(purpose.consent_text) in notice
        assert example.digest in read["index"]
        assert shown(plan.version) in read["index"]
        for recipient in plan.recipients:
            assert shown(recipient.name) in read["sharing-policy"]


def test_management_plan_has_sign_off_and_acknowledgement(
    example: LoadedPlan, tmp_path: Path
) -> None:
    write_documents(example, tmp_path)
    text = (tmp_path / "management-plan.md").read_text(encoding="utf-8")
    assert "## Sign-off" in text
    if example.plan.governance.team_acknowledgement:
        assert "## Team acknowledgement" in text
        assert text.count("| | | | |") >= 10


def test_city_notice_names_the_never_recorded_question(city: LoadedPlan, tmp_path: Path) -> None:
    write_documents(city, tmp_path)
    notice = (tmp_path / "privacy-notice-service_request.html").read_text(encoding="utf-8")
    assert "Questions whose answers we never record" in notice
    assert "Immigration or citizenship status" in notice
    assert "never written down" in notice
    assert "Yes, email me occasional updates about city services in my district." in notice
    assert "until consent withdrawal, then deleted" in notice
    assert "30 days" in notice
    assert "California Privacy Protection Agency" in notice
    required = notice.index("What you must tell us")
    voluntary = notice.index("What you may choose to tell us")
    assert required < notice.index("Your name") < voluntary < notice.index("Email address")


def test_city_sharing_policy_rules(city: LoadedPlan, tmp_path: Path) -> None:
    write_documents(city, tmp_path)
    policy = (tmp_path / "sharing-policy.md").read_text(encoding="utf-8")
    for words in (
        "a court order",
        "a judicial warrant",
        "Staff discretion is never enough",
        "never the person who asked",
        "7 days",
        "transparency report",
        "counts only, with small groups suppressed",
    ):
        assert words in policy, words


def test_city_access_matrix_follows_decide(city: LoadedPlan, tmp_path: Path) -> None:
    write_documents(city, tmp_path)
    plan_md = (tmp_path / "management-plan.md").read_text(encoding="utf-8")
    analyst = plan_md[plan_md.index("### Volunteer analyst") :]
    assert "| Your name | no | no | no | no |" in analyst
    assert "| Your age group | yes | no | no | no |" in analyst


def test_output_is_deterministic(city: LoadedPlan, tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in write_documents(city, tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in write_documents(city, tmp_path / "b")}
    assert first == second
