"""Staff pages of de-identified extracts (``/staff/extracts/``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
