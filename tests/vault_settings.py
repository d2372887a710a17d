"""Django settings for the test suite: the vault's own settings, with test-only keys.

The database is SQLite unless ``STEWARD_TEST_DATABASE_URL`` names another (CI runs the
vault tests a second time against the PostgreSQL on 127.0.0.1:5432).
"""

import os
import tempfile

os.environ.setdefault("STEWARD_SECRET_KEY", "test-only-secret-key-not-for-deployment-0123456789")
os.environ.setdefault("STEWARD_KEYS_DIR", tempfile.mkdtemp(prefix="steward-test-keys-"))
# The web log (and nothing else: the test database is in memory or on PostgreSQL).
os.environ.setdefault("STEWARD_DATA_DIR", tempfile.mkdtemp(prefix="steward-test-data-"))
os.environ.setdefault("STEWARD_PLAN", "examples/city-constituent-services.yaml")
os.environ.setdefault("STEWARD_INSECURE_COOKIES", "1")
os.environ.setdefault(
    "STEWARD_DATABASE_URL",
    os.environ.get("STEWARD_TEST_DATABASE_URL", "sqlite:///:memory:"),
)

from steward.server.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

# Close connections after each request, so no thread (the live server's) keeps the test
# database open when it is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
