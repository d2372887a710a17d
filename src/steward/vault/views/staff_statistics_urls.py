"""Staff pages of aggregate releases and the donor dashboard (``/staff/statistics/``)."""

from django.urls import path

from steward.vault.views import staff_statistics

urlpatterns = [
    path("statistics/", staff_statistics.statistics_page, name="statistics"),
    path("statistics/release/", staff_statistics.release_view, name="statistics-release"),
    path(
        "statistics/<uuid:release_id>.json",
        staff_statistics.release_json,
        name="statistics-release-json",
    ),
]
