"""The public intake pages as shown: the list of forms, the notices, the forms generated
from the plan, and what every page must carry (labels, lang, one h1, CSP, no outside
resources). The helpers here are shared with ``test_intake_submit``."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from steward.policy import load_plan_text
from steward.vault.models import AccessCode, FieldValue, Record, SealedSubmission, Subject
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import CITY, make_vault

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


FORM = "/intake/service_request/"
GOOD = {
    "full_name": "Ana Lima",
    "email": "ana.lima@example.org",
    "street_address": "12 Elm Street",
    "district": "North",
    "request_type": "pothole",
    "details": "Deep pothole outside number 12",
}


class Page(HTMLParser):
    """The parts of a page the checks read: controls, labels, ids, headings, fieldsets."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.ids: set[str] = set()
        self.h1 = 0
        self.lang: str | None = None
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.fieldset_of: dict[str, str] = {}
        self._fieldsets: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "h1":
            self.h1 += 1
        if tag == "fieldset":
            self._fieldsets.append(str(found.get("class") or ""))
        if tag == "label" and found.get("for"):
            self.labels.add(str(found["for"]))
        if tag in {"input", "select", "textarea"} and found.get("type") not in {"hidden", "submit"}:
            self.controls.append(found)
            if found.get("name") and self._fieldsets:
                self.fieldset_of.setdefault(str(found["name"]), self._fieldsets[0])

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()

    def names(self) -> set[str]:
        """Names of the page's form controls."""
        return {str(c["name"]) for c in self.controls if c.get("name")}


def check_accessible(response: Response) -> Page:
    """Assert the basics every page owes: a language, one h1, a label for every
    control, ``aria-describedby`` pointing at real elements, and the CSP header."""
    page = Page(response.content.decode())
    assert page.lang, "the page must declare its language"
    assert page.h1 == 1, "a page has exactly one h1"
    for control in page.controls:
        assert control.get("id") in page.labels, f"no label for {control}"
        for ref in str(control.get("aria-describedby") or "").split():
            assert ref in page.ids, f"aria-describedby points at a missing #{ref}"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    for tag, attrs in page.tags:
        for attr in ("src", "href"):
            value = str(attrs.get(attr) or "")
            if tag in {"script", "img", "link", "iframe"}:
                assert not value.startswith(("http:", "https:", "//")), "external resource"
    assert not any(tag == "script" for tag, _ in page.tags)
    return page


def no_store(response: Response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def nothing_stored() -> bool:
    return not (
        Subject.objects.exists()
        or Record.objects.exists()
        or FieldValue.objects.exists()
        or SealedSubmission.objects.exists()
        or AccessCode.objects.exists()
    )


# --- the list of forms and the notice -------------------------------------------------


def test_the_home_page_lists_every_intake_form_with_its_description(
    client: Client, help_desk: tuple[Vault, object]
) -> None:
    vault, _ = help_desk
    response = client.get("/")
    assert response.status_code == 200
    check_accessible(response)
    html = response.content.decode()
    for dataset in vault.plan.datasets:
        if dataset.kind.value == "intake_form":
            assert f'href="/intake/{dataset.id}/"' in html
            assert f'href="/notice/{dataset.id}/"' in html
            assert str(dataset.description) in html.replace("&#x27;", "'")
        else:
            assert f"/intake/{dataset.id}/" not in html


def test_the_full_notice_is_the_plans_notice_inside_the_site(
    client: Client, city_vault: Vault
) -> None:
    response = client.get("/notice/service_request/")
    assert response.status_code == 200
    check_accessible(response)
    html = response.content.decode()
    assert "Privacy notice: Service request" in html
    for heading in ("Who we are", "What you must tell us", "How long we keep it", "Your rights"):
        assert heading in html
    assert "Immigration or citizenship status" in html
    assert "City of Riverton, Office of Constituent Services" in html  # the site header


def test_plan_text_in_the_notice_is_escaped(client: Client, db: None, tmp_path: Path) -> None:
    text = CITY.read_text().replace(
        "description: Tell us about a problem in your street or ask the city for help.",
        'description: "<script>alert(1)</script> <img src=https://evil.example/x>"',
    )
    vault, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(dataclasses.replace(vault, loaded=load_plan_text(text, source="hostile.yaml")))
    try:
        for url in ("/notice/service_request/", FORM, "/"):
            response = client.get(url)
            assert response.status_code == 200
            html = response.content.decode()
            assert "<script>" not in html
            assert "<img" not in html
            assert "&lt;script&gt;" in html
    finally:
        use_vault(None)


@pytest.mark.parametrize("url", ["/intake/no_such_form/", "/notice/no_such_form/"])
def test_an_unknown_dataset_gets_a_404_page(client: Client, city_vault: Vault, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    check_accessible(response)
    assert "could not find that page" in response.content.decode()


@pytest.mark.parametrize("url", ["/intake/donation/", "/notice/donation/"])
def test_a_table_dataset_has_no_public_form(
    client: Client, help_desk: tuple[Vault, object], url: str
) -> None:
    assert client.get(url).status_code == 404
    assert client.post(url, {"amount": "10"}).status_code in {404, 405}
    assert nothing_stored()


def test_other_methods_are_not_allowed(client: Client, city_vault: Vault) -> None:
    assert client.put(FORM).status_code == 405
    assert client.post("/notice/service_request/").status_code == 405


# --- the form -------------------------------------------------------------------------


def test_the_form_shows_every_collected_field_with_its_purposes(
    client: Client, city_vault: Vault
) -> None:
    response = client.get(FORM)
    assert response.status_code == 200
    page = check_accessible(response)
    html = response.content.decode().replace("&#x27;", "'")
    dataset = city_vault.plan.dataset("service_request")
    labels = {p.id: p.label for p in city_vault.plan.purposes}
    for spec in dataset.fields:
        if spec.never:
            continue
        assert spec.name in page.names()
        purpose_line = "Why we ask: " + "; ".join(labels[p] for p in spec.purposes)
        assert purpose_line in html
        expected = "required-fields" if spec.required else "voluntary-fields"
        assert page.fieldset_of[spec.name] == expected, spec.name
    assert "Required: we need these answers" in html
    assert "Voluntary: you may leave these empty" in html
    assert "Please do not include anyone's immigration status" in html  # help text


def test_controls_follow_the_fields_input_kind(client: Client, city_vault: Vault) -> None:
    page = Page(client.get(FORM).content.decode())
    kinds = {str(c["name"]): c for c in page.controls if c.get("name")}
    assert kinds["email"]["type"] == "email"
    assert kinds["phone"]["type"] == "tel"
    assert kinds["full_name"]["type"] == "text"
    html = client.get(FORM).content.decode()
    assert re.search(r'<select id="field-district" name="district"[^>]*>\s*<option value="">', html)
    assert re.search(r'<textarea id="field-details"', html)


def test_never_fields_are_notes_not_inputs(client: Client, city_vault: Vault) -> None:
    page = Page(client.get(FORM).content.decode())
    html = client.get(FORM).content.decode()
    assert "immigration_status" not in page.names()
    assert "We never record: <strong>Immigration or citizenship status</strong> — " in html
    assert "No city service handled here depends on it." in html


def test_opt_ins_are_offered_per_consent_purpose_and_never_ticked(
    client: Client, city_vault: Vault
) -> None:
    page = Page(client.get(FORM).content.decode())
    boxes = [c for c in page.controls if c.get("name") == "opt-in"]
    assert [b["value"] for b in boxes] == ["service_updates"]
    assert all("checked" not in b for b in boxes)
    html = client.get(FORM).content.decode()
    assert "Yes, email me occasional updates about city services in my district." in html


def test_the_short_notice_says_who_why_how_long_and_links_the_full_notice(
    client: Client, city_vault: Vault
) -> None:
    html = client.get(FORM).content.decode().replace("&#x27;", "'")
    assert "This form is run by City of Riverton, Office of Constituent Services." in html
    assert "Dana Ortiz" in html
    assert "Handling the resident's request: kept 1 year after case closure" in html
    assert 'href="/notice/service_request/"' in html


def test_the_city_form_asks_the_age_question(client: Client, city_vault: Vault) -> None:
    page = Page(client.get(FORM).content.decode())
    assert "under-age" in page.names()
    assert "guardian-consent" not in page.names()
    assert "I am under 16" in client.get(FORM).content.decode()


EXTRA_FIELDS = """      - name: has_car
        label: Do you have a car?
        category: operational
        purposes: [service_delivery]
        masking: none
        input: boolean
      - name: noticed_on
        label: When did you notice it?
        category: operational
        purposes: [service_delivery]
        masking: none
        input: date
      - name: people_affected
        label: How many people are affected?
        category: operational
        purposes: [service_delivery]
        masking: none
        input: number
      - name: immigration_status
"""


def test_boolean_date_and_number_fields_get_their_controls(
    client: Client, db: None, tmp_path: Path
) -> None:
    text = CITY.read_text().replace("      - name: immigration_status\n", EXTRA_FIELDS)
    vault, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(dataclasses.replace(vault, loaded=load_plan_text(text, source="kinds.yaml")))
    try:
        response = client.get(FORM)
        page = check_accessible(response)
        controls = [c for c in page.controls if c.get("name") == "has_car"]
        assert [(c["type"], c["value"]) for c in controls] == [("radio", "yes"), ("radio", "no")]
        assert all("checked" not in c for c in controls)
        kinds = {str(c["name"]): c.get("type") for c in page.controls}
        assert kinds["noticed_on"] == "date"
        assert kinds["people_affected"] == "number"
        bad = client.post(FORM, {**GOOD, "has_car": "maybe", "noticed_on": "yesterday"})
        assert bad.status_code == 400
        html = bad.content.decode()
        assert "Answer yes or no" in html
        assert "Write the date as YYYY-MM-DD" in html
        check_accessible(bad)
        good = {**GOOD, "has_car": "no", "noticed_on": "2026-03-01", "people_affected": "4"}
        assert client.post(FORM, good).status_code == 200
        assert Record.objects.count() == 1
    finally:
        use_vault(None)
