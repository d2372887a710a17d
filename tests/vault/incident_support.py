"""Helpers for the incident and vulnerability tests: the city plan with an oversight
body's role (added only when the plan has none), and a vault of it. (No tests here.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from steward.vault.runtime import Vault, use_vault
from steward.vault.services.actors import Actor
from tests.vault.conftest import CITY, HELP_DESK, make_vault
from tests.vault.disclosure_support import officer

SECRET = "Wilhelmina Sprocketwhistle"
"""A name written in descriptions and notes: it must never reach an overseer, a draft,
the audit log or a clear column."""
OVERSEER = {
    "id": "board_member",
    "label": "Oversight board member",
    "description": "Reads the registers; changes nothing.",
    "oversees": True,
    "mfa": True,
}


def with_overseer(source: Path, target: Path) -> Path:
    """``source`` with an oversight role added when it has none, written to ``target``."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not any(r.get("oversees") for r in data["roles"]):
        data["roles"].append(OVERSEER)
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


def overseer_role(vault: Vault) -> str:
    """The id of the plan's (first) oversight role."""
    return next(r.id for r in vault.plan.roles if r.oversees)


@pytest.fixture
def oversight_vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    """The city plan with an oversight role."""
    vault, _ = make_vault(with_overseer(CITY, tmp_path / "city.yaml"), tmp_path / "keys")
    use_vault(vault)
    yield vault
    use_vault(None)


@pytest.fixture
def help_desk_oversight(db: None, tmp_path: Path) -> Iterator[tuple[Vault, object]]:
    """The help-desk plan (sealed intake) with an oversight role, and its intake key."""
    vault, intake = make_vault(with_overseer(HELP_DESK, tmp_path / "hd.yaml"), tmp_path / "keys")
    use_vault(vault)
    yield vault, intake
    use_vault(None)


def handler(vault: Vault, username: str = "handler") -> Actor:
    """A staff actor of the plan's first role that handles incidents (it reads the audit
    log and does not oversee)."""
    role = next(r.id for r in vault.plan.roles if r.staff and r.reads_audit and not r.oversees)
    return officer(vault, username, role)
