"""The public community alerts, under ``/alerts/``."""

from django.urls import URLPattern, path

from steward.vault.views import alerts

urlpatterns: list[URLPattern] = [
    path("", alerts.alert_list, name="alerts"),
    path("feed.xml", alerts.alert_feed, name="alert-feed"),
    path("<uuid:alert_id>/", alerts.alert_one, name="public-alert"),
]
