"""The public vulnerability-report form (``/security/``)."""

from django.urls import URLPattern, path

from steward.vault.views import security_report

urlpatterns: list[URLPattern] = [
    path("report/", security_report.report_form, name="security-report"),
]
