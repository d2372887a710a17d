"""The page for an unexpected failure (HTTP 500) outside the API.

It is rendered from a template that needs no context, no request data and no
database, so it still shows when the plan, the keys or the database are what failed,
and it says nothing about the failure itself. The API answers its own JSON 500s.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

TEMPLATE = "steward/server_error.html"
FALLBACK = "<!doctype html><title>Something went wrong</title><h1>Something went wrong</h1>"


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer 500 with a plain, styled page that leaks nothing; never cached."""
    del request
    try:
        body = loader.get_template(TEMPLATE).render()
    except Exception:  # the last resort must not fail in turn
        body = FALLBACK
    response = HttpResponseServerError(body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
