"""Staff pages of people's rights (filled in by the module's owner), under ``/staff/rights/``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
