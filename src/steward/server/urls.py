"""URL map of the vault: public intake, staff pages, a person's own space, the HTTP API and
the process's health check."""

from django.urls import include, path

from steward.server.health import healthz
from steward.vault.api import api

urlpatterns = [
    path("", include("steward.vault.views.intake_urls")),
    path("staff/", include("steward.vault.views.staff_urls")),
    path("me/", include("steward.vault.views.person_urls")),
    path("deliveries/", include("steward.vault.views.delivery_urls")),
    path("statistics/", include("steward.vault.views.statistics_urls")),
    path("transparency/", include("steward.vault.views.transparency_urls")),
    path("security/", include("steward.vault.views.security_urls")),
    path("alerts/", include("steward.vault.views.alerts_urls")),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
]

handler500 = "steward.server.errors.server_error"
