"""Pages of a person's own data, under ``/me/`` (app ``me``): the page, the copies,
corrections and asking for the fields the page does not show."""

from django.urls import URLPattern, path

from steward.vault.views import person_data

urlpatterns: list[URLPattern] = [
    path("data/", person_data.data, name="data"),
    path("copy.json", person_data.copy_json, name="copy-json"),
    path("copy.csv", person_data.copy_csv, name="copy-csv"),
    path("correct/", person_data.correct_field, name="correct"),
    path("ask/", person_data.ask, name="ask"),
]
