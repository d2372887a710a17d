"""Django application configuration of the vault."""

from django.apps import AppConfig


class VaultConfig(AppConfig):
    """The ``steward.vault`` Django app."""

    name = "steward.vault"
    label = "vault"
    verbose_name = "Steward vault"
    default_auto_field = "django.db.models.BigAutoField"
