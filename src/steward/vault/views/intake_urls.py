"""Public intake pages, mounted at the site root: the form list, forms and notices."""

from django.urls import path

from steward.vault.views import intake

urlpatterns = [
    path("", intake.index, name="intake-index"),
    path("intake/<slug:dataset>/", intake.intake_form, name="intake-form"),
    path("notice/<slug:dataset>/", intake.notice, name="intake-notice"),
]
