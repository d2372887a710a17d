"""Staff pages of aggregate releases and the donor dashboard (``/staff/statistics/``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
