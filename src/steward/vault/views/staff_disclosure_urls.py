"""Staff pages of disclosures (``/staff/disclosures/``): open, approve or refuse, deliver."""

from django.urls import URLPattern, path

from steward.vault.views import staff_disclosures

urlpatterns: list[URLPattern] = [
    path("disclosures/", staff_disclosures.disclosure_list, name="disclosures"),
    path("disclosures/new/", staff_disclosures.disclosure_new, name="disclosure-new"),
    path(
        "disclosures/<uuid:disclosure_id>/",
        staff_disclosures.disclosure_page,
        name="disclosure",
    ),
    path(
        "disclosures/<uuid:disclosure_id>/decide/",
        staff_disclosures.disclosure_decide,
        name="disclosure-decide",
    ),
    path(
        "disclosures/<uuid:disclosure_id>/document/",
        staff_disclosures.disclosure_document,
        name="disclosure-document",
    ),
    path(
        "disclosures/<uuid:disclosure_id>/deliver/",
        staff_disclosures.disclosure_deliver,
        name="disclosure-deliver",
    ),
]
