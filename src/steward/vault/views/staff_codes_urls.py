"""Staff pages of access codes (new codes, bursts of wrong codes) (``/staff/rights/codes/``)."""

from django.urls import path

from steward.vault.views import staff_codes

urlpatterns = [
    path("rights/codes/", staff_codes.codes_page, name="codes"),
    path("rights/codes/reissue/", staff_codes.reissue_view, name="codes-reissue"),
]
