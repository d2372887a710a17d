"""The public transparency report and sharing inventory (``/transparency/``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
