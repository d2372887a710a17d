"""The Django project that serves the vault: settings, URLs, WSGI, middleware.

Other layers use the server's configuration (:class:`ServerConfig`, read from the
``STEWARD_*`` variables) and its proxy settings. Django imports this package before
the settings, so each name is imported only when first used (:mod:`steward._lazy`).
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports

if TYPE_CHECKING:
    from steward.server.config import ServerConfig, database_settings, sqlite_path
    from steward.server.proxies import (
        DEFAULT_HEADERS,
        ProxySettingError,
        TrustedProxies,
        proxy_warnings,
        trusted_proxies,
        waitress_setup,
    )
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "config": ["ServerConfig", "database_settings", "sqlite_path"],
            "proxies": [
                "DEFAULT_HEADERS",
                "ProxySettingError",
                "TrustedProxies",
                "proxy_warnings",
                "trusted_proxies",
                "waitress_setup",
            ],
        },
    )

__all__ = [
    "DEFAULT_HEADERS",
    "ProxySettingError",
    "ServerConfig",
    "TrustedProxies",
    "database_settings",
    "proxy_warnings",
    "sqlite_path",
    "trusted_proxies",
    "waitress_setup",
]
