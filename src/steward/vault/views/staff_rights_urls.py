"""Staff pages of people's rights, under ``/staff/rights/``: the queue of requests, one
request, and its decision."""

from django.urls import URLPattern, path

from steward.vault.views import staff_rights

urlpatterns: list[URLPattern] = [
    path("rights/", staff_rights.rights_list, name="rights"),
    path("rights/<int:request_id>/", staff_rights.rights_request, name="rights-request"),
    path("rights/<int:request_id>/decide/", staff_rights.rights_decide, name="rights-decide"),
]
