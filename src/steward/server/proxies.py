"""Which reverse proxy the vault trusts, and how waitress is told.

A TLS proxy (nginx) in front of ``steward serve`` says in ``X-Forwarded-Proto`` that a
request came over HTTPS and in ``X-Forwarded-For`` who sent it. Only the proxy named
here may say so: waitress then sets ``wsgi.url_scheme`` and ``REMOTE_ADDR`` from those
headers, and drops every forwarded header that any other client sends, so Django
never sees one. Django itself trusts no forwarded header (there is no
``SECURE_PROXY_SSL_HEADER``).

Plain Python; waitress is imported only to build the server.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from steward.errors import StewardError

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

DEFAULT_HEADERS: Final = ("x-forwarded-proto", "x-forwarded-for")
KNOWN_HEADERS: Final = frozenset(
    {
        "x-forwarded-proto",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-port",
        "x-forwarded-by",
        "forwarded",
    }
)
PROXY_HOPS: Final = 1
"""One proxy between the client and the vault: the last X-Forwarded-For entry is the client."""


class ProxySettingError(StewardError):
    """The trusted-proxy options make no sense; the message says which and why."""


@dataclass(frozen=True)
class TrustedProxies:
    """The proxies whose forwarded headers are believed, and which headers."""

    addresses: tuple[str, ...] = ()
    headers: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        """Whether any proxy is trusted."""
        return bool(self.addresses)

    @property
    def forwards_client_address(self) -> bool:
        """Whether the proxy's word on the client's address is taken."""
        return bool({"x-forwarded-for", "forwarded"} & self.headers)

    @property
    def forwards_scheme(self) -> bool:
        """Whether the proxy's word on HTTPS is taken."""
        return bool({"x-forwarded-proto", "forwarded"} & self.headers)


def _items(values: Iterable[str] | None) -> Iterator[str]:
    """Each comma- or space-separated item of ``values`` (options may repeat or list)."""
    for value in values or ():
        yield from value.replace(",", " ").split()


def _address(text: str) -> str:
    if text == "*":
        raise ProxySettingError(
            "--trusted-proxy '*' would let every client claim HTTPS and any address; "
            "give the address the proxy connects from (e.g. 127.0.0.1)"
        )
    if "/" in text:
        raise ProxySettingError(
            f"--trusted-proxy takes the proxy's own address, not a network ('{text}')"
        )
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        raise ProxySettingError(
            f"--trusted-proxy must be an IP address, as the proxy connects from "
            f"(e.g. 127.0.0.1), not '{text}'"
        ) from None
    if address.is_unspecified or address.is_multicast:
        raise ProxySettingError(f"no proxy connects from '{text}'; give the proxy's own address")
    return str(address)


def _headers(names: Sequence[str], plain_http: bool) -> frozenset[str]:
    headers = frozenset(name.lower() for name in names)
    unknown = sorted(headers - KNOWN_HEADERS)
    if unknown:
        raise ProxySettingError(
            f"unknown forwarded header {', '.join(repr(u) for u in unknown)}; "
            f"choose from {', '.join(sorted(KNOWN_HEADERS))}"
        )
    if "forwarded" in headers and len(headers) > 1:
        raise ProxySettingError(
            "trust either 'forwarded' or the x-forwarded-* headers, not both: "
            "a client could otherwise contradict the proxy"
        )
    if not plain_http and not {"x-forwarded-proto", "forwarded"} & headers:
        raise ProxySettingError(
            "without x-forwarded-proto (or forwarded) the vault cannot know a request came "
            "over HTTPS and would redirect every page to itself; add x-forwarded-proto"
        )
    return headers


def trusted_proxies(
    addresses: Iterable[str] | None, headers: Iterable[str] | None, *, plain_http: bool = False
) -> TrustedProxies:
    """Parse ``--trusted-proxy`` and ``--trusted-proxy-headers`` (each repeatable or
    comma-separated). Headers default to x-forwarded-proto and x-forwarded-for.

    Raises:
        ProxySettingError: an address is not a single IP address (``*``, a network, a
            host name), a header is unknown or ``forwarded`` is mixed with
            ``x-forwarded-*``, headers are given without a proxy, or (unless
            ``plain_http``) no header says the scheme.
    """
    found = tuple(dict.fromkeys(_address(a) for a in _items(addresses)))
    names = list(_items(headers))
    if not found:
        if names:
            raise ProxySettingError(
                "--trusted-proxy-headers needs --trusted-proxy: whose headers should be trusted?"
            )
        return TrustedProxies()
    return TrustedProxies(found, _headers(names or DEFAULT_HEADERS, plain_http))


def proxy_warnings(proxies: TrustedProxies, *, plain_http: bool) -> list[str]:
    """What ``serve`` should warn about these settings (it still starts)."""
    if not proxies.any:
        if plain_http:
            return []
        return [
            "no --trusted-proxy: no request can be recognized as HTTPS, so behind a TLS proxy "
            "every page redirects to itself. Name the proxy's address with --trusted-proxy "
            "(see docs/running.md), or use --plain-http for a trial on this machine"
        ]
    if not proxies.forwards_client_address:
        return [
            "the proxy's X-Forwarded-For is not trusted: every sign-in seems to come from "
            "the proxy, so the address throttle counts all clients together"
        ]
    return []


def _untrusted_peer(app: WSGIApp) -> WSGIApp:
    from waitress.proxy_headers import proxy_headers_middleware

    return proxy_headers_middleware(app, trusted_proxy=None, clear_untrusted=True)  # type: ignore[no-any-return]


def _trusted_peer(app: WSGIApp, headers: frozenset[str]) -> WSGIApp:
    from waitress.proxy_headers import proxy_headers_middleware

    return proxy_headers_middleware(  # type: ignore[no-any-return]
        app,
        trusted_proxy="*",
        trusted_proxy_count=PROXY_HOPS,
        trusted_proxy_headers=set(headers),
        clear_untrusted=True,
    )


def waitress_setup(app: WSGIApp, proxies: TrustedProxies) -> tuple[WSGIApp, dict[str, Any]]:
    """The application and keyword arguments to give ``waitress.serve`` for ``proxies``.

    No proxy: waitress clears every forwarded header. One proxy: waitress's own
    ``trusted_proxy`` settings. Several: waitress can trust only one address, so each
    request is handed to waitress's proxy-header middleware as trusted or not by the
    address it came from.
    """
    if len(proxies.addresses) <= 1:
        options: dict[str, Any] = {"clear_untrusted_proxy_headers": True}
        if proxies.any:
            options.update(
                trusted_proxy=proxies.addresses[0],
                trusted_proxy_count=PROXY_HOPS,
                trusted_proxy_headers=set(proxies.headers),
            )
        return app, options
    trusted = frozenset(proxies.addresses)
    believe, drop = _trusted_peer(app, proxies.headers), _untrusted_peer(app)

    def by_peer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        peer = str(environ.get("REMOTE_ADDR", ""))
        return (believe if _normalized(peer) in trusted else drop)(environ, start_response)

    return by_peer, {"clear_untrusted_proxy_headers": False}


def _normalized(peer: str) -> str:
    try:
        return str(ipaddress.ip_address(peer))
    except ValueError:
        return peer
