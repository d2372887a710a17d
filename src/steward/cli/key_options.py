"""The keys folder option, light to import (the key commands themselves load the crypto
and the audit log)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["DEFAULT_KEYS_DIR", "KeysDir"]

KeysDir = Annotated[
    Path,
    typer.Option(
        "--keys-dir",
        envvar="STEWARD_KEYS_DIR",
        help="Folder holding the key file and the subject key store (never in the repo).",
    ),
]
DEFAULT_KEYS_DIR = Path("steward-keys")
