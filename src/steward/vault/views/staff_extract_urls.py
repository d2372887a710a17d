"""Staff pages of de-identified extracts (``/staff/extracts/``)."""

from django.urls import path

from steward.vault.views import staff_extracts

urlpatterns = [
    path("extracts/", staff_extracts.extracts_page, name="extracts"),
    path(
        "extracts/<uuid:extract_id>/download/",
        staff_extracts.download_view,
        name="extract-download",
    ),
]
