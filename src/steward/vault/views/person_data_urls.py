"""Pages of a person's own space (filled in by the module's owner)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
