"""A person's own space, mounted at ``/me/``: signing in with the access code, seeing
and taking a copy of their data, correcting it, their choices (consents) and erasure."""

from steward.vault.views import (
    person_auth_urls,
    person_choice_urls,
    person_data_urls,
    person_notice_urls,
)

app_name = "me"

urlpatterns = [
    *person_auth_urls.urlpatterns,
    *person_data_urls.urlpatterns,
    *person_choice_urls.urlpatterns,
    *person_notice_urls.urlpatterns,
]
