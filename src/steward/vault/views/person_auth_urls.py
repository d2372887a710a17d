"""Signing in to a person's own space with the access code, and signing out (``/me/``)."""

from django.urls import path

from steward.vault.views import person_sign_in

urlpatterns = [
    path("", person_sign_in.sign_in_view, name="sign-in"),
    path("sign-out/", person_sign_in.sign_out_view, name="sign-out"),
]
