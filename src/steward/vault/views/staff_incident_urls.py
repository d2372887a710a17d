"""Staff pages of incidents (``/staff/incidents/``) and vulnerability reports
(``/staff/vulnerabilities/``)."""

from django.urls import URLPattern, path

from steward.vault.views import staff_incidents as i
from steward.vault.views import staff_vulnerabilities as v

urlpatterns: list[URLPattern] = [
    path("incidents/", i.incident_list, name="incidents"),
    path("incidents/new/", i.incident_new, name="incident-new"),
    path("incidents/<uuid:incident_id>/", i.incident_page, name="incident"),
    path("incidents/<uuid:incident_id>/update/", i.incident_update, name="incident-update"),
    path("incidents/<uuid:incident_id>/step/", i.incident_step, name="incident-step"),
    path("incidents/<uuid:incident_id>/note/", i.incident_note, name="incident-note"),
    path("incidents/<uuid:incident_id>/notice/", i.incident_notice, name="incident-notice"),
    path("incidents/<uuid:incident_id>/state/", i.incident_state, name="incident-state"),
    path("vulnerabilities/", v.report_list, name="vulnerabilities"),
    path("vulnerabilities/<uuid:report_id>/", v.report_page, name="vulnerability"),
    path("vulnerabilities/<uuid:report_id>/clock/", v.report_clock, name="vulnerability-clock"),
    path("vulnerabilities/<uuid:report_id>/change/", v.report_change, name="vulnerability-change"),
    path(
        "vulnerabilities/<uuid:report_id>/disclose/",
        v.report_disclose,
        name="vulnerability-disclose",
    ),
]
