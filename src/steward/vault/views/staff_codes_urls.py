"""Staff pages of access codes (new codes, bursts of wrong codes) (``/staff/rights/codes/``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
