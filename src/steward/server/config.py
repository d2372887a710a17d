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

from steward.crypto import KeyStoreError, read_private_file, write_private_file
from steward.errors import StewardError
from steward.vault.rules import (
    DEFAULT_ACCOUNT_FAILURES,
    DEFAULT_ADDRESS_FAILURES,
    DEFAULT_COOL_OFF,
    DEFAULT_REPORTS,
    LockoutPolicy,
)

SECRET_KEY_FILE = "django-secret.key"  # noqa: S105 - a file name
ACCOUNT_FAILURES_VARIABLE = "STEWARD_LOCKOUT_ACCOUNT_FAILURES"
ADDRESS_FAILURES_VARIABLE = "STEWARD_LOCKOUT_ADDRESS_FAILURES"
LOCKOUT_MINUTES_VARIABLE = "STEWARD_LOCKOUT_MINUTES"
REPORT_LIMIT_VARIABLE = "STEWARD_REPORT_LIMIT"
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
    data_dir: Path = Path("steward-data")
    """The data folder: the embedded SQLite database and the web log (``web-log/``)."""
    lock_timeout: float = 20.0
    """Seconds a request waits for SQLite's write lock or the audit log's lock (PostgreSQL)."""
    report_limit: int = DEFAULT_REPORTS
    """Vulnerability reports one network address may send in an hour."""

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> ServerConfig:
        """Read the configuration; defaults give the embedded SQLite set-up.

        Raises:
            StewardError: a lockout variable or the report limit is not a whole number
                in its range.
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
            data_dir=data_dir,
            lock_timeout=float(whole_number(env, "STEWARD_DB_LOCK_TIMEOUT", 20)),
            report_limit=whole_number(env, REPORT_LIMIT_VARIABLE, DEFAULT_REPORTS, least=1),
        )


EMAIL_BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
EMAIL_SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class EmailConfig:
    """How the vault sends email (notices of disclosure): through Django's mail framework.

    ``STEWARD_EMAIL`` is ``file`` (the default: each message is written to a file in
    ``STEWARD_EMAIL_DIR``, ``<data dir>/outbox``, for a relay or a person to pick up)
    or ``smtp`` (``STEWARD_EMAIL_HOST``, ``STEWARD_EMAIL_PORT``, ``STEWARD_EMAIL_USER``,
    ``STEWARD_EMAIL_PASSWORD``, ``STEWARD_EMAIL_SECURITY``: ``starttls`` (default),
    ``tls`` or ``none``). ``STEWARD_EMAIL_FROM`` is the sender; ``STEWARD_PUBLIC_URL``
    the address people reach the vault at, named in the message so they can sign in.
    """

    backend: str = EMAIL_BACKENDS["file"]
    outbox: Path = Path("steward-data") / "outbox"
    host: str = "localhost"
    port: int = 587
    user: str = ""
    password: str = field(default="", repr=False)
    security: str = "starttls"
    sender: str = "steward@localhost"
    public_url: str = ""
    timeout: int = 10

    @classmethod
    def from_environ(
        cls, environ: dict[str, str] | None = None, data_dir: Path | None = None
    ) -> EmailConfig:
        """Read the ``STEWARD_EMAIL*`` and ``STEWARD_PUBLIC_URL`` variables.

        Raises:
            StewardError: an unknown ``STEWARD_EMAIL`` or ``STEWARD_EMAIL_SECURITY``, a
                port that is not a whole number from 1 to 65535, or a public URL that is
                not http(s).
        """
        env = dict(os.environ if environ is None else environ)
        base = data_dir or Path(env.get("STEWARD_DATA_DIR", "steward-data"))
        kind = env.get("STEWARD_EMAIL", "file").strip() or "file"
        if kind not in EMAIL_BACKENDS:
            raise StewardError(f"STEWARD_EMAIL must be file or smtp, not '{kind[:20]}'")
        security = env.get("STEWARD_EMAIL_SECURITY", "starttls").strip() or "starttls"
        if security not in EMAIL_SECURITY:
            raise StewardError(
                f"STEWARD_EMAIL_SECURITY must be starttls, tls or none, not '{security[:20]}'"
            )
        public_url = env.get("STEWARD_PUBLIC_URL", "").strip().rstrip("/")
        if public_url and urlparse(public_url).scheme not in ("http", "https"):
            raise StewardError("STEWARD_PUBLIC_URL must start with https:// (or http://)")
        return cls(
            backend=EMAIL_BACKENDS[kind],
            outbox=Path(env.get("STEWARD_EMAIL_DIR", "") or base / "outbox"),
            host=env.get("STEWARD_EMAIL_HOST", "localhost").strip() or "localhost",
            port=whole_number(env, "STEWARD_EMAIL_PORT", 587, least=1, most=65535),
            user=env.get("STEWARD_EMAIL_USER", ""),
            password=env.get("STEWARD_EMAIL_PASSWORD", ""),
            security=security,
            sender=env.get("STEWARD_EMAIL_FROM", "").strip() or "steward@localhost",
            public_url=public_url,
        )


def lockout_policy(env: dict[str, str]) -> LockoutPolicy:
    """The sign-in lockout limits from ``STEWARD_LOCKOUT_*``, defaults for those unset.

    Raises:
        StewardError: a value is not a whole number from 1 up (the cool-off: up to a week).
    """
    default_minutes = int(DEFAULT_COOL_OFF.total_seconds()) // 60
    minutes = whole_number(
        env, LOCKOUT_MINUTES_VARIABLE, default_minutes, least=1, most=WEEK_MINUTES
    )
    return LockoutPolicy(
        account_failures=whole_number(
            env, ACCOUNT_FAILURES_VARIABLE, DEFAULT_ACCOUNT_FAILURES, least=1
        ),
        address_failures=whole_number(
            env, ADDRESS_FAILURES_VARIABLE, DEFAULT_ADDRESS_FAILURES, least=1
        ),
        cool_off=timedelta(minutes=minutes),
    )


@dataclass(frozen=True)
class AuditCheckpointConfig:
    """When the vault signs checkpoints of its audit log on its own, and where it copies them.

    A checkpoint is due when ``every_entries`` entries were added since the last one,
    or ``every_minutes`` passed and at least one entry was added (0 turns either off).
    ``witness_dir``, if set, receives a copy of every checkpoint note.
    """

    every_entries: int = 1000
    every_minutes: int = 60
    witness_dir: Path | None = None

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> AuditCheckpointConfig:
        """Read ``STEWARD_AUDIT_CHECKPOINT_ENTRIES``, ``..._MINUTES`` and ``..._WITNESS_DIR``.

        Raises:
            StewardError: a number is not a whole number of at least 0.
        """
        env = dict(os.environ if environ is None else environ)
        witness = env.get("STEWARD_AUDIT_WITNESS_DIR", "")
        return cls(
            every_entries=whole_number(env, "STEWARD_AUDIT_CHECKPOINT_ENTRIES", 1000),
            every_minutes=whole_number(env, "STEWARD_AUDIT_CHECKPOINT_MINUTES", 60),
            witness_dir=Path(witness) if witness else None,
        )


def whole_number(
    env: dict[str, str], name: str, default: int, *, least: int = 0, most: int = MOST
) -> int:
    """The whole number in ``env[name]``, or ``default`` when it is unset or blank.

    Raises:
        StewardError: the value is not a whole number from ``least`` to ``most``; the
            message names the variable.
    """
    text = env.get(name, "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or not least <= int(text) <= most:
        raise StewardError(
            f"{name} must be a whole number from {least} to {most}, not '{text[:20]}'"
        )
    return int(text)


def database_settings(url: str, lock_timeout: float = 20.0) -> dict[str, Any]:
    """Django ``DATABASES['default']`` for ``sqlite:///path`` or ``postgresql://...``.

    SQLite waits up to ``lock_timeout`` seconds for the database's write lock
    (every transaction takes it as it begins) before giving up.

    Raises:
        StewardError: the URL's scheme is neither sqlite nor postgresql.
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = sqlite_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
                "timeout": lock_timeout,
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


def sqlite_path(url: str) -> str:
    """The file (or ``:memory:``) a ``sqlite:///PATH`` URL names; relative unless ``////``."""
    path = unquote(urlparse(url).path)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = path.lstrip("/")
    return path


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
