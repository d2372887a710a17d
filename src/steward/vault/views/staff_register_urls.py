"""The egress register's staff page, under ``/staff/register/``."""

from django.urls import URLPattern, path

from steward.vault.views import staff_register

urlpatterns: list[URLPattern] = [
    path("register/", staff_register.register_page, name="register"),
]
