"""A person's notices of disclosures of their data, and their objections (``/me/notices/``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
