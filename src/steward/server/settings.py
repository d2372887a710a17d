"""Django settings for the Steward vault. Every value comes from :mod:`steward.server.config`."""

from __future__ import annotations

from csp.constants import NONE, SELF

from steward.server.config import (
    AuditCheckpointConfig,
    EmailConfig,
    ServerConfig,
    database_settings,
    secret_key,
)

CONFIG = ServerConfig.from_environ()
AUDIT_CHECKPOINTS = AuditCheckpointConfig.from_environ()
EMAIL = EmailConfig.from_environ(data_dir=CONFIG.data_dir)

SECRET_KEY = secret_key(CONFIG.keys_dir)
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "ninja",
    "steward.vault",
]

MIDDLEWARE = [
    # First: it records the answer every other layer settled on, busy 503s included.
    "steward.server.web_log.WebLogMiddleware",
    "steward.server.busy.DatabaseBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "steward.server.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "steward.server.urls"
WSGI_APPLICATION = "steward.server.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "steward.vault.views.context.vault_context",
            ],
        },
    }
]

DATABASES = {"default": database_settings(CONFIG.database_url, CONFIG.lock_timeout)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords: Argon2 first; the others only verify hashes made before a migration.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"

# Sign-in lockout (django-axes, with Steward's handler for two separate limits): the
# user name typed is locked after STEWARD_ACCOUNT_FAILURE_LIMIT failures (whether or not
# such an account exists), and the client's network address is throttled after
# STEWARD_ADDRESS_FAILURE_LIMIT failures over any names (password spraying), each for
# the cool-off. The address is REMOTE_ADDR, which waitress sets from the trusted
# proxy's X-Forwarded-For only (`steward serve --trusted-proxy`). Attempts made while
# locked are refused without being counted, so a lock ends at the time the page states.
STEWARD_ACCOUNT_FAILURE_LIMIT = CONFIG.lockout.account_failures  # default 5
STEWARD_ADDRESS_FAILURE_LIMIT = CONFIG.lockout.address_failures  # default 50
# Vulnerability reports one address may send through the public form and API in an hour.
STEWARD_REPORT_LIMIT = CONFIG.report_limit  # default 10
AXES_COOLOFF_TIME = CONFIG.lockout.cool_off  # default 30 minutes
AXES_FAILURE_LIMIT = STEWARD_ACCOUNT_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "steward.vault.services.sign_in_locks.SignInLockHandler"
AXES_CLIENT_IP_CALLABLE = "steward.vault.services.sign_in_locks.client_address"
AXES_USERNAME_CALLABLE = "steward.vault.services.sign_in_locks.typed_username"
AXES_LOCKOUT_CALLABLE = "steward.vault.views.staff_auth.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Sign-ins are audited by the vault itself; axes keeps only what lockout needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions: server-side, a new id at login (Django rotates it), idle and absolute limits.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "steward_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = CONFIG.secure_cookies
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
STEWARD_SESSION_IDLE_SECONDS = 15 * 60
STEWARD_SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60
SESSION_COOKIE_AGE = STEWARD_SESSION_ABSOLUTE_SECONDS

CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SECURE = CONFIG.secure_cookies

# Transport and headers. Behind a TLS proxy in production; the embedded demo is plain
# HTTP on 127.0.0.1, where browsers treat the origin as secure anyway.
SECURE_SSL_REDIRECT = CONFIG.secure_cookies and not DEBUG
# The health check answers over plain HTTP too, so a service manager or load balancer
# can poll the process on its own port (steward.server.health).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if CONFIG.secure_cookies else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# "preload" only allows the host to be submitted to browsers' preload list; a vault
# on its own host name cannot be submitted, so it changes nothing but keeps
# `check --deploy` clean.
SECURE_HSTS_PRELOAD = CONFIG.secure_cookies
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No SECURE_PROXY_SSL_HEADER: Django would trust X-Forwarded-Proto from anyone. waitress
# sets wsgi.url_scheme (and REMOTE_ADDR) from the forwarded headers of the proxy named by
# `steward serve --trusted-proxy` only, and drops them from every other client.
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "connect-src": [SELF],
    }
}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

OTP_TOTP_ISSUER = "Steward"

# Email (notices of disclosure to the people concerned), through Django's mail framework:
# written to files in STEWARD_EMAIL_DIR (<data dir>/outbox) by default, or sent by SMTP
# with STEWARD_EMAIL=smtp and STEWARD_EMAIL_HOST, _PORT, _USER, _PASSWORD, _SECURITY.
# Messages name no personal value but the address they go to (docs/egress-notice.md).
EMAIL_BACKEND = EMAIL.backend
EMAIL_FILE_PATH = str(EMAIL.outbox)
EMAIL_HOST = EMAIL.host
EMAIL_PORT = EMAIL.port
EMAIL_HOST_USER = EMAIL.user
EMAIL_HOST_PASSWORD = EMAIL.password
EMAIL_USE_TLS = EMAIL.security == "starttls"
EMAIL_USE_SSL = EMAIL.security == "tls"
EMAIL_TIMEOUT = EMAIL.timeout
DEFAULT_FROM_EMAIL = EMAIL.sender
STEWARD_PUBLIC_URL = EMAIL.public_url

# The vault's own web log (steward.server.web_log): one line per page or API request
# with only what the plan's operations.web_logs.keep lists, one file a day, pruned by
# the scheduled job to operations.web_logs.retention.
STEWARD_WEB_LOG_DIR = CONFIG.data_dir / "web-log"

# Nothing personal reaches the logs: no request logging (which records addresses
# and paths); every record that is written goes through RequestPrivacyFilter, which
# names a request's status and view only, an exception by its type only, and removes
# any path, record id, network address or time of day (Django's and waitress's own
# messages carry them). configure_logging also sends Python's warnings and the errors
# that end a thread or the process through that filter instead of printing tracebacks.
LOGGING_CONFIG = "steward.server.log_privacy.configure_logging"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_privacy": {"()": "steward.server.log_privacy.RequestPrivacyFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_privacy"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": [], "propagate": False},
        "waitress": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
