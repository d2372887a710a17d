"""The public statistics page (``/statistics/``): released counts only."""

from django.urls import path

from steward.vault.views import statistics

urlpatterns = [
    path("", statistics.public_page, name="statistics"),
    path("releases.json", statistics.public_json, name="statistics-json"),
    path("<uuid:release_id>.json", statistics.public_release_json, name="statistics-release"),
]
