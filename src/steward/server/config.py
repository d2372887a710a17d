"""The vault's configuration, read from the environment that ``steward serve`` sets.

Only this module reads ``STEWARD_*`` variables for the server, so every setting has
one documented source.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from steward.crypto.errors import KeyStoreError
from steward.crypto.private_files import read_private_file, write_private_file
from steward.errors import StewardError
from steward.vault.rules.sign_in import (
    DEFAULT_ACCOUNT_FAILURES,
    DEFAULT_ADDRESS_FAILURES,
    DEFAULT_COOL_OFF,
    LockoutPolicy,
)

SECRET_KEY_FILE = "django-secret.key"  # noqa: S105 - a file name
ACCOUNT_FAILURES_VARIABLE = "STEWARD_LOCKOUT_ACCOUNT_FAILURES"
ADDRESS_FAILURES_VARIABLE = "STEWARD_LOCKOUT_ADDRESS_FAILURES"
LOCKOUT_MINUTES_VARIABLE = "STEWARD_LOCKOUT_MINUTES"
MOST = 1_000_000
WEEK_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class ServerConfig:
    """Where the vault finds its plan, keys and database, and how it runs."""

    plan: Path
    keys_dir: Path
    database_url: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    secure_cookies: bool
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    backup_dir: Path = Path("steward-backups")

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> ServerConfig:
        """Read the configuration; defaults give the embedded SQLite set-up.

        Raises:
            StewardError: a lockout variable is not a whole number in its range.
        """
        env = dict(os.environ if environ is None else environ)
        data_dir = Path(env.get("STEWARD_DATA_DIR", "steward-data"))
        return cls(
            plan=Path(env.get("STEWARD_PLAN", "plan.yaml")),
            keys_dir=Path(env.get("STEWARD_KEYS_DIR", "steward-keys")),
            database_url=env.get(
                "STEWARD_DATABASE_URL", f"sqlite:///{data_dir / 'steward.sqlite3'}"
            ),
            debug=env.get("STEWARD_DEBUG", "") == "1",
            allowed_hosts=tuple(
                h for h in env.get("STEWARD_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
            ),
            secure_cookies=env.get("STEWARD_INSECURE_COOKIES", "") != "1",
            lockout=lockout_policy(env),
            backup_dir=Path(env.get("STEWARD_BACKUP_DIR", "steward-backups")),
        )


def lockout_policy(env: dict[str, str]) -> LockoutPolicy:
    """The sign-in lockout limits from ``STEWARD_LOCKOUT_*``, defaults for those unset.

    Raises:
        StewardError: a value is not a whole number from 1 up (the cool-off: up to a week).
    """
    default_minutes = int(DEFAULT_COOL_OFF.total_seconds()) // 60
    minutes = _positive(env, LOCKOUT_MINUTES_VARIABLE, default_minutes, most=WEEK_MINUTES)
    return LockoutPolicy(
        account_failures=_positive(env, ACCOUNT_FAILURES_VARIABLE, DEFAULT_ACCOUNT_FAILURES),
        address_failures=_positive(env, ADDRESS_FAILURES_VARIABLE, DEFAULT_ADDRESS_FAILURES),
        cool_off=timedelta(minutes=minutes),
    )


def _positive(env: dict[str, str], name: str, default: int, most: int = MOST) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= most:
        raise StewardError(f"{name} must be a whole number from 1 to {most}, not '{text}'")
    return int(text)


def database_settings(url: str) -> dict[str, Any]:
    """Django ``DATABASES['default']`` for ``sqlite:///path`` or ``postgresql://...``.

    Raises:
        StewardError: the URL's scheme is neither sqlite nor postgresql.
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            path = path.lstrip("/")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise StewardError(
        f"unsupported database URL scheme '{parsed.scheme}'; use sqlite:///PATH or postgresql://..."
    )


def secret_key(keys_dir: Path) -> str:
    """Django's signing key, from ``STEWARD_SECRET_KEY`` or an owner-only file it creates."""
    from_env = os.environ.get("STEWARD_SECRET_KEY")
    if from_env:
        return from_env
    path = keys_dir / SECRET_KEY_FILE
    try:
        return read_private_file(path).decode("ascii").strip()
    except KeyStoreError:
        if path.exists() or path.is_symlink():
            raise
    key = secrets.token_urlsafe(50)
    write_private_file(path, key.encode("ascii"), exclusive=True)
    return key
