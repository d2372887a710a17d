"""The oversight body's staff pages, under ``/staff/oversight/``."""

from django.urls import URLPattern, path

from steward.vault.views import staff_oversight

urlpatterns: list[URLPattern] = [
    path("oversight/", staff_oversight.hub, name="oversight"),
    path(
        "oversight/reviews/<str:review_id>/",
        staff_oversight.review_page,
        name="oversight-review",
    ),
    path(
        "oversight/reviews/<str:review_id>/report.json",
        staff_oversight.review_json,
        name="oversight-review-json",
    ),
    path(
        "oversight/reviews/<str:review_id>/outcome/",
        staff_oversight.outcome,
        name="oversight-outcome",
    ),
]
