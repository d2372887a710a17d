"""The page a recipient outside Steward opens from a delivery link: ``/deliveries/<token>/``.

GET (and HEAD) only describes the delivery: what it is, when it expires, how many
fetches are left, and how it is opened. It never counts as a fetch, so a link
previewer in a mail or chat program cannot use one up. The button POSTs back to the
same address and downloads the encrypted package
(:func:`steward.vault.services.deliveries.fetch_delivery`). Every answer carries
``Cache-Control: no-store`` and sends no referrer; an unknown link is a 404 page,
an expired or used-up one a 410 page, both in plain words.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from steward.vault.runtime import get_vault
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.deliveries import (
    DeliveryGone,
    DeliveryNotFound,
    delivery_status,
    fetch_delivery,
)

PACKAGE_TYPE = "application/octet-stream"


@require_http_methods(["GET", "HEAD", "POST"])
def delivery_page(request: HttpRequest, token: str) -> HttpResponse:
    """Describe the delivery (GET) or download its encrypted package (POST).

    Answers: 200 with the page or the package; 404 for an unknown link; 410 once it
    expired or was fetched as often as allowed; 503 when the fetch could not be
    audited (nothing was handed out or counted).
    """
    vault = get_vault()
    if request.method == "POST":
        try:
            fetched = fetch_delivery(vault, token)
        except DeliveryNotFound:
            return _page(request, "steward/delivery/not_found.html", {}, 404)
        except DeliveryGone as gone:
            return _page(request, "steward/delivery/gone.html", {"why": gone.reason}, 410)
        except AuditUnavailable:
            response = _page(request, "steward/delivery/unavailable.html", {}, 503)
            response["Retry-After"] = "300"
            return response
        response = HttpResponse(fetched.package, content_type=PACKAGE_TYPE)
        disposition = content_disposition_header(True, fetched.filename)
        if disposition:
            response["Content-Disposition"] = disposition
        response["X-Content-SHA256"] = fetched.sha256
        return _private(response)
    try:
        status = delivery_status(vault, token)
    except DeliveryNotFound:
        return _page(request, "steward/delivery/not_found.html", {}, 404)
    if not status.available:
        return _page(request, "steward/delivery/gone.html", {"why": status.why_not}, 410)
    return _page(request, "steward/delivery/page.html", {"status": status}, 200)


def _page(
    request: HttpRequest, template: str, context: dict[str, object], code: int
) -> HttpResponse:
    return _private(render(request, template, context, status=code))


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
