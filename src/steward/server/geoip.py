"""The country of a visitor's network address, from the database that ships inside
geoip2fast: no network use, no download, no update at run time.

:func:`visitor_country` is the only entry. It returns a two-letter country code,
``local`` for an address that is not public (loopback, private, link-local, shared,
reserved: ``127.0.0.1``, ``10.x``, ``::1``, ...), or ``unknown`` (no address, not an
address, not in the database, or the database could not be loaded). It never returns,
logs or keeps the address itself; the caller holds that in memory only.

The database (MaxMind GeoLite2 country data for IPv4 and IPv6, as packaged by
geoip2fast) is loaded once per process, on the first public address, from the
package's own folder by its full path (never from the working folder, where another
file of the same name could be planted). Loading takes about a tenth of a second and
some 20 MB of memory.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from steward.vault.rules import COUNTRY_LOCAL, COUNTRY_UNKNOWN, web_log_country

DATABASE_FILE: Final = "geoip2fast-ipv6.dat.gz"
"""geoip2fast's bundled country database for IPv4 and IPv6."""
_ENVIRONMENT_SET_ON_IMPORT: Final = ("PYTHONWARNINGS", "PYTHONIOENCODING")
"""Variables geoip2fast writes into ``os.environ`` when imported; put back afterwards."""

logger = logging.getLogger(__name__)
Lookup = Callable[[str], str]
"""A function from a public address (text) to a country code, ``""`` when unknown."""


def visitor_country(address: str | None, lookup: Lookup | None = None) -> str:
    """The country of ``address``: a two-letter code, ``local`` or ``unknown``.

    ``lookup`` is the database lookup (by default geoip2fast's bundled database); it is
    asked only about public addresses. Never raises.
    """
    if not address:
        return COUNTRY_UNKNOWN
    try:
        parsed = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return COUNTRY_UNKNOWN
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if not parsed.is_global or parsed.is_multicast:
        return COUNTRY_LOCAL
    try:
        code = (lookup or bundled_lookup)(str(parsed))
    except Exception:  # a lookup failure must never fail the request it is about
        return COUNTRY_UNKNOWN
    return web_log_country(code) if code else COUNTRY_UNKNOWN


class _Database:
    """geoip2fast's bundled database, loaded on first use, once per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: Any = None
        self._failed = False

    def lookup(self, address: str) -> str:
        """The country code geoip2fast gives ``address``; ``""`` when it has none or the
        database cannot be loaded (said once in the server's log, by error type)."""
        database = self._load()
        if database is None:
            return ""
        return str(database.lookup(address).country_code or "")

    def info(self) -> dict[str, Any]:
        """Where the data comes from and what it covers (``source_info`` and counts)."""
        database = self._load()
        return dict(database.get_database_info()) if database is not None else {}

    def _load(self) -> Any:
        with self._lock:
            if self._loaded is None and not self._failed:
                try:
                    self._loaded = load_bundled_database()
                except Exception as error:  # geoip2fast raises its own errors and OSError
                    self._failed = True
                    logger.warning(
                        "the country database could not be loaded (%s); web log lines "
                        "say 'unknown' for the country",
                        type(error).__name__,
                    )
            return self._loaded


def load_bundled_database() -> Any:
    """A ``GeoIP2Fast`` reader of the database in geoip2fast's own package folder.

    Raises:
        OSError: the file is missing from the installed package.
        Exception: geoip2fast's ``GeoIPError`` when the file cannot be read.
    """
    saved = {name: os.environ.get(name) for name in _ENVIRONMENT_SET_ON_IMPORT}
    try:
        import geoip2fast
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    path = Path(geoip2fast.__file__).resolve().parent / DATABASE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"geoip2fast ships no {DATABASE_FILE}")
    return geoip2fast.GeoIP2Fast(geoip2fast_data_file=str(path))


_DATABASE: Final = _Database()
bundled_lookup: Final[Lookup] = _DATABASE.lookup
database_info: Final = _DATABASE.info
