"""The public statistics page (``/statistics/``): released counts only."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
