"""Where a recipient fetches an encrypted package (``/deliveries/``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
