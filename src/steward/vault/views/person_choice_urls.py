"""Pages of a person's own choices: their consents (withdraw, agree later) and erasure."""

from django.urls import URLPattern, path

from steward.vault.views import person_choices

urlpatterns: list[URLPattern] = [
    path("choices/", person_choices.choices, name="choices"),
    path("choices/withdraw/", person_choices.withdraw, name="withdraw"),
    path("choices/give/", person_choices.give, name="give"),
    path("erase/", person_choices.erase, name="erase"),
]
