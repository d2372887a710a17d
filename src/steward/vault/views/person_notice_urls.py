"""A person's notices of disclosures of their data, and their objections (``/me/notices/``)."""

from django.urls import URLPattern, path

from steward.vault.views import person_notices

urlpatterns: list[URLPattern] = [
    path("notices/", person_notices.notices, name="notices"),
    path("notices/<int:notice_id>/object/", person_notices.object_notice, name="object"),
]
