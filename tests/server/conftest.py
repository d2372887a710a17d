"""The server tests' fixtures: nginx (the docs' example) in front of ``steward serve``, and
the vault tests' vault on the test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.stack import NGINX, NO_NGINX, Vault, proxied_vault
from tests.vault.conftest import city_vault

__all__ = ["city_vault", "deployment"]

ADDRESS_LIMIT = 8
"""A lower address limit than the default 50, set through its environment variable."""
REPORT_LIMIT = 3
"""Vulnerability reports an address may send in an hour, lower than the default 10."""


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    """One vault behind nginx for the session, with accounts ana.lima, ben.okafor, tess.ng."""
    if NGINX is None:
        pytest.skip(NO_NGINX)
    folder = tmp_path_factory.mktemp("deployment")
    with proxied_vault(
        folder,
        ["ana.lima", "ben.okafor", "tess.ng"],
        STEWARD_LOCKOUT_ADDRESS_FAILURES=str(ADDRESS_LIMIT),
        STEWARD_REPORT_LIMIT=str(REPORT_LIMIT),
    ) as vault:
        yield vault
