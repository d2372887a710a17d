"""The server tests use the vault tests' fixtures (a vault on the test database)."""

from tests.vault.conftest import city_vault

__all__ = ["city_vault"]
