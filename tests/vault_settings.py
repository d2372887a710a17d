"""Django settings for the test suite: the vault's own settings, with test-only keys.

The database is SQLite unless ``STEWARD_TEST_DATABASE_URL`` names another (CI runs the
vault tests a second time against the PostgreSQL on 127.0.0.1:5432).
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("STEWARD_SECRET_KEY", "test-only-secret-key-not-for-deployment-0123456789")
os.environ.setdefault("STEWARD_KEYS_DIR", tempfile.mkdtemp(prefix="steward-test-keys-"))
os.environ.setdefault("STEWARD_PLAN", "examples/city-constituent-services.yaml")
os.environ.setdefault("STEWARD_INSECURE_COOKIES", "1")
os.environ.setdefault(
    "STEWARD_DATABASE_URL",
    os.environ.get("STEWARD_TEST_DATABASE_URL", "sqlite:///:memory:"),
)

from steward.server.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

# The web log of requests made in tests (never ./steward-data in the checkout).
STEWARD_WEB_LOG_DIR = Path(tempfile.mkdtemp(prefix="steward-test-web-log-"))

# Close connections after each request, so no thread (the live server's) keeps the test
# database open when it is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
