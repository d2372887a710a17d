"""Keeping requests out of the server's logs: no path, no query, no record id.

Django's ``django.request`` logger writes ``"Internal Server Error: /staff/records/<id>/"``
with the request attached and a full traceback, and waitress writes ``"Exception while
serving /path"``. Paths name records, and tracebacks carry exception messages, which can
quote stored values (a database error citing a row). :class:`RequestPrivacyFilter`
rewrites every record that reaches the vault's log handler:

* a record about a request says only its status and the name of the view;
* an exception is named by its type, never its message or traceback;
* any path in a waitress message is replaced by ``<path>``;
* anything shaped like an id (a UUID) that is left is replaced by ``<id>``.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final

UUID_PATTERN: Final = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
PATH_PATTERN: Final = re.compile(r"(?<=\s)/[^\s'\"]*")
REQUEST_LOGGERS: Final = ("django.request", "django.security", "django.server")


class RequestPrivacyFilter(logging.Filter):
    """Rewrite log records so that no request path, record id or exception text remains."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; always lets it through."""
        request: Any = getattr(record, "request", None)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        if request is not None or record.name.startswith(REQUEST_LOGGERS):
            message = _about_request(record, request)
        elif record.name.startswith("waitress"):
            message = PATH_PATTERN.sub("<path>", message)
        if record.exc_info and record.exc_info[1] is not None:
            message += f" ({type(record.exc_info[1]).__name__})"
        record.msg = UUID_PATTERN.sub("<id>", message)
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if request is not None:
            record.request = None
        return True


def _about_request(record: logging.LogRecord, request: Any) -> str:
    """``"<reason> (<status>) in view <name>"``, or just the logger's plain text."""
    status = getattr(record, "status_code", None)
    match = getattr(request, "resolver_match", None)
    view = getattr(match, "view_name", None) or "unknown"
    if status is None:
        return f"request refused in view {view}"
    from http import HTTPStatus

    try:
        reason = HTTPStatus(int(status)).phrase
    except ValueError:
        reason = "response"
    return f"{reason} ({status}) in view {view}"
