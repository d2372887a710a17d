"""The public transparency report and sharing inventory (``/transparency/``)."""

from django.urls import URLPattern, path

from steward.vault.views import transparency

urlpatterns: list[URLPattern] = [
    path("", transparency.index, name="transparency"),
    path("<str:period>/", transparency.report_page, name="transparency-report"),
    path("<str:period>/report.json", transparency.report_data, name="transparency-json"),
]
