"""Staff pages of community alerts, under ``/staff/alerts/``."""

from django.urls import URLPattern, path

from steward.vault.views import staff_alerts

urlpatterns: list[URLPattern] = [
    path("alerts/", staff_alerts.alerts_page, name="alerts"),
    path("alerts/<uuid:alert_id>/", staff_alerts.alert_page, name="alert"),
    path("alerts/<uuid:alert_id>/edit/", staff_alerts.alert_edit, name="alert-edit"),
    path("alerts/<uuid:alert_id>/decide/", staff_alerts.alert_decide, name="alert-decide"),
    path(
        "incidents/<uuid:incident_id>/alert/",
        staff_alerts.alert_from_incident,
        name="alert-from-incident",
    ),
]
